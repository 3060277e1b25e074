import { css, cx } from '@emotion/css';
import { Alert, Badge, Button, useStyles2, type BadgeColor } from '@grafana/ui';
import React, { useState } from 'react';

import { isNotFound } from '../api/FlowLensError.js';
import { getRunComparison } from '../api/resources.js';
import type { RunComparison as Comparison, Run, StepChange, StepChangeKind, StepOutcome } from '../api/types.js';
import { formatDuration, formatDurationChange, formatTime, statusTone } from '../domain/format.js';
import { useQuery } from '../domain/useQuery.js';
import { testIds } from '../testIds.js';
import { StateBadge } from './Badges.js';
import { InlineCode } from './InlineCode.js';
import { QueryView } from './QueryView.js';
import { getPageStyles } from './styles.js';
import { TableHead } from './TableHead.js';
import { Absent, Value } from './Value.js';

/** Red for what went wrong, green for what got better, grey for what merely differs. */
const CHANGES: Record<StepChangeKind, { text: string; color: BadgeColor }> = {
  failed: { text: 'failed', color: 'red' },
  slower: { text: 'slower', color: 'orange' },
  waited: { text: 'waited longer', color: 'orange' },
  recovered: { text: 'recovered', color: 'green' },
  faster: { text: 'faster', color: 'green' },
  added: { text: 'added', color: 'darkgrey' },
  missing: { text: 'missing', color: 'darkgrey' },
  status: { text: 'status changed', color: 'darkgrey' },
  changed: { text: 'changed', color: 'darkgrey' },
};

// One line however long the error: the full text is in its tooltip, and the run's steps below show it whole.
const truncated = css({ maxWidth: '60ch', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' });

/** What differs from the last run that went well: status, duration, attributes, and step by step. */
export function RunComparison({ run }: { run: Run }) {
  // A failed run raises the question at once; any other run is compared on request.
  const [asked, setAsked] = useState(statusTone(run.status) === 'failed');
  if (!asked) {
    return (
      <p>
        <Button variant="secondary" size="sm" onClick={() => setAsked(true)}>
          Compare with the last successful run
        </Button>
      </p>
    );
  }
  return <ComparisonSection id={run.id} />;
}

function ComparisonSection({ id }: { id: string }) {
  const styles = useStyles2(getPageStyles);
  const query = useQuery((signal) => getRunComparison(id, undefined, signal), [id]);
  // An agent older than the endpoint answers 404 too; the comparison is an aside to the run, so it stays silent.
  if (isNotFound(query.error)) {
    return null;
  }
  return (
    <section className={styles.section} data-testid={testIds.run.comparison}>
      <QueryView query={query}>{(comparison) => <ComparisonView comparison={comparison} />}</QueryView>
    </section>
  );
}

function ComparisonView({ comparison: c }: { comparison: Comparison }) {
  const styles = useStyles2(getPageStyles);
  const { baseline } = c;
  if (!baseline) {
    return (
      <Alert severity="info" title="Nothing to compare with">
        <InlineCode text={c.note ?? ''} />
      </Alert>
    );
  }
  // An unchanged duration is no news; a run still running has none to compare yet (an older agent sent one).
  const duration = c.duration?.deltaSeconds && c.run.status !== 'running' ? c.duration : undefined;
  const notReached = c.notReached?.length ? c.notReached : undefined;
  return (
    <>
      <h4>
        What changed since run {baseline.runId} <StateBadge value={baseline.status} />
        {c.baselineChoice === 'last-success' && ' (the last successful run)'}
      </h4>
      <p className={styles.muted}>
        {formatTime(baseline.startTime)} · {formatDuration(baseline.durationSeconds)}
      </p>
      {(c.status || duration || notReached) && (
        <ul className={styles.list}>
          {notReached && <li>Still running: not yet at {notReached.join(', ')}</li>}
          {c.status && (
            <li>
              Status: <StateBadge value={c.status.from} /> → <StateBadge value={c.status.to} />
            </li>
          )}
          {duration && (
            <li>
              Duration: {formatDuration(duration.fromSeconds)} → {formatDuration(duration.toSeconds)}{' '}
              ({formatDurationChange(duration.deltaSeconds, duration.ratio)})
            </li>
          )}
        </ul>
      )}
      {!c.status && !notReached && c.attributes.length === 0 && c.stepsChanged === 0 && (
        <p>No difference in status, steps or attributes from run {baseline.runId}.</p>
      )}
      {c.attributes.length > 0 && (
        <>
          <h5>Attributes that differ</h5>
          <table className={styles.table}>
            <TableHead columns={['Key', 'Before', 'Now']} />
            <tbody>
              {c.attributes.map((a) => (
                <tr key={a.key}>
                  <td>
                    {a.key}
                    {a.varies && <Varies />}
                  </td>
                  <td>
                    <Value value={a.from} />
                  </td>
                  <td>
                    <Value value={a.to} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {c.steps.length > 0 && (
        <>
          <h5>Steps that differ</h5>
          <table className={styles.table} data-testid={testIds.run.comparisonSteps}>
            <TableHead columns={['Step', 'Change', 'Before', 'Now', 'Δ', 'Notes']} />
            <tbody>
              {c.steps.map((s) => (
                <StepRow key={`${s.stepId ?? ''}/${s.baselineStepId ?? ''}`} change={s} />
              ))}
            </tbody>
          </table>
        </>
      )}
      {c.stepsChanged > c.steps.length && (
        <p className={styles.muted}>
          Showing the {c.steps.length} most significant of {c.stepsChanged.toLocaleString('en')} step changes.
        </p>
      )}
    </>
  );
}

function StepRow({ change: s }: { change: StepChange }) {
  const styles = useStyles2(getPageStyles);
  // A kind a newer agent knows and this app does not is shown by its name.
  const { text, color } = CHANGES[s.change] ?? { text: s.change, color: 'darkgrey' };
  return (
    <tr>
      <td>{[...s.path, s.name].join(' › ')}</td>
      <td>
        <Badge color={color} text={text} />
      </td>
      <td>
        <Outcome side={s.from} />
      </td>
      <td>
        <Outcome side={s.to} />
      </td>
      <td>{s.deltaSeconds === undefined ? <Absent /> : formatDurationChange(s.deltaSeconds, s.ratio)}</td>
      <td>
        {s.errorMessage && (
          <div className={cx(styles.mono, truncated)} title={s.errorMessage}>
            {s.errorMessage}
          </div>
        )}
        {s.attributes.map((a) => (
          <div key={a.key}>
            {a.key}: <Value value={a.from} /> → <Value value={a.to} />
            {a.varies && <Varies />}
          </div>
        ))}
        {s.downstream.added.map((name) => (
          <div key={`added ${name}`}>calls {name} now</div>
        ))}
        {s.downstream.removed.map((name) => (
          <div key={`removed ${name}`}>no longer calls {name}</div>
        ))}
        {s.downstream.failing.map((name) => (
          <div key={`failing ${name}`}>{name} now failing</div>
        ))}
      </td>
    </tr>
  );
}

function Outcome({ side }: { side?: StepOutcome }) {
  return side ? (
    <>
      <StateBadge value={side.status} /> {formatDuration(side.durationSeconds)}
      {side.waitSeconds !== undefined && side.waitSeconds >= 1 && ` (waited ${formatDuration(side.waitSeconds)})`}
    </>
  ) : (
    <Absent />
  );
}

/** Changed, but it changes between the workflow's good runs too (a host, a revision). */
function Varies() {
  const styles = useStyles2(getPageStyles);
  return <span className={styles.muted}> (varies from run to run)</span>;
}
