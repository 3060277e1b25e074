import { Badge, type BadgeColor } from '@grafana/ui';
import React from 'react';

import type { FindingStatus, HealthStatus, Impact, Severity, SloState } from '../api/types.js';
import { humanize, statusTone, type StatusTone } from '../domain/format.js';

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
};

/** Runs' and steps' statuses by their tone, as the run's timeline colours its bars. */
const TONES: Record<StatusTone, BadgeColor> = { failed: 'red', running: 'blue', muted: 'darkgrey', succeeded: 'green' };

type Value = Severity | HealthStatus | SloState | FindingStatus | Impact | string;

export function StateBadge({ value, text }: { value: Value; text?: string }) {
  const tone = statusTone(value);
  return <Badge color={COLORS[value] ?? (tone ? TONES[tone] : 'darkgrey')} text={text ?? humanize(value)} />;
}
