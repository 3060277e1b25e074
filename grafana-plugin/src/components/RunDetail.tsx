import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, Stack, useStyles2 } from '@grafana/ui';
import React, { useState } from 'react';
import { Navigate, useLocation } from 'react-router-dom';

import type { RunDetail as Run } from '../api/types.js';
import { workflowUrl } from '../constants.js';
import { findRun } from '../domain/findRun.js';
import { errorText, formatDuration, formatRunDuration, formatTime, statusTone, toStepTree } from '../domain/format.js';
import { runSpan, timelineBar } from '../domain/timeline.js';
import { useQuery } from '../domain/useQuery.js';
import { useScrollIntoView } from '../domain/useScrollIntoView.js';
import { testIds } from '../testIds.js';
import { StateBadge } from './Badges.js';
import { QueryView } from './QueryView.js';
import { RunComparison } from './RunComparison.js';
import { getPageStyles } from './styles.js';
import { TableHead } from './TableHead.js';

/**
 * Steps asked for before the rest are left behind a button: a long workflow's run (thousands of activities) would
 * be megabytes to fetch and seconds to draw. The agent gives the first and the last half of them, and adds the
 * failed steps whatever their place.
 */
const STEP_ROWS = 200;

/** One run's steps as a tree with their errors and calls, and its logs (all, or one step's). */
export function RunDetail({ workflow, id, onClose }: { workflow: string; id: string; onClose: () => void }) {
  const styles = useStyles2(getPageStyles);
  const { search } = useLocation();
  const [allSteps, setAllSteps] = useState(false);
  const query = useQuery(
    (signal) => findRun(workflow, id, allSteps ? {} : { steps: STEP_ROWS }, signal),
    [workflow, id, allSteps]
  );
  const { ref, heading } = useScrollIntoView<HTMLElement>(query.data?.workflow === workflow);
  return (
    <section ref={ref} data-testid={testIds.run.detail} className={styles.panel}>
      <QueryView query={query}>
        {(run) =>
          // A finding of several workflows links all its runs under one of them: a run opens on its own workflow's page.
          run.workflow !== workflow ? (
            <Navigate replace to={workflowUrl(run.workflow, search)} />
          ) : (
            <RunView run={run} heading={heading} onClose={onClose} onListAll={() => setAllSteps(true)} />
          )
        }
      </QueryView>
    </section>
  );
}

interface RunViewProps {
  run: Run;
  /** Focused once the run shows, so that a run opened by keyboard is where focus lands. */
  heading: React.Ref<HTMLHeadingElement>;
  onClose: () => void;
  onListAll: () => void;
}

function RunView({ run, heading, onClose, onListAll }: RunViewProps) {
  const styles = useStyles2(getPageStyles);
  return (
    <>
      <Stack justifyContent="space-between" alignItems="center">
        <h3 ref={heading} tabIndex={-1} style={{ margin: 0 }}>
          Run {run.runId} <StateBadge value={run.status} />
        </h3>
        <Button variant="secondary" size="sm" icon="times" onClick={onClose}>
          Close run
        </Button>
      </Stack>
      <p className={styles.muted}>
        {formatTime(run.startTime)} · {formatRunDuration(run)}
        {(run.waitSeconds ?? run.queueSeconds) !== undefined && ` · waited ${formatDuration(run.waitSeconds ?? run.queueSeconds)} for workers`} · {run.runner}
      </p>
      {run.errorMessage && (
        <pre className={styles.mono}>{errorText(run)}</pre>
      )}
      {run.spansRefused !== undefined && (
        <Alert severity="warning" title="Steps missing: the trace reached the agent’s span limit">
          {run.spansRefused.toLocaleString('en')}{' '}
          {run.spansRefused === 1 ? 'span of this run’s trace was' : 'spans of this run’s trace were'} refused past{' '}
          <code>otlp.maxSpansPerTrace</code>: the run lacks the steps they held.
        </Alert>
      )}
      {/* Keyed by run: another run opened in its place starts unasked again. */}
      <RunComparison key={run.id} run={run} />
      <RunSteps run={run} onListAll={onListAll} />
    </>
  );
}

