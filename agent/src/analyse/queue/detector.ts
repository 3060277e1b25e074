import { mostSevere, type FindingCandidate, type RunChanges, type Severity } from '../../model/finding.js';
import { isFailed, waitedMs, type RunRecord } from '../../model/workflow.js';
import { isoTime } from '../../runtime/iso-time.js';
import { findLevelShift } from '../anomaly/level-shift.js';
import { clusterByCause } from '../clusters.js';
import type { AnalysisContext, WorkflowHistory } from '../context.js';
import { describeExplanation, explain, leadingExplanations, type Explanation } from '../correlation/explain.js';
import { exampleRunIds, fingerprint, formatDuration, percent, round, utcTime } from '../format.js';
import { recommend } from '../recommendations.js';
import { changesBefore } from '../run-comparison.js';
import { median, pastHalfway } from '../stats.js';
import { traceInsights, type TraceInsights } from '../trace-insights.js';
import type { PoolDemand } from './demand.js';
import { queuesOf, waitsByStep } from './waits.js';
import { firstFew } from '../../runtime/first-few.js';

/**
 * Runs that wait longer for workers: the time between work being ready and a worker taking it rose to a new level
 * and stays there (or keeps rising, as a backlog does). The work itself may be as fast as ever, so this is not a
 * slowdown of a step but a shortage of workers, runners or slots: the finding names where the work waits (a pool,
 * a task queue, runner labels), which steps wait and which workflows began to fill the pool. Workflows that wait
 * on the same pool share one finding, as a shortage of that pool's workers slows every workflow using it.
 */

/** A wait shorter than this is no wait to a person: it keeps log-scale noise of near-zero waits out. */
const FLOOR_MS = 100;
/** The added wait must be at least this, and a tenth of a run, to be worth an engineer's time. */
const MIN_EXTRA_MS = 1000;
const MIN_EXTRA_SHARE = 0.1;

/** One step's wait, or the run's own wait to start (`step` absent), before and since the onset. */
export interface StepWait {
  step?: string;
  baselineMs: number;
  currentMs: number;
}

type RunRef = Pick<RunRecord, 'id' | 'startMs'>;

/** One workflow's rise in waiting, kept to the end of the pass, where workflows waiting on one pool are merged. */
export interface QueueShift {
  workflow: string;
  /** The pool, queue or runner labels that nearly every waiting run names. */
  queue?: { key: string; value: string };
  /** Median wait of a run (`waitedMs`), before and since the onset. */
  baselineMs: number;
  currentMs: number;
  robustZ: number;
  onsetMs: number;
  lastMs: number;
  /** Median duration of the successful runs (of all, when none succeeded) before and since the onset. */
  runBaselineMs: number;
  runCurrentMs: number;
  /** The steps whose waits rose, the longest added wait first. */
  steps: StepWait[];
  /** Runs since the onset waiting longer than halfway (geometrically) between the levels. */
  waiting: RunRef[];
  sinceOnset: number;
  explanations: Explanation[];
  changes: RunChanges | undefined;
  insights: TraceInsights;
}

