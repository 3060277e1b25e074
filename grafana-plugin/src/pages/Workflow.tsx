import { PluginPage } from '@grafana/runtime';
import { Button, RadioButtonGroup, Stack, useStyles2 } from '@grafana/ui';
import React, { useState } from 'react';
import { useParams } from 'react-router-dom';

import {
  getWorkflow,
  getWorkflowHealth,
  listFindings,
  listPatterns,
  listRecommendations,
  listSlos,
} from '../api/resources.js';
import { BURN_WINDOWS, type AttributeTransition, type StepSummary, type TransitionSide, type WorkflowDetail, type WorkflowHealth } from '../api/types.js';
import { AdviceSource } from '../components/AdviceSource.js';
import { StateBadge } from '../components/Badges.js';
import { AllHealthy } from '../components/EmptyStates.js';
import { FindingDetail } from '../components/FindingDetail.js';
import { FindingsTable } from '../components/FindingsTable.js';
import { InlineCode } from '../components/InlineCode.js';
import { PageLink } from '../components/PageLink.js';
import { QueryView } from '../components/QueryView.js';
import { RunDetail } from '../components/RunDetail.js';
import { RunsOverTime } from '../components/RunsOverTime.js';
import { PagedRuns } from '../components/PagedRuns.js';
import { SessionView } from '../components/SessionView.js';
import { getPageStyles } from '../components/styles.js';
import { RefreshControl } from '../components/RefreshControl.js';
import { TimeRangePicker } from '../components/TimeRangePicker.js';
import { Absent, Value } from '../components/Value.js';
import { workflowUrl } from '../constants.js';
import {
  byShare,
  describeFiring,
  failedMoreAfter,
  formatBudget,
  formatDuration,
  formatHealth,
  formatPercent,
  formatTime,
  humanize,
  mergeRepeats,
} from '../domain/format.js';
import { useQuery } from '../domain/useQuery.js';
import { useTimeRange, useUrlState } from '../domain/useUrlState.js';
import { testIds } from '../testIds.js';
import { TableHead } from '../components/TableHead.js';
import { StepList } from '../components/StepList.js';

/** A run failed when it ended in failure, error or timeout: `failed` asks for all three. */
const RUN_STATUSES: Record<string, string | undefined> = { all: undefined, failed: 'failure,error,timeout', success: 'success' };
const RUN_STATUS_OPTIONS = Object.keys(RUN_STATUSES).map((value) => ({ label: value, value }));

/** One workflow: is it healthy, where do time and failures go, what is wrong and what to do. Alerts link here. */
export function Workflow() {
  const name = useParams<{ name: string }>().name ?? '';
  const styles = useStyles2(getPageStyles);
  const [range] = useTimeRange();
  const detail = useQuery((signal) => getWorkflow(name, range, signal), [name, range.from, range.to]);
  const [{ session }, setUrlState] = useUrlState({ session: '' });
  // Only a started session goes into the URL: the form that starts one is no view worth a link.
  const [troubleshooting, setTroubleshooting] = useState(false);
  const openForm = () => {
    setTroubleshooting(true);
    setUrlState({ session: undefined });
  };
  const closeSession = () => {
    setTroubleshooting(false);
    setUrlState({ session: undefined });
  };

  return (
    <PluginPage pageNav={{ text: name }} subTitle="Health, runs, steps, findings and recommendations of one workflow">
      <div data-testid={testIds.workflow.page}>
        <div className={styles.toolbar}>
          <TimeRangePicker />
          <RefreshControl />
          <Button icon="bug" onClick={openForm} size="sm" disabled={troubleshooting || session !== ''}>
            Troubleshoot
          </Button>
        </div>
        {(troubleshooting || session) && (
          <SessionView
            workflow={name}
            id={session}
            onStarted={(id) => setUrlState({ session: id })}
            onStartNew={openForm}
            onClose={closeSession}
          />
        )}
        <QueryView query={detail}>
          {(workflow) => (
            <>
              <Summary workflow={workflow} />
              <HealthFactors name={name} />
              <RunsOverTime workflow={workflow} />
              <Changes name={name} changes={workflow.changes} />
              <Steps workflow={workflow} />
              <SloSection name={name} />
              <WorkflowFindings name={name} />
              <Patterns name={name} />
              <Recommendations name={name} />
              <Runs name={name} />
            </>
          )}
        </QueryView>
      </div>
    </PluginPage>
  );
}

