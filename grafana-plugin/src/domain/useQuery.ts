import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';

import { useRefresh } from './refresh.js';

export interface QueryState<T> {
  /** The last answer to this query; kept when a refresh of it fails, beside that `error`. */
  data?: T;
  error?: Error;
  /** True while a request is in flight; the earlier answer (data or error) stays shown meanwhile. */
  loading: boolean;
  reload: () => void;
}

/**
 * Runs `load` when `deps` change, on `reload()` and on each refresh of the page (`RefreshContext`), aborting the
 * request it replaces or that its component outlives, so a slow answer never overwrites a newer one. A refresh that
 * fails (an agent restarting) keeps the answer it had, beside the error; a failed query for other `deps` drops it.
 */
export function useQuery<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): QueryState<T> {
  const [state, setState] = useState<Omit<QueryState<T>, 'reload'>>({ loading: true });
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const refreshes = useRefresh().count;
  // Which `deps` the data answered: a failed refresh of the same query keeps it.
  const asked = useRef(0);
  const answered = useRef(-1);
  useEffect(() => {
    asked.current++;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  useEffect(() => {
    const controller = new AbortController();
    const query = asked.current;
    setState((s) => ({ ...s, loading: true }));
    load(controller.signal).then(
      (data) => {
        if (controller.signal.aborted) {
          return;
        }
        answered.current = query;
        setState({ data, loading: false });
      },
      (error: Error) => !controller.signal.aborted && setState((s) => ({ error, loading: false, ...(answered.current === query && { data: s.data }) }))
    );
    return () => controller.abort();
    // `load` is a fresh closure each render; `deps` say when it really changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, version, refreshes]);

  return { ...state, reload };
}
