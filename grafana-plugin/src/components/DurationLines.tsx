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

interface XY {
  x: number;
  y: number;
}

/**
 * p50 and p95 run duration per time bucket, on one scale from zero, with the top of the scale labelled. An interval
 * without a finished run has no duration: the lines break there rather than drop to zero.
 */
export function DurationLines({ points, width, height }: Props) {
  const styles = useStyles2(getStyles);
  const max = Math.max(0, ...points.map((p) => p.p95DurationSeconds ?? 0));
  const slot = width / Math.max(1, points.length);
  const series = (value: (p: TimelinePoint) => number | null) =>
    traceSeries(
      points.map((p, i) => {
        const v = value(p);
        return v === null ? null : { x: i * slot + slot / 2, y: height - (max > 0 ? v / max : 0) * height };
      })
    );
  const p95 = series((p) => p.p95DurationSeconds);
  const p50 = series((p) => p.p50DurationSeconds);
  const summary = `Run duration: p95 up to ${formatDuration(max)}`;

  return (
    <svg width={width} height={height} role="img" aria-label={summary} className={styles.svg}>
      <title>{summary}</title>
      <line className={styles.axis} x1={0} x2={width} y1={height} y2={height} />
      <text className={styles.label} x={0} y={10}>
        {formatDuration(max)}
      </text>
      <path className={styles.p95} d={p95.line} fill="none" />
      <path className={styles.p50} d={p50.line} fill="none" />
      {/* p95 the larger: with one run in the interval p50 equals it, and its ring stays in view around p50's dot. */}
      {p95.markers.map(({ x, y }) => (
        <circle key={x} className={styles.p95Marker} cx={x.toFixed(1)} cy={y.toFixed(1)} r={4.5} />
      ))}
      {p50.markers.map(({ x, y }) => (
        <circle key={x} className={styles.p50Marker} cx={x.toFixed(1)} cy={y.toFixed(1)} r={3} />
      ))}
    </svg>
  );
}

/**
 * A series as a path through its known values, broken where one is unknown, with the values unknown on both sides
 * apart as markers: a path of one point is a dot no wider than the line (an hourly workflow in a day's range has
 * one run per interval).
 */
function traceSeries(values: Array<XY | null>): { line: string; markers: XY[] } {
  const line: string[] = [];
  const markers: XY[] = [];
  values.forEach((xy, i) => {
    if (!xy) {
      return;
    }
    const before = values[i - 1];
    if (!before && !values[i + 1]) {
      markers.push(xy);
    } else {
      line.push(`${before ? 'L' : 'M'}${xy.x.toFixed(1)},${xy.y.toFixed(1)}`);
    }
  });
  return { line: line.join(''), markers };
}

const getStyles = (theme: GrafanaTheme2) => ({
  svg: css({ display: 'block', overflow: 'visible' }),
  axis: css({ stroke: theme.colors.border.medium }),
  label: css({ fill: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  p95: css({ stroke: theme.colors.warning.main, strokeWidth: 2, strokeLinecap: 'round', strokeLinejoin: 'round' }),
  p50: css({ stroke: theme.colors.primary.main, strokeWidth: 2, strokeLinecap: 'round', strokeLinejoin: 'round' }),
  p95Marker: css({ fill: theme.colors.warning.main }),
  p50Marker: css({ fill: theme.colors.primary.main }),
});
