import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import React from 'react';

import type { WorkflowDetail } from '../api/types.js';
import { formatTime } from '../domain/format.js';
import { timelineSpan } from '../domain/timeline.js';
import { testIds } from '../testIds.js';
import { ChangeMarkers } from './ChangeMarkers.js';
import { DurationLines } from './DurationLines.js';
import { RunBars } from './RunBars.js';
import { getPageStyles } from './styles.js';

const WIDTH = 800;

/** A workflow's runs and durations per interval of the time range, with its changes marked and its time labelled. */
export function RunsOverTime({ workflow }: { workflow: WorkflowDetail }) {
  const styles = useStyles2(getPageStyles);
  const chart = useStyles2(getStyles);
  const { name, timeline, changes } = workflow;
  const span = timelineSpan(timeline);
  return (
    <section className={styles.section} data-testid={testIds.workflow.timeline}>
      <h3>Runs over time</h3>
      {/* Blank charts would say nothing; a stalled workflow's page is opened just then. */}
      {timeline.every((p) => p.runs === 0) ? (
        <p className={styles.muted}>
          No run finished in this time range{workflow.lastRunAt ? `; the last one ended ${formatTime(workflow.lastRunAt)}` : ''}.
        </p>
      ) : (
        <>
          <p className={styles.muted}>
            Successful runs (green) and failed runs (red) per interval
            {changes?.length ? '; a line marks each change listed below, red when more runs failed after it' : ''}.
          </p>
          <ChangeMarkers changes={changes} points={timeline}>
            <RunBars points={timeline} width={WIDTH} height={100} label={`Runs of ${name}`} />
          </ChangeMarkers>
          {span && (
            <div className={chart.axis} style={{ width: WIDTH }}>
              <span>{formatTime(span.startMs)}</span>
              <span>{formatTime(span.endMs)}</span>
            </div>
          )}
          <p className={styles.muted}>Run duration per interval: p50 (blue) and p95 (orange).</p>
          <ChangeMarkers changes={changes} points={timeline} repeated>
            <DurationLines points={timeline} width={WIDTH} height={80} />
          </ChangeMarkers>
        </>
      )}
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  axis: css({
    display: 'flex',
    justifyContent: 'space-between',
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
});
