import { createContext, useContext } from 'react';

import { useUrlState } from './useUrlState.js';

/**
 * The auto-refresh intervals offered, in ms by their name in `refresh=` (as Grafana writes them); any other value is
 * off. A Map: a link's `refresh=toString` must not find an object's inherited property.
 */
export const REFRESH_INTERVALS = new Map([
  ['30s', 30_000],
  ['1m', 60_000],
  ['5m', 300_000],
]);

/** How many times the page was refreshed, and how to do it once more: every query runs again when the count changes. */
export const RefreshContext = createContext({ count: 0, refresh: () => {} });

export function useRefresh() {
  return useContext(RefreshContext);
}

/** The auto-refresh interval, kept in the URL as dashboards keep it (`refresh=1m`), so a shared link keeps it. */
export function useRefreshInterval(): [string, (interval: string) => void] {
  const [{ refresh }, setState] = useUrlState({ refresh: '' });
  return [refresh, (interval) => setState({ refresh: interval })];
}
