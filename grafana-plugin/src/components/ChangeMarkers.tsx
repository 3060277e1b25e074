import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import React from 'react';

import type { AttributeTransition, TimelinePoint } from '../api/types.js';
import { describeChange, failedMoreAfter } from '../domain/format.js';
import { timelinePosition } from '../domain/timeline.js';

interface Props {
  /** Absent from an agent that predates them: then, as with none, nothing is marked. */
  changes: AttributeTransition[] | undefined;
  points: TimelinePoint[];
  /** Over a second chart of the same time: its markers repeat the first's, so assistive technology reads them once. */
  repeated?: boolean;
  /** The chart: one that lays its points out as `timelinePosition` places the markers. */
  children: React.ReactNode;
}

/** A chart of a workflow's timeline with a thin line where each change within it fell, red where failures rose after it. */
export function ChangeMarkers({ changes = [], points, repeated = false, children }: Props) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.chart}>
      {children}
      {changes.map((change) => {
        const left = timelinePosition(points, change.at);
        if (left === undefined) {
          return null;
        }
        const label = describeChange(change);
        return (
          <div
            key={`${change.key} ${change.firstRun.id}`}
            role="img"
            aria-label={label}
            aria-hidden={repeated || undefined}
            title={label}
            className={cx(styles.marker, failedMoreAfter(change) && styles.worse)}
            style={{ left: `${left.toFixed(2)}%` }}
          />
        );
      })}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  // As wide as the chart, so that percent of it is percent of the chart's time.
  chart: css({ position: 'relative', width: 'fit-content' }),
  marker: css({
    position: 'absolute',
    top: 0,
    bottom: 0,
    width: 2,
    transform: 'translateX(-50%)',
    background: theme.colors.text.secondary,
  }),
  worse: css({ background: theme.colors.error.main }),
});