export function queueShift(history: WorkflowHistory, ctx: AnalysisContext): QueueShift | undefined {
  const t = ctx.thresholds;
  const points: { run: RunRecord; ms: number }[] = [];
  for (const run of history.runs) {
    const ms = waitedMs(run);
    if (ms !== undefined) points.push({ run, ms });
  }
  const floored = points.map((p) => Math.max(p.ms, FLOOR_MS));
  const shift = findLevelShift(floored, Math.max(t.minAffectedRuns, 5), { mayKeepRising: true });
  if (!shift || shift.current / shift.baseline < t.minSlowdownRatio || shift.robustZ < t.minRobustZ) return undefined;
  const before = points.slice(0, shift.index);
  const since = points.slice(shift.index);
  // The floor only keeps near-zero waits from ruling the fit on a log scale: the figures given are the waits.
  const baselineMs = median(before.map((p) => p.ms));
  const currentMs = median(since.map((p) => p.ms));
  const onsetMs = since[0]!.run.startMs;
  const runBaselineMs = typicalDuration(before.map((p) => p.run));
  const extra = currentMs - baselineMs;
  if (extra < MIN_EXTRA_MS || extra < MIN_EXTRA_SHARE * runBaselineMs) return undefined;
  const waiting = pastHalfway(shift.baseline, shift.current);
  const waitingRuns = since.filter((_, i) => waiting(floored[shift.index + i]!)).map((p) => p.run);
  if (waitingRuns.length < t.minAffectedRuns) return undefined;
  const waitingSet = new Set(waitingRuns);
  const explanations = leadingExplanations(
    explain(history.runs, (r) => waitingSet.has(r), { minSupport: t.minSupport, minJaccard: t.minJaccard, minAffected: t.minAffectedRuns, onsetMs }),
  );
  const steps = risenWaits(before.map((p) => p.run), waitingRuns, extra);
  return {
    workflow: history.workflow,
    queue: sharedQueue(waitingRuns, new Set(steps.map((s) => s.step ?? ''))),
    baselineMs,
    currentMs,
    robustZ: shift.robustZ,
    onsetMs,
    lastMs: waitingRuns[waitingRuns.length - 1]!.endMs,
    runBaselineMs,
    runCurrentMs: typicalDuration(since.map((p) => p.run)),
    steps,
    waiting: waitingRuns.map(({ id, startMs }) => ({ id, startMs })),
    sinceOnset: since.length,
    explanations,
    changes: changesBefore(history.runs, waitingRuns[0]!),
    insights: traceInsights(history, onsetMs),
  };
}

/** The median duration of the successful runs, or of all when none succeeded (a shortage can make every run time out). */
function typicalDuration(runs: readonly RunRecord[]): number {
  const passed = runs.filter((r) => !isFailed(r.status));
  return median((passed.length > 0 ? passed : runs).map((r) => r.durationMs));
}

/** The steps (and the run's own start) whose median wait rose by at least a tenth of the whole rise, at most five. */
function risenWaits(before: readonly RunRecord[], after: readonly RunRecord[], extra: number): StepWait[] {
  const collect = (runs: readonly RunRecord[]) => {
    const byStep = new Map<string, number[]>();
    for (const run of runs) {
      for (const [step, ms] of waitsByStep(run)) {
        let list = byStep.get(step);
        if (!list) byStep.set(step, (list = []));
        list.push(ms);
      }
    }
    return byStep;
  };
  const was = collect(before);
  const out: StepWait[] = [];
  for (const [step, values] of collect(after)) {
    const baselineMs = median(was.get(step) ?? [0]);
    const currentMs = median(values);
    if (currentMs - baselineMs >= 0.1 * extra) out.push({ ...(step !== '' && { step }), baselineMs, currentMs });
  }
  return out.sort((a, b) => b.currentMs - b.baselineMs - (a.currentMs - a.baselineMs)).slice(0, 5);
}

/**
 * The pool, queue or labels at least 80 % of the waiting runs name where their wait rose (`risen`: the step names,
 * '' for the run's own wait to start); the most common when several do.
 */
function sharedQueue(runs: readonly RunRecord[], risen: ReadonlySet<string>): QueueShift['queue'] {
  const counts = new Map<string, number>();
  for (const run of runs) for (const item of queuesOf(run, risen)) counts.set(item, (counts.get(item) ?? 0) + 1);
  let best: [string, number] | undefined;
  for (const entry of counts) if (!best || entry[1] > best[1] || (entry[1] === best[1] && entry[0] < best[0])) best = entry;
  if (!best || best[1] < 0.8 * runs.length) return undefined;
  const at = best[0].indexOf('=');
  return { key: best[0].slice(0, at), value: best[0].slice(at + 1) };
}


