import React, { useCallback, useMemo, useState, type ReactNode } from 'react';

import { REFRESH_INTERVALS, RefreshContext, useRefreshInterval } from '../domain/refresh.js';
import { useVisibleInterval } from '../domain/useVisibleInterval.js';

/**
 * Refreshes the pages below it on request and every interval the URL names. Each refresh asks the agent again with
 * the range as the URL has it, so a relative range (`now-24h`) ends at the agent's now of that request. A hidden tab
 * waits (`useVisibleInterval`).
 */
export function AutoRefresh({ children }: { children: ReactNode }) {
  const [count, setCount] = useState(0);
  const refresh = useCallback(() => setCount((c) => c + 1), []);
  const [interval] = useRefreshInterval();
  useVisibleInterval(refresh, REFRESH_INTERVALS.get(interval));
  const value = useMemo(() => ({ count, refresh }), [count, refresh]);
  return <RefreshContext.Provider value={value}>{children}</RefreshContext.Provider>;
}
