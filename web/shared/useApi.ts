import { useEffect, useState } from "preact/hooks";
import { api, ApiError } from "./api";

type State<T> = { data?: T; error?: ApiError; loading: boolean };
export type Loaded<T> = State<T> & { reload: () => void };

/** GETs `path` (null: nothing yet) and again when it changes or on `reload()` (after a change the
 * page made); the older answer is dropped. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [state, setState] = useState<State<T>>({ loading: path !== null });
  const [round, setRound] = useState(0);
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
  }, [path, round]);
  return { ...state, reload: () => setRound((n) => n + 1) };
}

/** A list the shopper can remove from (addresses, sessions): useApi(path) plus remove(id), which
 * DELETEs `${path}/${id}` and loads the list again; a failed removal is the list's error. */
export function useRemovable<T>(path: string | null): Loaded<T> & { remove: (id: string) => Promise<void> } {
  const list = useApi<T>(path);
  const [failed, setFailed] = useState<ApiError | null>(null);
  const remove = async (id: string) => {
    setFailed(null);
    try {
      await api(`${path}/${id}`, { method: "DELETE" });
    } catch (e) {
      setFailed(e as ApiError);
    }
    list.reload();
  };
  return { ...list, error: failed ?? list.error, remove };
}

export function useTitle(title: string | undefined) {
  useEffect(() => {
    if (title) document.title = `${title} · Store`;
  }, [title]);
}
