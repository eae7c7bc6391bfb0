// Filters kept in the URL (a link or the back button shows the same list): what is typed in the
// filter form, what is applied (the URL's), apply() to go to the typed ones, at() for a link to the
// same list with more parameters (a page, a cursor).
import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";

export function useUrlFilters(keys: string[]) {
  const { query, path, route } = useLocation();
  const [typed, setTyped] = useState<Record<string, string>>(() => Object.fromEntries(keys.map((k) => [k, query[k] ?? ""])));
  const applied = new URLSearchParams();
  for (const k of keys) if (query[k]) applied.set(k, query[k]);
  return {
    query,
    typed,
    set: (key: string) => (value: string) => setTyped((t) => ({ ...t, [key]: value })),
    applied,
    apply: (e: Event) => {
      e.preventDefault();
      const next = new URLSearchParams();
      for (const k of keys) if (typed[k]?.trim()) next.set(k, typed[k].trim());
      route(`${path}?${next}`);
    },
    at: (extra: Record<string, string>) => `${path}?${new URLSearchParams({ ...Object.fromEntries(applied), ...extra })}`,
  };
}
