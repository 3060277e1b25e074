import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import React from 'react';

import type { TimelinePoint } from '../api/types.js';
import { formatDuration } from '../domain/format.js';

interface Props {
  points: TimelinePoint[];
  width: number;
  height: number;
}

/** p50 and p95 run duration per time bucket, on one scale from zero, with the top of the scale labelled. */
export function DurationLines({ points, width, height }: Props) {
  const styles = useStyles2(getStyles);
  const max = Math.max(0, ...points.map((p) => p.p95DurationSeconds));
  const slot = width / Math.max(1, points.length);
  const path = (value: (p: TimelinePoint) => number) =>
    points.map((p, i) => `${(i * slot + slot / 2).toFixed(1)},${(height - (max > 0 ? value(p) / max : 0) * height).toFixed(1)}`).join(' ');
  const summary = `Run duration: p95 up to ${formatDuration(max)}`;

  return (
    <svg width={width} height={height} role="img" aria-label={summary} className={styles.svg}>
      <title>{summary}</title>
      <line className={styles.axis} x1={0} x2={width} y1={height} y2={height} />
      <text className={styles.label} x={0} y={10}>
        {formatDuration(max)}
      </text>
      <polyline className={styles.p95} points={path((p) => p.p95DurationSeconds)} fill="none" />
      <polyline className={styles.p50} points={path((p) => p.p50DurationSeconds)} fill="none" />
    </svg>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  svg: css({ display: 'block', overflow: 'visible' }),
  axis: css({ stroke: theme.colors.border.medium }),
  label: css({ fill: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  p95: css({ stroke: theme.colors.warning.main, strokeWidth: 2 }),
  p50: css({ stroke: theme.colors.primary.main, strokeWidth: 2 }),
});
