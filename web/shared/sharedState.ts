// State shared by every page (the session, the cart): kept in a module, changed through
// `changed()`, followed by components with `useShared()`, which renders again after every change —
// also one made between a component's render and its subscription (a lazy page mounting while the
// page-load refresh answers), which a plain listener would miss.
import { useEffect, useState } from "preact/hooks";

export function sharedState() {
  const listeners = new Set<() => void>();
  let changes = 0;
  return {
    changed() {
      changes++;
      listeners.forEach((l) => l());
    },
    /** Re-renders the calling component on every change; `onMount` runs once it follows them. */
    useShared(onMount?: () => void) {
      const [, force] = useState(0);
      const seen = changes;
      useEffect(() => {
        const l = () => force((n) => n + 1);
        listeners.add(l);
        if (changes !== seen) l();
        onMount?.();
        return () => void listeners.delete(l);
      }, []);
    },
  };
}
