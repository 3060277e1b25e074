import { RefreshPicker } from '@grafana/ui';
import React from 'react';

import { REFRESH_INTERVALS, useRefresh, useRefreshInterval } from '../domain/refresh.js';

const INTERVALS = [...REFRESH_INTERVALS.keys()];

/** Dashboards' refresh button and auto-refresh interval: what stays open on a wall or in a tab stays current. */
export function RefreshControl() {
  const { refresh } = useRefresh();
  const [interval, setRefreshInterval] = useRefreshInterval();
  return <RefreshPicker text="Refresh" intervals={INTERVALS} value={interval} onRefresh={refresh} onIntervalChanged={setRefreshInterval} />;
}
