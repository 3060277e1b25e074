import { config } from '@grafana/runtime';
import { Button, Stack, useStyles2 } from '@grafana/ui';
import React, { useState } from 'react';

import { getFinding, listSimilarFindings, updateFinding, type FindingAction } from '../api/resources.js';
import type { Finding } from '../api/types.js';
import { findingUrl } from '../constants.js';
import { describeAffectedRuns } from '../domain/affectedRuns.js';
import { findingWorkflowUrl } from '../domain/findingRange.js';
import { formatMeasure, formatPercent, formatTime, humanize } from '../domain/format.js';
import { useQuery } from '../domain/useQuery.js';
import { useScrollIntoView } from '../domain/useScrollIntoView.js';
import { testIds } from '../testIds.js';
import { StateBadge } from './Badges.js';
import { ErrorView } from './ErrorView.js';
import { ExampleRuns } from './ExampleRuns.js';
import { FindingWorkflows } from './FindingWorkflows.js';
import { InlineCode } from './InlineCode.js';
import { PageLink } from './PageLink.js';
import { QueryView } from './QueryView.js';
import { getPageStyles } from './styles.js';
import { TableHead } from './TableHead.js';
import { WrapBetween } from './WrapBetween.js';
import { StepList } from './StepList.js';

interface Props {
  id: string;
  /** Called after the finding was acknowledged or resolved, so lists can refresh. */
  onChanged: (finding: Finding) => void;
}

