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

/**
 * p50 and p95 run duration per time bucket, on one scale from zero, with the top of the scale labelled. An interval
 * without a finished run has no duration: the lines break there rather than drop to zero.
 */
export function DurationLines({ points, width, height }: Props) {
  const styles = useStyles2(getStyles);
  const max = Math.max(0, ...points.map((p) => p.p95DurationSeconds ?? 0));
  const slot = width / Math.max(1, points.length);
  // Each known value starts a segment (M) unless the one before it is known too (L); `h0` draws a lone point as a dot.
  const path = (value: (p: TimelinePoint) => number | null) =>
    points
      .map((p, i) => {
        const v = value(p);
        if (v === null) {
          return '';
        }
        const xy = `${(i * slot + slot / 2).toFixed(1)},${(height - (max > 0 ? v / max : 0) * height).toFixed(1)}`;
        return i > 0 && value(points[i - 1]!) !== null ? `L${xy}` : `M${xy}h0`;
      })
      .join('');
  const summary = `Run duration: p95 up to ${formatDuration(max)}`;

  return (
    <svg width={width} height={height} role="img" aria-label={summary} className={styles.svg}>
      <title>{summary}</title>
      <line className={styles.axis} x1={0} x2={width} y1={height} y2={height} />
      <text className={styles.label} x={0} y={10}>
        {formatDuration(max)}
      </text>
      <path className={styles.p95} d={path((p) => p.p95DurationSeconds)} fill="none" />
      <path className={styles.p50} d={path((p) => p.p50DurationSeconds)} fill="none" />
    </svg>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  svg: css({ display: 'block', overflow: 'visible' }),
  axis: css({ stroke: theme.colors.border.medium }),
  label: css({ fill: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  // Round caps, so that a lone point (an interval between two without runs) shows as a dot.
  p95: css({ stroke: theme.colors.warning.main, strokeWidth: 2, strokeLinecap: 'round', strokeLinejoin: 'round' }),
  p50: css({ stroke: theme.colors.primary.main, strokeWidth: 2, strokeLinecap: 'round', strokeLinejoin: 'round' }),
});