function severityOf(s: QueueShift): Severity {
  const extra = s.currentMs - s.baselineMs;
  const share = extra / Math.max(s.runBaselineMs, 1);
  if (share >= 1 || extra >= 30 * 60_000) return 'high';
  if (share >= 0.25 || extra >= 5 * 60_000) return 'medium';
  return 'low';
}

/**
 * The pass's rises in waiting as findings: one per pool, else one per workflow; `demand` says which workflows began
 * to fill the pool.
 */
export function queueCandidates(shifts: readonly QueueShift[], demand: PoolDemand): FindingCandidate[] {
  // One finding per pool, whatever the periods (no `periodOf`): its fingerprint is the pool's, and every shift of a
  // pass holds to its workflow's newest runs anyway.
  const clusters = clusterByCause(
    shifts,
    (s) => (s.queue ? `${s.queue.key}=${s.queue.value}` : undefined),
    (s) => s.waiting.length,
  );
  return clusters.map((cluster) => candidateOf(cluster, demand));
}

function candidateOf(cluster: QueueShift[], demand: PoolDemand): FindingCandidate {
  const lead = cluster[0]!;
  const workflows = cluster.map((s) => s.workflow).sort();
  const shared = workflows.length > 1;
  // Shared, the title names each workflow with its own wait after the pool, not twice.
  const subject = shared ? `${workflows.length} workflows` : `Runs of \`${lead.workflow}\``;
  const where = lead.queue ? ` in ${lead.queue.key} \`${lead.queue.value}\`` : '';
  const onsetMs = Math.min(...cluster.map((s) => s.onsetMs));
  const lastMs = Math.max(...cluster.map((s) => s.lastMs));
  const waiting = cluster.flatMap((s) => s.waiting);
  const total = cluster.reduce((n, s) => n + s.sinceOnset, 0);
  const severity = mostSevere(cluster.map(severityOf));
  const explained = lead.explanations[0];
  const change = lead.explanations.find((e) => e.changedAtOnset);
  const attributes = {
    ...(lead.queue && { [lead.queue.key]: lead.queue.value }),
    ...Object.fromEntries(lead.explanations.map((e) => [e.key, e.value])),
  };
  const topStep = lead.steps.find((s) => s.step !== undefined)?.step;
  const risers = lead.queue ? demand.risers(`${lead.queue.key}=${lead.queue.value}`, onsetMs, lastMs) : [];
  const perHour = (n: number) => (n >= 10 ? String(Math.round(n)) : n.toFixed(1));
  const demandText = risers
    .map((r) => `\`${r.workflow}\` starts ${perHour(r.sincePerHour)} tasks an hour in it (${r.beforePerHour >= 0.05 ? `${perHour(r.beforePerHour)} the day before` : r.beforePerHour > 0 ? 'almost none the day before' : 'none the day before'})`)
    .join('; ');
  const stepsText = lead.steps.map((s) => `${s.step ? `step \`${s.step}\`` : 'the run itself, to start'} ${formatDuration(s.currentMs)} vs ${formatDuration(s.baselineMs)}`).join(', ');
  const extraShare = (lead.currentMs - lead.baselineMs) / Math.max(lead.runCurrentMs, 1);
  const summary =
    `Since ${utcTime(onsetMs)} runs of \`${lead.workflow}\` wait ${formatDuration(lead.currentMs)} for workers (median, over the run and its steps) instead of ${formatDuration(lead.baselineMs)}${where}, ` +
    `in ${lead.waiting.length} of ${lead.sinceOnset} runs; runs take ${formatDuration(lead.runCurrentMs)} instead of ${formatDuration(lead.runBaselineMs)}, ` +
    `${percent(Math.min(1, Math.max(0, extraShare)))} of it the added wait.` +
    (stepsText ? ` Waiting longer: ${stepsText}.` : '') +
    (demandText ? ` Since the onset ${demandText}.` : '') +
    (explained ? ` The waiting runs concentrate ${describeExplanation(explained)}.` : '') +
    (change ? ` ${change.key} ${change.value} first appeared at ${utcTime(change.firstSeenMs)}.` : '') +
    (shared ? ` Also waiting${where}: ${cluster.slice(1).map((s) => `\`${s.workflow}\` ${formatDuration(s.currentMs)} vs ${formatDuration(s.baselineMs)} since ${utcTime(s.onsetMs)}`).join(', ')}.` : '');
  const cause = lead.queue ? `queue:${lead.queue.key}=${lead.queue.value}` : 'wait';
  return {
    // Keyed by its pool, a finding keeps its identity as workflows join or leave the wait.
    fingerprint: fingerprint('queue', lead.queue ? ['*'] : workflows, cause),
    kind: 'queue',
    workflow: lead.workflow,
    ...(shared ? { workflows } : {}),
    severity,
    category: 'resource',
    confidence: round(Math.min(1, 0.5 + lead.robustZ / 40) * (lead.waiting.length / Math.max(lead.sinceOnset, 1))),
    // Workflows waiting on one pool wait each their own time: each is named with its figures, not the lead's.
    title: shared
      ? `${subject} wait for workers since ${utcTime(onsetMs)}${where}: ${firstFew(cluster.map((s) => `\`${s.workflow}\` ${formatDuration(s.currentMs)} (was ${formatDuration(s.baselineMs)})`))}`
      : `${subject} wait ${formatDuration(lead.currentMs)} for workers since ${utcTime(onsetMs)}${where} (was ${formatDuration(lead.baselineMs)})`,
    summary,
    rootCause: {
      ...(topStep !== undefined && { step: topStep }),
      attributes,
      description:
        `Work waits longer for a free worker, runner or slot${where}: the wait rose from ${formatDuration(lead.baselineMs)} to ${formatDuration(lead.currentMs)} at ${utcTime(onsetMs)}` +
        `${shared ? `, in ${workflows.length} workflows` : ''}. ` +
        (risers.length ? `More work arrives than before: ${risers.map((r) => `\`${r.workflow}\``).join(', ')} began to fill it.` : 'Too few workers take work from it, or more work arrives than before.'),
    },
    evidence: {
      baseline: { waitP50Ms: round(lead.baselineMs, 0), runP50Ms: round(lead.runBaselineMs, 0) },
      current: { waitP50Ms: round(lead.currentMs, 0), runP50Ms: round(lead.runCurrentMs, 0) },
      affectedRuns: waiting.length,
      totalRuns: total,
      onset: isoTime(onsetMs),
      exampleRunIds: exampleRunIds(waiting),
      ...(lead.changes && { changes: lead.changes }),
      errorLines: [],
      details: {
        ratio: round(lead.currentMs / lead.baselineMs),
        robustZ: round(lead.robustZ),
        steps: lead.steps.map((s) => ({ ...(s.step !== undefined && { step: s.step }), baselineMs: round(s.baselineMs, 0), currentMs: round(s.currentMs, 0) })),
        ...(lead.queue && { queue: lead.queue }),
        ...(risers.length ? { demand: risers.map((r) => ({ workflow: r.workflow, beforePerHour: round(r.beforePerHour, 1), sincePerHour: round(r.sincePerHour, 1) })) } : {}),
        ...(lead.explanations.length ? { explanations: lead.explanations } : {}),
        ...(shared ? { perWorkflow: cluster.map((s) => ({ workflow: s.workflow, onset: isoTime(s.onsetMs), baselineMs: round(s.baselineMs, 0), currentMs: round(s.currentMs, 0), runs: s.waiting.length })) } : {}),
      },
    },
    recommendations: recommend({
      kind: 'queue',
      category: 'resource',
      workflow: lead.workflow,
      workflows: shared ? workflows : undefined,
      step: topStep,
      attributes,
      changedAtOnset: change ? { key: change.key, value: change.value } : undefined,
      queue: lead.queue,
      ...(risers.length && { fillers: risers.map((r) => r.workflow) }),
      insights: lead.insights,
    }),
    firstSeenMs: onsetMs,
    lastSeenMs: lastMs,
  };
}

