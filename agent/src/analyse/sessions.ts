import { severityOrder, type Evidence, type FindingCandidate, type Recommendation } from '../model/finding.js';
import { isDecided, isFailed, passedOnRetry, waitedMs, type RunRecord } from '../model/workflow.js';
import { failureMessage, originStep, type TemplateOf } from './context.js';
import { describeFigure, formatDuration, percent, utcTime } from './format.js';
import { changeCount, compareWithLastSuccess, describeComparison, type RunComparison } from './run-comparison.js';
import { halfway, median } from './stats.js';

/**
 * Troubleshooting sessions (POST /api/v1/sessions): a guided pass from "what is wrong" to "is it fixed", built
 * from the workflow's runs, the current candidates and whatever error logs the user pasted. Pure: the API stores
 * the session and calls `verifySession` with the runs that arrived since.
 */

export interface VerificationCriteria {
  /** Runs needed after the session started before a verdict. */
  minRuns: number;
  /** Highest failure ratio of those runs that counts as fixed. */
  maxFailureRatio: number;
  /** Error templates that must not come back. */
  absentTemplateIds: string[];
  /** For a flaky step: it must pass at its first try in all but `maxFailureRatio` of the runs too. */
  retriedStep?: string;
  /** For runs that waited longer for workers: the median wait of the runs since must be back below this. */
  maxWaitMs?: number;
}

export interface SessionInput {
  workflow: string;
  /** Event time of the newest run's end: the history the session looks back on ends there. */
  nowMs: number;
  /**
   * When the session starts, the fix's runs from then on (default `nowMs`): when the user opens it, which on an agent
   * quiet for hours lies long after the newest run. Runs that started before it ran without the fix.
   */
  startedMs?: number;
  runs: readonly RunRecord[];
  candidates: readonly FindingCandidate[];
  /** Pasted error logs, one message per line. */
  errorLogs?: string;
  /** Figures the user brings (e.g. from another dashboard); echoed into the analysis phase. */
  metrics?: Record<string, number>;
  templateOf: TemplateOf;
  criteria?: Partial<VerificationCriteria>;
}

export interface SessionPhase {
  name: 'identification' | 'analysis' | 'diagnosis' | 'resolution' | 'verification';
  summary: string;
  items: string[];
}

export interface Hypothesis {
  fingerprint: string;
  title: string;
  confidence: number;
  description: string;
  /** The pasted logs contain this finding's error pattern. */
  matchesLogs: boolean;
}

export interface Session {
  workflow: string;
  startedMs: number;
  phases: SessionPhase[];
  hypotheses: Hypothesis[];
  recommendations: Recommendation[];
  logPatterns: { templateId: string; template: string; count: number }[];
  baseline: { runs: number; failureRatio: number };
  /** The newest failed run and the last successful run before it, whose differences the analysis phase lists. */
  compared?: { runId: string; baselineRunId: string };
  criteria: VerificationCriteria;
}

export interface Verification {
  status: 'verified' | 'failed' | 'pending';
  runs: number;
  failureRatio: number;
  /** `waiting`: no run since the session started tells yet; `passed` is true for `passed` only. */
  checks: { name: string; state: CheckState; passed: boolean; detail: string }[];
}

type CheckState = 'passed' | 'failed' | 'waiting';

const RECENT_RUNS = 50;

/**
 * Runs after a fix that tell it worked: five, or for a flaky step as many as it would have struck in at least once,
 * 19 times in 20, by the share verification checks: its failures, or its retries when it never failed.
 */
function runsToTell(top: FindingCandidate | undefined): number {
  const current = top?.kind === 'flaky' ? top.evidence.current : undefined;
  const share = current ? Number(current['failureShare']) || Number(current['flakyShare']) : 0;
  return share > 0 && share < 1 ? Math.max(5, Math.ceil(Math.log(0.05) / Math.log(1 - share))) : 5;
}

/**
 * Halfway (geometrically) between the workflow's wait before the onset and since: below it, the wait is back to its
 * old level. A finding shared by workflows waiting on one pool gives each workflow's levels.
 */
