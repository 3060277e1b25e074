import { useCallback, useEffect, useState, type DependencyList } from 'react';

import { useRefresh } from './refresh.js';

export interface QueryState<T> {
  data?: T;
  error?: Error;
  /** True while a request is in flight; the earlier answer (data or error) stays shown meanwhile. */
  loading: boolean;
  reload: () => void;
}

/**
 * Runs `load` when `deps` change, on `reload()` and on each refresh of the page (`RefreshContext`), aborting the
 * request it replaces or that its component outlives, so a slow answer never overwrites a newer one.
 */
export function useQuery<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): QueryState<T> {
  const [state, setState] = useState<Omit<QueryState<T>, 'reload'>>({ loading: true });
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const refreshes = useRefresh().count;

  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    load(controller.signal).then(
      (data) => !controller.signal.aborted && setState({ data, loading: false }),
      (error: Error) => !controller.signal.aborted && setState({ error, loading: false })
    );
    return () => controller.abort();
    // `load` is a fresh closure each render; `deps` say when it really changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, version, refreshes]);

  return { ...state, reload };
}