function RunSteps({ run, onListAll }: { run: Run; onListAll: () => void }) {
  const styles = useStyles2(getPageStyles);
  const timeline = useStyles2(getTimelineStyles);
  const [stepId, setStepId] = useState<string>();
  const logs = stepId ? run.logs.filter((l) => l.stepId === stepId) : run.logs;
  const stepName = run.steps.find((s) => s.id === stepId)?.name;
  const rows = toStepTree(run.steps);
  const span = runSpan(run);
  return (
    <>
      <h4>Steps</h4>
      {rows.length === 0 ? (
        <p className={styles.muted}>This run has no steps: its runner reported none{run.status === 'running' ? ' yet' : ''}.</p>
      ) : (
        <table className={styles.table}>
          <TableHead columns={['Step', 'Status', 'Duration', 'Timeline', 'Calls', 'Error']} />
          <tbody>
            {rows.map(({ step, depth }) => {
              const bar = timelineBar(span, step);
              const label = `${step.name}: starts at ${formatDuration(bar.offsetSeconds)}, runs ${formatDuration(step.durationSeconds)}`;
              return (
                <tr key={step.id} className={cx(step.id === stepId && styles.selectedRow)}>
                  <td style={{ paddingLeft: 8 + depth * 16 }}>
                    <button type="button" className={styles.linkButton} onClick={() => setStepId(step.id === stepId ? undefined : step.id)}>
                      {step.name}
                    </button>
                  </td>
                  <td>
                    <StateBadge value={step.status} />
                  </td>
                  <td>{formatDuration(step.durationSeconds)}</td>
                  <td>
                    <div className={timeline.track}>
                      <div
                        role="img"
                        aria-label={label}
                        title={label}
                        className={cx(timeline.bar, timeline[statusTone(step.status) ?? 'succeeded'])}
                        style={{ left: `${bar.left.toFixed(2)}%`, width: `${bar.width.toFixed(2)}%` }}
                      />
                    </div>
                  </td>
                  <td>
                    {step.downstream.map((d) => `${d.name} (${d.calls} calls${d.errors ? `, ${d.errors} failed` : ''})`).join('; ')}
                  </td>
                  <td className={styles.mono}>{errorText(step)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {rows.length < run.stepCount && (
        <p className={styles.muted}>
          {run.stepCount - rows.length} of {run.stepCount} steps not listed (the first and last {STEP_ROWS / 2} and
          every failed one are).{' '}
          <Button variant="secondary" size="sm" onClick={onListAll}>
            List all {run.stepCount} steps
          </Button>
        </p>
      )}
      <h4>{stepName ? `Logs of ${stepName}` : 'Logs'}</h4>
      {logs.length === 0 ? (
        <p className={styles.muted}>No log lines {stepName ? 'for this step' : 'for this run'}.</p>
      ) : (
        <pre className={styles.mono} data-testid={testIds.run.logs}>
          {logs.map((l) => `${formatTime(l.time)} ${l.severity.padEnd(5)} ${l.body}`).join('\n')}
        </pre>
      )}
    </>
  );
}

/** The steps' bars on the run's span, coloured by the same grouping as their status badges. */
const getTimelineStyles = (theme: GrafanaTheme2) => ({
  // The bars are positioned, so the track holds the column open; the faint band is the run's whole span.
  track: css({ position: 'relative', minWidth: 160, height: 10, marginTop: 4, background: theme.colors.action.hover }),
  // A step that took no time still leaves a mark.
  bar: css({ position: 'absolute', top: 0, bottom: 0, minWidth: 2, borderRadius: theme.shape.radius.default }),
  failed: css({ background: theme.colors.error.main }),
  running: css({ background: theme.colors.info.main }),
  muted: css({ background: theme.colors.text.disabled }),
  succeeded: css({ background: theme.colors.success.main }),
});