function Summary({ workflow: w }: { workflow: WorkflowDetail }) {
  const styles = useStyles2(getPageStyles);
  return (
    <section className={styles.section}>
      <Stack gap={2} alignItems="center" wrap="wrap">
        <StateBadge value={w.health.status} text={formatHealth(w.health)} />
        <span>{w.runner}</span>
        <span>
          {w.runs} runs, {w.failedRuns} failed ({formatPercent(w.successRate)} success)
        </span>
        <span>
          p50 {formatDuration(w.p50DurationSeconds)} · p95 {formatDuration(w.p95DurationSeconds)}
        </span>
        <span className={styles.muted}>last run {formatTime(w.lastRunAt)}</span>
      </Stack>
    </section>
  );
}

function HealthFactors({ name }: { name: string }) {
  const styles = useStyles2(getPageStyles);
  const query = useQuery((signal) => getWorkflowHealth(name, signal), [name]);
  return (
    <section className={styles.section} data-testid={testIds.workflow.factors}>
      <h3>Health factors</h3>
      <QueryView
        query={query}
        isEmpty={(health) => health.factors.length === 0}
        empty={<p className={styles.muted}>No health score yet: too few finished runs for the agent to judge this workflow.</p>}
      >
        {(health) => (
          <>
            {health.cappedBy && (
              <p data-testid={testIds.workflow.healthCap}>
                Unhealthy ({health.score}) whatever the factors below say: {CAPPED_BY[health.cappedBy]}.
              </p>
            )}
            <table className={styles.table}>
              <TableHead columns={['Factor', 'Score', 'Weight', 'Detail']} />
              <tbody>
                {health.factors.map((f) => (
                  <tr key={f.name}>
                    <td>{humanize(f.name)}</td>
                    <td>{Math.round(f.score)}</td>
                    <td>{f.weight}</td>
                    <td>{f.detail}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </QueryView>
    </section>
  );
}

const CAPPED_BY: Record<NonNullable<WorkflowHealth['cappedBy']>, string> = {
  critical_finding: 'it has a critical finding',
  stalled_schedule: 'its schedule stopped starting runs',
};

/** "Was there a change?": steady attributes (a release, an image, a region) that took another value, and whether it hurt. */
function Changes({ name, changes }: { name: string; changes?: AttributeTransition[] }) {
  const styles = useStyles2(getPageStyles);
  const [range] = useTimeRange();
  // An agent that predates them sends none: that says nothing about whether anything changed.
  if (!changes) {
    return null;
  }
  return (
    <section className={styles.section} data-testid={testIds.workflow.changes}>
      <h3>Changes</h3>
      {changes.length === 0 ? (
        <p className={styles.muted}>No steady attribute changed in this time range.</p>
      ) : (
        <table className={styles.table}>
          <TableHead columns={['When', 'Attribute', 'Before', 'After', 'Failures before → after', 'First run']} />
          <tbody>
            {changes.map((c) => (
              <tr key={`${c.key} ${c.steps?.join(',') ?? ''} ${c.firstRun.id} ${JSON.stringify(c.to)}`}>
                <td className={styles.nowrap}>{formatTime(c.at)}</td>
                <td>
                  <span className={styles.mono}>{c.key}</span>
                  {c.steps && <span className={styles.muted}> of step{c.steps.length > 1 ? 's' : ''} {c.steps.join(', ')}</span>}
                </td>
                <td>
                  <Value value={c.from} />
                </td>
                <td>
                  <Value value={c.to} />
                </td>
                <td>
                  <Failures side={c.before} /> →{' '}
                  {failedMoreAfter(c) ? (
                    <strong className={styles.worse}>
                      <Failures side={c.after} />
                    </strong>
                  ) : (
                    <Failures side={c.after} />
                  )}
                </td>
                <td>
                  {/* The time range kept, so the change stays in view while its first run opens below. */}
                  <PageLink href={workflowUrl(name, `?${new URLSearchParams({ ...range, run: c.firstRun.id })}`)} inline>
                    {c.firstRun.runId}
                  </PageLink>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Failures({ side }: { side: TransitionSide }) {
  return side.failureShare === null ? (
    <Absent />
  ) : (
    <>
      {formatPercent(side.failureShare, 0)} ({side.failed} of {side.runs})
    </>
  );
}

function Steps({ workflow }: { workflow: WorkflowDetail }) {
  const styles = useStyles2(getPageStyles);
  return (
    <section className={styles.section} data-testid={testIds.workflow.steps}>
      <h3>Where the time and the failures go</h3>
      {workflow.steps.length === 0 ? <p className={styles.muted}>No step ran in this time range.</p> : <StepShares steps={workflow.steps} />}
    </section>
  );
}

function StepShares({ steps }: { steps: StepSummary[] }) {
  const styles = useStyles2(getPageStyles);
  // Only some runners say how long a step waited for a worker: the column is shown when one did.
  const waits = steps.some((s) => s.p50WaitSeconds != null);
  return (
    <table className={styles.table}>
      <TableHead
        columns={['Step', 'Share of time', 'Share of failures', 'Failures', 'Passed on retry', 'p50 / p95', ...(waits ? ['Waited for a worker p50 / p95'] : []), 'Calls out']}
      />
      <tbody>
        {byShare(steps).map((s) => (
          <tr key={s.name}>
            <td>{s.name}</td>
            <td>
              {s.timeShare === null ? (
                // Its time is part of the step it ran under, counted there.
                <Absent />
              ) : (
                <>
                  {formatPercent(s.timeShare, 0)}
                  <div className={styles.shareBar} style={{ width: `${s.timeShare * 100}%` }} />
                </>
              )}
            </td>
            <td>
              {formatPercent(s.failureShare, 0)}
              <div className={styles.failBar} style={{ width: `${s.failureShare * 100}%` }} />
            </td>
            <td>
              {s.failures}/{s.runs}
            </td>
            <td>{s.passedOnRetry === undefined ? <Absent /> : `${s.passedOnRetry}/${s.runs}`}</td>
            <td>
              {formatDuration(s.p50DurationSeconds)} / {formatDuration(s.p95DurationSeconds)}
            </td>
            {waits && (
              <td>{s.p50WaitSeconds == null ? <Absent /> : `${formatDuration(s.p50WaitSeconds)} / ${formatDuration(s.p95WaitSeconds ?? s.p50WaitSeconds)}`}</td>
            )}
            <td>{s.downstream.map((d) => `${d.name} (${d.errors}/${d.calls} failed)`).join('; ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SloSection({ name }: { name: string }) {
  const styles = useStyles2(getPageStyles);
  const query = useQuery((signal) => listSlos(signal), []);
  const slos = query.data?.items.filter((s) => s.workflow === name);
  return (
    <section className={styles.section} data-testid={testIds.workflow.slo}>
      <h3>SLO budget and burn</h3>
      <QueryView query={query} isEmpty={() => slos?.length === 0} empty={<p className={styles.muted}>No SLO defined for this workflow.</p>}>
        {() => (
          <table className={styles.table}>
            <TableHead columns={['SLO', 'State', 'Objective', 'SLI', 'Budget left', `Burn rate ${BURN_WINDOWS.join(' · ')}`]} />
            <tbody>
              {slos?.map((s) => (
                <tr key={s.name}>
                  <td>
                    {s.name}
                    <div className={styles.muted}>
                      {s.window}
                      {s.maxDurationSeconds !== undefined && `, runs under ${formatDuration(s.maxDurationSeconds)}`}
                    </div>
                  </td>
                  <td>
                    <StateBadge value={s.state} />
                    {s.firing && <div className={styles.muted}>{describeFiring(s.firing)}</div>}
                  </td>
                  <td>{s.objective}%</td>
                  <td>{formatPercent(s.sli, 2)}</td>
                  <td>{formatBudget(s.errorBudgetRemaining)}</td>
                  {/* As the alert rules judge them, so that the rule that fired shows in the figures it fired on. */}
                  <td>{BURN_WINDOWS.map((w) => (s.judgedBurnRates ?? s.burnRates)[w].toFixed(1)).join(' · ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
    </section>
  );
}

function WorkflowFindings({ name }: { name: string }) {
  const styles = useStyles2(getPageStyles);
  const [state, setState] = useUrlState({ finding: '' });
  const query = useQuery((signal) => listFindings({ workflow: name }, signal), [name]);
  return (
    <section className={styles.section}>
      <h3>Findings</h3>
      <QueryView
        query={query}
        isEmpty={(d) => d.items.length === 0}
        empty={<AllHealthy what="The agent has found nothing wrong with this workflow." />}
      >
        {(data) => (
          <FindingsTable findings={data.items} selectedId={state.finding} onSelect={(finding) => setState({ finding })} showWorkflow={false} />
        )}
      </QueryView>
      {state.finding && <FindingDetail key={state.finding} id={state.finding} onChanged={query.reload} />}
    </section>
  );
}

function Patterns({ name }: { name: string }) {
  const styles = useStyles2(getPageStyles);
  const [range] = useTimeRange();
  const query = useQuery((signal) => listPatterns({ workflow: name, ...range }, signal), [name, range.from, range.to]);
  return (
    <section className={styles.section}>
      <h3>Log patterns</h3>
      <QueryView query={query} isEmpty={(d) => d.items.length === 0} empty={<p className={styles.muted}>No log lines in this time range.</p>}>
        {(data) => (
          <table className={styles.table}>
            <TableHead columns={['Pattern', 'Count', 'Steps', 'Last seen']} />
            <tbody>
              {data.items.map((p) => (
                <tr key={p.id}>
                  <td className={styles.mono}>{p.template}</td>
                  <td>{p.count}</td>
                  <td>{p.steps.join(', ')}</td>
                  <td className={styles.nowrap}>{formatTime(p.lastSeen)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
    </section>
  );
}

function Recommendations({ name }: { name: string }) {
  const styles = useStyles2(getPageStyles);
  const query = useQuery((signal) => listRecommendations(name, signal), [name]);
  return (
    <section className={styles.section}>
      <h3>Recommendations</h3>
      <QueryView query={query} isEmpty={(d) => d.items.length === 0} empty={<p className={styles.muted}>Nothing to do.</p>}>
        {(data) => (
          <ul className={styles.list}>
            {mergeRepeats(data.items).map((r) => (
              <li key={`${r.findingId}-${r.title}`}>
                <StateBadge value={r.impact} text={`${r.impact} impact`} />{' '}
                <strong>
                  <InlineCode text={r.title} />
                </strong>
                <AdviceSource advice={r} workflow={name} />
                <StepList steps={r.steps} />
              </li>
            ))}
          </ul>
        )}
      </QueryView>
    </section>
  );
}

function Runs({ name }: { name: string }) {
  const styles = useStyles2(getPageStyles);
  const [range] = useTimeRange();
  // `attribute`: one `key=value` filter, as findings link to the runs their root cause names.
  const [state, setState] = useUrlState({ run: '', runStatus: 'all', attribute: '' });
  // A status of a link from before `failed` (`failure`) is asked for as it is.
  const status = state.runStatus in RUN_STATUSES ? RUN_STATUSES[state.runStatus] : state.runStatus;
  const attributes = state.attribute ? [state.attribute] : undefined;
  // The first `=` only, where the agent splits: values may hold `=` too.
  const attributeText = state.attribute.replace('=', ' = ');
  return (
    <section className={styles.section}>
      <Stack justifyContent="space-between" alignItems="center">
        <h3>Recent runs</h3>
        <RadioButtonGroup
          aria-label="Run status"
          size="sm"
          options={RUN_STATUS_OPTIONS}
          value={state.runStatus}
          onChange={(runStatus) => setState({ runStatus })}
        />
      </Stack>
      {state.attribute && (
        <Stack gap={1} alignItems="center">
          <span>Runs with {attributeText}</span>
          <Button size="sm" variant="secondary" fill="text" icon="times" onClick={() => setState({ attribute: undefined })}>
            Show all runs
          </Button>
        </Stack>
      )}
      {state.run && <RunDetail key={state.run} workflow={name} id={state.run} onClose={() => setState({ run: undefined })} />}
      <PagedRuns
        key={JSON.stringify([name, range.from, range.to, status, state.attribute])}
        workflow={name}
        query={{ ...range, status, attributes }}
        empty={state.attribute ? `No run with ${attributeText} in this time range.` : 'No run in this time range.'}
        selectedId={state.run}
        onSelect={(run) => setState({ run })}
      />
    </section>
  );
}
