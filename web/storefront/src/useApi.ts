import { useEffect, useState } from "preact/hooks";
import { api, ApiError } from "./api";

export type Loaded<T> = { data?: T; error?: ApiError; loading: boolean };

/** GETs `path` (null: nothing yet) and reloads when it changes; the older answer is dropped. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ loading: path !== null });
  useEffect(() => {
    if (path === null) return;
    const abort = new AbortController();
    setState((s) => ({ data: s.data, loading: true }));
    api<T>(path, { signal: abort.signal })
      .then((data) => setState({ data, loading: false }))
      .catch((e) => {
        if (e instanceof ApiError) setState({ error: e, loading: false });
      });
    return () => abort.abort();
  }, [path]);
  return state;
}

export function useTitle(title: string | undefined) {
  useEffect(() => {
    if (title) document.title = `${title} · Store`;
  }, [title]);
}