function halfwayWait(c: FindingCandidate, workflow: string): number {
  const own = (c.evidence.details?.['perWorkflow'] as { workflow: string; baselineMs: number; currentMs: number }[] | undefined)?.find((w) => w.workflow === workflow);
  const [from, to] = own ? [own.baselineMs, own.currentMs] : [Number(c.evidence.baseline['waitP50Ms']), Number(c.evidence.current['waitP50Ms'])];
  // A wait of 0 before would leave no room: a second's wait is as good as none.
  return Math.round(halfway(Math.max(from, 1000), to));
}

/** The templates of a finding's failure messages: its own, and every message of an outage seen through several. */
/** The error patterns a finding stands for, by template id: its own, and an outage's other messages'. */
function patternsOf(c: FindingCandidate | undefined): Map<string, string | undefined> {
  const patterns = new Map<string, string | undefined>();
  const details = c?.evidence.details;
  const own = details?.['templateId'];
  if (typeof own === 'string') patterns.set(own, c!.rootCause.pattern);
  const messages = details?.['messages'];
  if (Array.isArray(messages)) {
    for (const m of messages as { templateId?: unknown; pattern?: unknown }[]) {
      if (typeof m.templateId === 'string' && !patterns.has(m.templateId)) patterns.set(m.templateId, typeof m.pattern === 'string' ? m.pattern : undefined);
    }
  }
  return patterns;
}

