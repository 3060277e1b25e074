import { Badge, type BadgeColor } from '@grafana/ui';
import React from 'react';

import type { FindingStatus, HealthStatus, Impact, Severity, SloState } from '../api/types.js';
import { humanize } from '../domain/format.js';

/** One colour scale for every state the pages show, so red always means "act now". */
const COLORS: Record<string, BadgeColor> = {
  critical: 'red',
  high: 'orange',
  medium: 'purple',
  low: 'blue',
  info: 'darkgrey',
  unhealthy: 'red',
  degraded: 'orange',
  healthy: 'green',
  unknown: 'darkgrey',
  ok: 'green',
  warning: 'orange',
  open: 'red',
  acknowledged: 'orange',
  resolved: 'green',
  success: 'green',
  failure: 'red',
  error: 'red',
  timeout: 'red',
  cancelled: 'darkgrey',
  skipped: 'darkgrey',
  running: 'blue',
};

type Value = Severity | HealthStatus | SloState | FindingStatus | Impact | string;

export function StateBadge({ value, text }: { value: Value; text?: string }) {
  return <Badge color={COLORS[value] ?? 'darkgrey'} text={text ?? humanize(value)} />;
}
