import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import React from 'react';

import { formatTime } from '../domain/format.js';

export interface RunBucket {
  t: string;
  runs: number;
  failures: number;
}

interface Props {
  points: RunBucket[];
  width: number;
  height: number;
  label: string;
}

/** Runs per time bucket as bars, failures stacked in red on top of successes. */
export function RunBars({ points, width, height, label }: Props) {
  const styles = useStyles2(getStyles);
  const runs = points.reduce((sum, p) => sum + p.runs, 0);
  const failures = points.reduce((sum, p) => sum + p.failures, 0);
  const maxRuns = Math.max(1, ...points.map((p) => p.runs));
  const slot = width / Math.max(1, points.length);
  const barWidth = Math.max(1, slot * 0.8);
  const scale = (v: number) => (v / maxRuns) * height;
  const summary = `${label}: ${runs} runs, ${failures} failed`;

  return (
    <svg width={width} height={height} role="img" aria-label={summary} className={styles.svg}>
      <title>{summary}</title>
      {points.map((p, i) => {
        const total = scale(p.runs);
        const failed = scale(p.failures);
        return (
          <g key={p.t}>
            {/* When each bar's runs started, on hover. */}
            <title>{`${formatTime(p.t)}: ${p.runs} runs, ${p.failures} failed`}</title>
            <rect className={styles.success} x={i * slot} y={height - total + failed} width={barWidth} height={total - failed} />
            <rect className={styles.failure} x={i * slot} y={height - total} width={barWidth} height={failed} />
          </g>
        );
      })}
    </svg>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  svg: css({ display: 'block', overflow: 'visible' }),
  success: css({ fill: theme.colors.success.main, opacity: 0.7 }),
  failure: css({ fill: theme.colors.error.main }),
});