function minePastedLogs(errorLogs: string | undefined, templateOf: TemplateOf): Session['logPatterns'] {
  const lines = (errorLogs ?? '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean).slice(0, 1000);
  for (const line of lines) templateOf(line);
  const patterns = new Map<string, Session['logPatterns'][number]>();
  for (const line of lines) {
    const t = templateOf(line);
    const p = patterns.get(t.templateId) ?? { ...t, count: 0 };
    p.count++;
    patterns.set(t.templateId, p);
  }
  return [...patterns.values()].sort((a, b) => b.count - a.count);
}

/**
 * A finding's figures in words: 'wait p50: 3.0 s before, 5.0 min now' for each figure both sides have, then what
 * only the baseline or only the current state gives ('before: 144 runs…', 'now: …').
 */
function figureLines({ baseline, current }: Evidence): string[] {
  const said = (record: Evidence['baseline'], keys: string[]) =>
    keys.map((k) => describeFigure(k, record[k]!)).map((f) => `${f.label} ${f.value}`).join(', ');
  const both = Object.keys(baseline).filter((k) => Object.hasOwn(current, k));
  const lines = both.map((k) => {
    const [was, is] = [describeFigure(k, baseline[k]!), describeFigure(k, current[k]!)];
    return `${was.label}: ${was.value} before, ${is.value} now`;
  });
  const onlyBefore = Object.keys(baseline).filter((k) => !Object.hasOwn(current, k));
  const onlyNow = Object.keys(current).filter((k) => !Object.hasOwn(baseline, k));
  if (onlyBefore.length) lines.push(`before: ${said(baseline, onlyBefore)}`);
  if (onlyNow.length) lines.push(`now: ${said(current, onlyNow)}`);
  return lines;
}

/** The newest failed run against the last successful one before it: what changed when the workflow broke. */
function lastBreak(runs: readonly RunRecord[]): { run: RunRecord; baseline: RunRecord; comparison: RunComparison } | undefined {
  let i = runs.length - 1;
  while (i >= 0 && !isFailed(runs[i]!.status)) i--;
  const compared = i >= 0 ? compareWithLastSuccess(runs, runs[i]!) : undefined;
  return compared && { run: runs[i]!, ...compared };
}

export function createSession(input: SessionInput): Session {
  const { workflow, nowMs } = input;
  const startedMs = Math.max(nowMs, input.startedMs ?? nowMs);
  const runs = input.runs.filter((r) => r.workflow === workflow && isDecided(r.status)).sort((a, b) => a.startMs - b.startMs);
  const recent = runs.slice(-RECENT_RUNS);
  const failureRatio = recent.length ? recent.filter((r) => isFailed(r.status)).length / recent.length : 0;
  const logPatterns = minePastedLogs(input.errorLogs, input.templateOf);
  const pastedIds = new Set(logPatterns.map((p) => p.templateId));
  const pastedTemplates = new Set(logPatterns.map((p) => p.template));
  const relevant = input.candidates
    .filter((c) => c.workflow === workflow || c.workflows?.includes(workflow))
    .sort((a, b) => severityOrder[a.severity] - severityOrder[b.severity] || b.confidence - a.confidence);
  const hypotheses: Hypothesis[] = relevant
    .map((c) => ({
      fingerprint: c.fingerprint,
      title: c.title,
      confidence: c.confidence,
      description: c.rootCause.description,
      matchesLogs: [...patternsOf(c).keys()].some((id) => pastedIds.has(id)) || (c.rootCause.pattern !== undefined && pastedTemplates.has(c.rootCause.pattern)),
    }))
    // What the user pasted is the strongest hint of which problem they are chasing.
    .sort((a, b) => Number(b.matchesLogs) - Number(a.matchesLogs));
  const top = relevant.find((c) => c.fingerprint === hypotheses[0]?.fingerprint);
  const broke = lastBreak(runs);
  const changes = broke ? describeComparison(broke.comparison) : [];
  const recommendations = top
    ? top.recommendations
    : [
        {
          title: `Compare failing and passing runs of \`${workflow}\``,
          steps: [
            'No finding explains the problem yet; look at what changed between a failed run and the last successful one before it (GET /api/v1/runs/{id}/compare, or the run in the Grafana app), and at the changes listed in the analysis phase.',
          ],
        },
      ];
  const criteria: VerificationCriteria = {
    minRuns: input.criteria?.minRuns ?? runsToTell(top),
    maxFailureRatio: input.criteria?.maxFailureRatio ?? 0.05,
    absentTemplateIds: input.criteria?.absentTemplateIds ?? [...new Set([...patternsOf(top).keys(), ...pastedIds])],
    ...(top?.kind === 'flaky' && top.rootCause.step !== undefined && { retriedStep: top.rootCause.step }),
    ...(top?.kind === 'queue' && { maxWaitMs: halfwayWait(top, workflow) }),
  };
  // The patterns' text, for the verification to name what must not come back (ids mean nothing to a reader).
  const known = new Map([...logPatterns.map((p) => [p.templateId, p.template] as const), ...[...patternsOf(top)].filter(([, text]) => text !== undefined)]);
  const phases: SessionPhase[] = [
    {
      name: 'identification',
      summary: `${relevant.length} problem(s) on \`${workflow}\`; ${percent(failureRatio)} of the last ${recent.length} runs failed.`,
      items: [
        ...relevant.map((c) => `[${c.severity}] ${c.title}`),
        ...logPatterns.map((p) => `pasted log pattern (${p.count}×): ${p.template}`),
      ],
    },
    {
      name: 'analysis',
      summary: top
        ? `Evidence for the leading problem: ${top.evidence.affectedRuns} of ${top.evidence.totalRuns} runs affected${top.evidence.onset ? ` since ${utcTime(Date.parse(top.evidence.onset))}` : ''}.`
        : 'No finding to analyse.',
      items: [
        ...(top ? [...figureLines(top.evidence), ...top.evidence.errorLines.map((l) => `error: ${l}`)] : []),
        ...(broke
          ? [
              `the newest failed run \`${broke.run.runId}\` (${utcTime(broke.run.startMs)}) against the last successful run before it, \`${broke.baseline.runId}\` (${utcTime(broke.baseline.startMs)}): ${changes.length ? `${changeCount(broke.comparison)} change(s)` : 'no difference in steps or attributes'}`,
              ...changes.map((line) => `  - ${line}`),
            ]
          : []),
        ...Object.entries(input.metrics ?? {}).map(([k, v]) => `reported ${k} = ${v}`),
      ],
    },
    {
      name: 'diagnosis',
      summary: hypotheses[0] ? `Most likely: ${hypotheses[0].description}` : 'No hypothesis yet.',
      items: hypotheses.map((h) => `${h.matchesLogs ? '(matches pasted logs) ' : ''}${h.title} — confidence ${Math.round(h.confidence * 100)} %`),
    },
    {
      name: 'resolution',
      summary: recommendations[0]!.title,
      items: recommendations.flatMap((r) => [r.title, ...r.steps.map((s) => `  - ${s}`)]),
    },
    {
      name: 'verification',
      summary: `After the fix, at least ${criteria.minRuns} runs with at most ${percent(criteria.maxFailureRatio)} failures and none of ${criteria.absentTemplateIds.length} error pattern(s) confirm it (session started ${utcTime(startedMs)}).`,
      items: [
        ...criteria.absentTemplateIds.map((id) => {
          const pattern = known.get(id);
          return pattern === undefined ? `error pattern ${id} does not come back` : `the error "${pattern}" does not come back`;
        }),
        ...(criteria.maxWaitMs !== undefined ? [`runs wait at most ${formatDuration(criteria.maxWaitMs)} for workers (median)`] : []),
      ],
    },
  ];
  return {
    workflow,
    startedMs,
    phases,
    hypotheses,
    recommendations,
    logPatterns,
    baseline: { runs: recent.length, failureRatio },
    ...(broke && { compared: { runId: broke.run.id, baselineRunId: broke.baseline.id } }),
    criteria,
  };
}

/** Do the runs since the session started confirm the fix? `pending` until enough runs arrived. */
export function verifySession(session: Session, runsSince: readonly RunRecord[], templateOf: TemplateOf): Verification {
  const runs = runsSince.filter((r) => r.workflow === session.workflow && r.startMs >= session.startedMs && isDecided(r.status));
  const failed = runs.filter((r) => isFailed(r.status));
  const failureRatio = runs.length ? failed.length / runs.length : 0;
  const absent = new Set(session.criteria.absentTemplateIds);
  const returned = failed.filter((r) => absent.has(templateOf(failureMessage(r, originStep(r))).templateId));
  // Without a run since, nothing has passed or failed yet.
  const judged = (passed: boolean): CheckState => (runs.length === 0 ? 'waiting' : passed ? 'passed' : 'failed');
  const check = (name: string, state: CheckState, detail: string) => ({ name, state, passed: state === 'passed', detail });
  const checks = [
    check('enough_runs', runs.length >= session.criteria.minRuns ? 'passed' : 'waiting', `${runs.length} of ${session.criteria.minRuns} runs since the session started`),
    check('failure_ratio', judged(failureRatio <= session.criteria.maxFailureRatio), `${percent(failureRatio)} failed (at most ${percent(session.criteria.maxFailureRatio)}; ${percent(session.baseline.failureRatio)} before)`),
    check('pattern_absent', judged(returned.length === 0), returned.length ? `${returned.length} runs failed with the old error again` : runs.length ? 'the error pattern did not come back' : 'no run since the session started'),
  ];
  const step = session.criteria.retriedStep;
  if (step !== undefined) {
    // A flaky step that now passes only on retries is not fixed: its failures are hidden, not gone.
    const retried = runs.filter((r) => r.steps.some((s) => s.name === step && passedOnRetry(s, r))).length;
    const share = runs.length ? retried / runs.length : 0;
    checks.push(check('retries', judged(share <= session.criteria.maxFailureRatio), `step \`${step}\` passed only on a retry in ${retried} runs (${percent(share)}; at most ${percent(session.criteria.maxFailureRatio)})`));
  }
  const maxWaitMs = session.criteria.maxWaitMs;
  if (maxWaitMs !== undefined) {
    // Adding workers fixes nothing the runs do not show: their wait must be back near its old level.
    const waits = runs.map(waitedMs).filter((ms): ms is number => ms !== undefined);
    const wait = waits.length ? median(waits) : undefined;
    checks.push(
      check(
        'wait',
        // Unknown until enough runs arrived; past that, runs that report no wait cannot show the fix.
        wait === undefined ? (runs.length < session.criteria.minRuns ? 'waiting' : 'failed') : wait <= maxWaitMs ? 'passed' : 'failed',
        wait === undefined ? 'no run since reported a wait for workers' : `runs waited ${formatDuration(wait)} for workers (median; at most ${formatDuration(maxWaitMs)})`,
      ),
    );
  }
  const status = checks.some((c) => c.state === 'failed') ? 'failed' : checks.every((c) => c.state === 'passed') ? 'verified' : 'pending';
  return { status, runs: runs.length, failureRatio, checks };
}