/** A finding as an on-call engineer needs it: what, why, the proof, what happened before, and what to do. */
export function FindingDetail({ id, onChanged }: Props) {
  const styles = useStyles2(getPageStyles);
  const query = useQuery(
    (signal) => Promise.all([getFinding(id, signal), listSimilarFindings(id, signal)]),
    [id]
  );
  const [actionError, setActionError] = useState<Error>();
  const [busy, setBusy] = useState<FindingAction>();
  const { ref, heading } = useScrollIntoView<HTMLElement>(query.data !== undefined);

  const act = async (action: FindingAction) => {
    setBusy(action);
    setActionError(undefined);
    try {
      const updated = await updateFinding(id, action, { by: config.bootData?.user?.login || undefined });
      query.reload();
      onChanged(updated);
    } catch (err) {
      setActionError(err as Error);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section ref={ref} data-testid={testIds.findings.detail} className={styles.panel}>
      <QueryView query={query}>
        {([finding, similar]) => (
          <>
            <Stack gap={1} alignItems="center" wrap="wrap">
              <StateBadge value={finding.severity} />
              <StateBadge value={finding.status} />
              <h3 ref={heading} tabIndex={-1} style={{ margin: 0 }}>
                <InlineCode text={finding.title} />
              </h3>
            </Stack>
            <p>
              <InlineCode text={finding.summary} />
            </p>
            <p className={styles.muted}>
              {humanize(finding.kind)} · {humanize(finding.category)} · confidence {formatPercent(finding.confidence, 0)} ·
              first seen {formatTime(finding.firstSeen)} · last seen {formatTime(finding.lastSeen)} ·{' '}
              <FindingWorkflows finding={finding} />
            </p>
            {finding.status !== 'open' && (
              <p className={styles.muted}>
                {finding.acknowledgedAt && `Acknowledged by ${finding.acknowledgedBy ?? 'someone'} at ${formatTime(finding.acknowledgedAt)}. `}
                {finding.resolvedAt && `Resolved by ${finding.resolvedBy ?? 'the agent'} at ${formatTime(finding.resolvedAt)}.`}
                {finding.evidence.resolution && ` ${finding.evidence.resolution}`}
              </p>
            )}
            <Stack gap={1}>
              {finding.status === 'open' && (
                <Button icon="check" onClick={() => act('acknowledge')} disabled={busy !== undefined}>
                  {busy === 'acknowledge' ? 'Acknowledging…' : 'Acknowledge'}
                </Button>
              )}
              {finding.status !== 'resolved' && (
                <Button variant="secondary" icon="check-circle" onClick={() => act('resolve')} disabled={busy !== undefined}>
                  {busy === 'resolve' ? 'Resolving…' : 'Resolve'}
                </Button>
              )}
            </Stack>
            {actionError && <ErrorView error={actionError} />}

            <h4>Root cause</h4>
            <p>
              <InlineCode text={finding.rootCause.description} />
            </p>
            <dl>
              {finding.rootCause.step && <Term label="Step">{[...(finding.rootCause.stepPath ?? []), finding.rootCause.step].join(' › ')}</Term>}
              {Object.entries(finding.rootCause.attributes).map(([k, v]) => (
                <Term key={k} label={k}>
                  <code>{v}</code> <RunsWithAttribute finding={finding} attribute={`${k}=${v}`} />
                </Term>
              ))}
              {finding.rootCause.pattern && (
                <Term label="Log pattern">
                  <code>{finding.rootCause.pattern}</code>
                </Term>
              )}
            </dl>

            <h4>Evidence</h4>
            <p>{describeAffectedRuns(finding).sentence}</p>
            <EvidenceTable baseline={finding.evidence.baseline} current={finding.evidence.current} />
            {finding.evidence.errorLines.length > 0 && (
              <pre className={styles.mono}>{finding.evidence.errorLines.join('\n')}</pre>
            )}
            <ExampleRuns finding={finding} />

            {finding.evidence.changes && (
              <>
                {finding.kind === 'flaky' ? (
                  <p>
                    How a{' '}
                    <PageLink href={findingWorkflowUrl(finding, finding.workflow, { run: finding.evidence.changes.runId })} inline>
                      failing run
                    </PageLink>{' '}
                    differs from the{' '}
                    <PageLink href={findingWorkflowUrl(finding, finding.workflow, { run: finding.evidence.changes.baselineRunId })} inline>
                      passing run of the same code
                    </PageLink>{' '}
                    right after it:
                  </p>
                ) : (
                  <p>
                    What changed from the last successful run to the{' '}
                    <PageLink href={findingWorkflowUrl(finding, finding.workflow, { run: finding.evidence.changes.runId })} inline>
                      first affected run
                    </PageLink>
                    :
                  </p>
                )}
                <ul className={styles.list}>
                  {/* By position: two steps of one name can fail alike. */}
                  {finding.evidence.changes.lines.map((line, i) => (
                    <li key={i}>
                      <InlineCode text={line} />
                    </li>
                  ))}
                </ul>
              </>
            )}

            <h4>Recommendations</h4>
            {finding.recommendations.length === 0 ? (
              <p className={styles.muted}>No recommendation for this finding.</p>
            ) : (
              finding.recommendations.map((r) => (
                <div key={r.title}>
                  <strong>
                    <InlineCode text={r.title} />
                  </strong>
                  <StepList steps={r.steps} />
                </div>
              ))
            )}

            <SimilarFindings items={similar.items} />
          </>
        )}
      </QueryView>
    </section>
  );
}

/** Links to the runs carrying a root-cause attribute: on each workflow's page, for a finding several workflows share. */
function RunsWithAttribute({ finding, attribute }: { finding: Finding; attribute: string }) {
  const workflows = finding.workflows ?? [finding.workflow];
  if (workflows.length === 1) {
    return (
      <PageLink href={findingWorkflowUrl(finding, workflows[0]!, { attribute })} inline>
        runs with it
      </PageLink>
    );
  }
  const links = workflows.map((w) => (
    <PageLink key={w} href={findingWorkflowUrl(finding, w, { attribute })} inline aria-label={`runs of ${w} with it`}>
      {w}
    </PageLink>
  ));
  return (
    <>
      runs with it in <WrapBetween parts={links} separator=", " />
    </>
  );
}

/**
 * Findings alike: still open, one may be the same incident seen from another side (an SLO burning while a step
 * slowed); resolved, it happened before, and how it ended helps.
 */
function SimilarFindings({ items }: { items: Finding[] }) {
  const styles = useStyles2(getPageStyles);
  const open = items.filter((s) => s.status !== 'resolved');
  const past = items.filter((s) => s.status === 'resolved');
  const list = (findings: Finding[]) => (
    <ul className={styles.list}>
      {findings.map((s) => (
        <li key={s.id}>
          <StateBadge value={s.status} />{' '}
          <PageLink href={findingUrl(s.id)} inline>
            <InlineCode text={s.title} />
          </PageLink>{' '}
          ({s.workflow}, {formatTime(s.firstSeen)}
          {s.evidence.resolution ? `; ${s.evidence.resolution}` : ''})
        </li>
      ))}
    </ul>
  );
  return (
    <>
      {open.length > 0 && (
        <>
          <h4>Similar open findings</h4>
          {list(open)}
        </>
      )}
      <h4>Similar past findings</h4>
      {past.length > 0 ? list(past) : <p className={styles.muted}>This has not happened before.</p>}
    </>
  );
}

function Term({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <>
      <dt style={{ fontWeight: 500 }}>{label}</dt>
      <dd style={{ marginLeft: 16 }}>{children}</dd>
    </>
  );
}

function EvidenceTable({ baseline, current }: Pick<Finding['evidence'], 'baseline' | 'current'>) {
  const styles = useStyles2(getPageStyles);
  const keys = [...new Set([...Object.keys(baseline), ...Object.keys(current)])];
  if (keys.length === 0) {
    return null;
  }
  return (
    <table className={styles.table}>
      <TableHead columns={['Measure', 'Baseline', 'Now']} />
      <tbody>
        {keys.map((k) => (
          <tr key={k}>
            <td>{formatMeasure(k, undefined).label}</td>
            <td>{formatMeasure(k, baseline[k]).text}</td>
            <td>{formatMeasure(k, current[k]).text}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
