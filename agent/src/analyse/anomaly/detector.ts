import { stepLabel, type FindingCandidate, type Severity } from '../../model/finding.js';
import { enclosingNamesIn } from '../../model/step-path.js';
import { isFailed, type RunRecord } from '../../model/workflow.js';
import type { AnalysisContext, Detector, WorkflowHistory } from '../context.js';
import { describeExplanation, explain, leadingExplanations } from '../correlation/explain.js';
import { exampleRunIds, fingerprint, formatDuration, round, utcTime } from '../format.js';
import { isoTime } from '../../runtime/iso-time.js';
import { recommend } from '../recommendations.js';
import { changesBefore } from '../run-comparison.js';
import { median, pastHalfway, robustSigma } from '../stats.js';
import { traceInsights } from '../trace-insights.js';
import { busiestStepNames, stepSeries } from './features.js';
import { shiftPlace } from './shift-place.js';
import { bestSplit, findLevelShift, type LevelShift } from './level-shift.js';
import { workflowScores, type WorkflowScores } from './scores.js';
import { deseasonalise, seasonalChange, type Deseasonalised, type TimedValue } from './seasons.js';
import type { WallClock } from '../wall-clock.js';

/**
 * Anomalies of one workflow against its own history. Each step whose duration shifted to a new level (and stays
 * there) is named with its baseline, current level and onset, as soon as the workflow has enough runs for a level
 * on either side; otherwise, when several recent successful runs score as anomalous in the isolation forest, the
 * step that deviates most from its robust baseline is named.
 */

interface StepShift {
  step: string;
  /** The steps enclosing it where it slowed (a matrix's job), outermost first. */
  path?: string[];
  /** Its figures are those of the step in `path` alone, not of every step of its name in the run. */
  placeOnly?: true;
  /** What the step took before, or what it usually takes in the `season` of the slow runs when that differs. */
  baselineMs: number;
  season?: string;
  currentMs: number;
  robustZ: number;
  onsetMs: number;
  /** Runs since the onset, and those among them slower than halfway (geometrically) between the levels. */
  since: RunRecord[];
  slow: RunRecord[];
  /** Share of the run's extra time this step accounts for. */
  extraShare: number;
  runBaselineMs: number;
  runCurrentMs: number;
}

export const anomalyDetector: Detector = {
  name: 'anomaly',
  perWorkflow(history, ctx) {
    const scores = workflowScores(history, ctx);
    const shifts = stepShifts(history, ctx);
    if (shifts.length > 0) return shifts.map((shift) => shiftCandidate(history, shift, scores, ctx));
    const outliers = scores && outlierCandidate(history, scores, ctx);
    return outliers ? [outliers] : [];
  },
};

/** Every step that shifted to a slower level, each its own finding; a parent step only when its children do not carry it. */
function stepShifts(history: WorkflowHistory, ctx: AnalysisContext): StepShift[] {
  const t = ctx.thresholds;
  const minSegment = Math.max(t.minAffectedRuns, 5);
  const shifts: StepShift[] = [];
  for (const [step, points] of stepSeries(history.runs, busiestStepNames(history.runs, 2 * minSegment))) {
    const found = levelShiftOf(points, minSegment, t.minSlowdownRatio, ctx.clock);
    if (!found) continue;
    const { shift, values, series } = found;
    if (shift.current / shift.baseline < t.minSlowdownRatio || shift.robustZ < t.minRobustZ) continue;
    const onsetMs = points[shift.index]!.run.startMs;
    // A step as slow as it is every night or every weekend shows its usual pattern, not news; one slower still is
    // judged against its season.
    const seasonal = seasonalChange(points.slice(0, shift.index), points.slice(shift.index), onsetMs, shift.baseline, ctx.clock);
    if (seasonal.ratio < t.minSlowdownRatio) continue;
    // Across a season the levels since the onset differ from one season to the next: the step and its runs are
    // told as they are now, in the newest run's season.
    const newest = points[points.length - 1]!.run;
    const now = (r: RunRecord) => !series || series.sameBucket(r, newest);
    const sumCurrentMs = series ? median(points.slice(shift.index).filter((p) => now(p.run)).map((p) => p.ms)) : shift.current;
    const season = series ? series.season : shift.current / shift.baseline / seasonal.ratio >= t.minSlowdownRatio ? seasonal.season : undefined;
    const sumBaselineMs = season ? sumCurrentMs / seasonal.ratio : shift.baseline;
    const isSlow = pastHalfway(shift.baseline, shift.current);
    const slow = points.filter((p, i) => i >= shift.index && isSlow(values[i]!)).map((p) => p.run);
    if (slow.length < t.minAffectedRuns) continue;
    // Where it slowed, with the figures of that place alone; a place's figures are not read in a season, as the
    // sum's were, so a step in several places read in one is named by none (a step in one place by that place).
    const located = shiftPlace(history.runs, step, onsetMs, shift.current - shift.baseline, t.minSlowdownRatio);
    const place = season === undefined && !series ? located : located?.figures ? undefined : located;
    const own = place?.figures;
    const baselineMs = own?.baselineMs ?? sumBaselineMs;
    const currentMs = own?.currentMs ?? sumCurrentMs;
    const before = history.runs.filter((r) => r.startMs < onsetMs && !isFailed(r.status));
    const since = history.runs.filter((r) => r.startMs >= onsetMs);
    const runBaselineMs = median(durationsOf(before.some(now) ? before.filter(now) : before));
    const runCurrentMs = median(durationsOf(since.filter((r) => !isFailed(r.status) && now(r))));
    const extra = runCurrentMs - runBaselineMs;
    const extraShare = extra > 0 ? Math.min(1, (currentMs - baselineMs) / extra) : 0;
    shifts.push({ step, ...(place && { path: place.path }), ...(own && { placeOnly: true }), baselineMs, season, currentMs, robustZ: shift.robustZ, onsetMs, since, slow, extraShare, runBaselineMs, runCurrentMs });
  }
  return shifts.filter((outer) => !carriedInside(history, outer, shifts));
}

/**
 * A step's level shift in its durations or, failing that, in its durations without the season they follow: after
 * a slowdown of a step slow at weekends, its slow weekend and faster weekdays alternate, which the search on the raw
 * series takes for drift.
 */
function levelShiftOf(
  points: readonly TimedValue[],
  minSegment: number,
  minRatio: number,
  clock: WallClock,
): { shift: LevelShift; values: readonly number[]; series?: Deseasonalised } | undefined {
  const values = points.map((p) => p.ms);
  const shift = findLevelShift(values, minSegment);
  if (shift) return { shift, values };
  // Where the slowdown began is searched in the series without the season the whole window shows (its slow points
  // included), then again without the season the points before that split show, until the split holds.
  let series = deseasonalise(points, Infinity, minRatio, clock);
  for (let round = 0; round < SPLIT_ROUNDS && series; round++) {
    const split = bestSplit(series.values, minSegment);
    series = split === undefined ? undefined : deseasonalise(points, points[split]!.run.startMs, minRatio, clock);
    if (!series) return undefined;
    const seasonal = findLevelShift(series.values, minSegment);
    if (seasonal) return { shift: seasonal, values: series.values, series };
  }
  return undefined;
}

const SPLIT_ROUNDS = 3;

function durationsOf(runs: readonly RunRecord[]): number[] {
  return runs.map((r) => r.durationMs);
}

/**
 * A parent step slows down with its children: when the slower steps nested in it carry (nearly) all of its
 * slowdown, they are named instead of it.
 */
function carriedInside(history: WorkflowHistory, outer: StepShift, shifts: readonly StepShift[]): boolean {
  // A step named where it slowed is inside the steps of its path only: in a matrix, not in every job.
  const within = (s: StepShift, o: StepShift) => (s.path ? s.path.includes(o.step) : isNestedIn(history, s.step, o.step));
  const inside = shifts.filter((s) => s !== outer && within(s, outer));
  if (inside.length === 0) return false;
  const outermost = inside.filter((s) => !inside.some((o) => o !== s && within(s, o)));
  return outermost.reduce((sum, s) => sum + s.extraShare, 0) >= 0.8 * outer.extraShare;
}

/**
 * Whether step `inner` runs inside step `outer`, judged from the newest run that has both: one of its steps of that
 * name does (a matrix runs a step of one name in each of its jobs).
 */
function isNestedIn(history: WorkflowHistory, inner: string, outer: string): boolean {
  for (let i = history.runs.length - 1; i >= 0; i--) {
    const run = history.runs[i]!;
    const children = run.steps.filter((s) => s.name === inner);
    if (children.length === 0 || !run.steps.some((s) => s.name === outer)) continue;
    return children.some((child) => enclosingNamesIn(run, child).includes(outer));
  }
  return false;
}

function shiftCandidate(history: WorkflowHistory, s: StepShift, scores: WorkflowScores | undefined, ctx: AnalysisContext): FindingCandidate {
  const t = ctx.thresholds;
  const ratio = s.currentMs / s.baselineMs;
  const runGrowth = s.runCurrentMs / s.runBaselineMs;
  // A small step getting slower matters little when the run as a whole barely changed.
  const severity: Severity = runGrowth < 1.1 ? 'low' : ratio >= 3 ? 'high' : ratio >= 2 ? 'medium' : 'low';
  const slowSet = new Set(s.slow);
  const explanations = leadingExplanations(
    explain(history.runs, (r) => slowSet.has(r), { minSupport: t.minSupport, minJaccard: t.minJaccard, minAffected: t.minAffectedRuns, onsetMs: s.onsetMs }),
  );
  const attributes = Object.fromEntries(explanations.map((e) => [e.key, e.value]));
  const change = explanations.find((e) => e.changedAtOnset);
  const recentScores = s.slow.map((r) => scores?.byRun.get(r)).filter((v): v is number => v !== undefined);
  const where = explanations.length ? ` ${describeExplanation(explanations[0]!)}` : '';
  const changes = changesBefore(history.runs, s.slow[0]!);
  const named = `\`${stepLabel({ step: s.step, stepPath: s.path })}\``;
  return {
    fingerprint: fingerprint('anomaly', [history.workflow], `step:${s.step}`),
    kind: 'anomaly',
    workflow: history.workflow,
    severity,
    category: 'performance',
    confidence: round(Math.min(1, 0.5 + s.robustZ / 40) * (s.slow.length / s.since.length)),
    title: `Step ${named} of \`${history.workflow}\` is ${ratio.toFixed(1)}× slower since ${utcTime(s.onsetMs)} (p50 ${formatDuration(s.currentMs)} vs ${formatDuration(s.baselineMs)})`,
    summary:
      `Since ${utcTime(s.onsetMs)} step ${named} takes ${formatDuration(s.currentMs)} (median) instead of ${formatDuration(s.baselineMs)}` +
      (s.season ? `, the usual for the same ${s.season} (${ctx.clock.zone}),` : '') +
      ` in ${s.slow.length} of ${s.since.length} runs${where}; runs take ${formatDuration(s.runCurrentMs)} instead of ${formatDuration(s.runBaselineMs)}` +
      ` and the step accounts for ${Math.round(s.extraShare * 100)} % of the extra time.` +
      (change ? ` ${change.key} ${change.value} first appeared at ${utcTime(change.firstSeenMs)}.` : ''),
    rootCause: {
      step: s.step,
      ...(s.path && { stepPath: s.path }),
      attributes,
      description: `Step ${named} shifted from ${formatDuration(s.baselineMs)} to ${formatDuration(s.currentMs)} at ${utcTime(s.onsetMs)} and stayed there${where}.`,
    },
    evidence: {
      baseline: { stepP50Ms: round(s.baselineMs, 0), runP50Ms: round(s.runBaselineMs, 0) },
      current: { stepP50Ms: round(s.currentMs, 0), runP50Ms: round(s.runCurrentMs, 0) },
      affectedRuns: s.slow.length,
      totalRuns: s.since.length,
      onset: isoTime(s.onsetMs),
      exampleRunIds: exampleRunIds(s.slow),
      ...(changes && { changes }),
      errorLines: [],
      details: {
        ratio: round(ratio),
        robustZ: round(s.robustZ),
        extraTimeShare: round(s.extraShare),
        ...(s.placeOnly && { placeOnly: true }),
        meanAnomalyScore: recentScores.length ? round(recentScores.reduce((a, b) => a + b, 0) / recentScores.length, 3) : undefined,
        ...(explanations.length ? { explanations } : {}),
      },
    },
    recommendations: recommend({
      kind: 'anomaly',
      category: 'performance',
      workflow: history.workflow,
      step: s.step,
      ...(s.path && { stepPath: s.path }),
      attributes,
      changedAtOnset: change ? { key: change.key, value: change.value } : undefined,
      insights: traceInsights(history, s.onsetMs),
    }),
    firstSeenMs: s.onsetMs,
    lastSeenMs: s.slow[s.slow.length - 1]!.endMs,
  };
}

/** Recent successful runs the forest isolates easily, explained by the step furthest from its robust baseline. */
function outlierCandidate(history: WorkflowHistory, scores: WorkflowScores, ctx: AnalysisContext): FindingCandidate | undefined {
  const t = ctx.thresholds;
  const recent = history.runs.slice(-20).filter((r) => !isFailed(r.status));
  const anomalous = recent.filter((r) => (scores.byRun.get(r) ?? 0) >= t.anomalyScore);
  if (anomalous.length < t.minAffectedRuns) return undefined;
  const normal = history.runs.filter((r) => !isFailed(r.status) && (scores.byRun.get(r) ?? 0) < t.anomalyScore).slice(-1000);
  const firstMs = anomalous[0]!.startMs;
  const normalSteps = stepSeries(normal, scores.stepNames);
  const anomalousSteps = stepSeries(anomalous, scores.stepNames);
  let best: { step: string; z: number; baseline: number; current: number } | undefined;
  for (const step of scores.stepNames) {
    const base = normalSteps.get(step)!;
    const cur = anomalousSteps.get(step)!;
    if (base.length < 10 || cur.length === 0) continue;
    const baseValues = base.map((p) => p.ms);
    const baseline = median(baseValues);
    const current = median(cur.map((p) => p.ms));
    const z = Math.abs(current - baseline) / robustSigma(baseValues, baseline);
    // A step that deviates as it does every night or every weekend explains nothing new.
    const usual = () => Math.abs(Math.log(seasonalChange(base, cur, firstMs, baseline, ctx.clock).ratio)) < Math.log(t.minSlowdownRatio);
    if ((!best || z > best.z) && !usual()) best = { step, z, baseline, current };
  }
  if (!best || best.z < t.minRobustZ) return undefined;
  const severity: Severity = anomalous.length >= 10 ? 'medium' : 'low';
  // The forest also isolates the odd run at the edge of normal: the problem began with the first run whose step lies
  // past halfway (geometrically) from its baseline to its current level.
  const { step, baseline, current } = best;
  const past = pastHalfway(baseline, current);
  const onsetMs = (anomalousSteps.get(step)!.find((p) => past(p.ms))?.run ?? anomalous[0]!).startMs;
  const flagged = new Set(anomalous);
  const explanations = leadingExplanations(
    explain(history.runs.slice(-1000), (r) => flagged.has(r), { minSupport: t.minSupport, minJaccard: t.minJaccard, minAffected: t.minAffectedRuns, onsetMs }),
  );
  const attributes = Object.fromEntries(explanations.map((e) => [e.key, e.value]));
  const where = explanations.length ? ` ${describeExplanation(explanations[0]!)}` : '';
  return {
    fingerprint: fingerprint('anomaly', [history.workflow], 'outliers'),
    kind: 'anomaly',
    workflow: history.workflow,
    severity,
    category: 'performance',
    confidence: round(Math.min(1, anomalous.length / recent.length + 0.3)),
    title: `${anomalous.length} of the last ${recent.length} successful runs of \`${history.workflow}\` are anomalous (step \`${best.step}\`: ${formatDuration(best.current)} vs ${formatDuration(best.baseline)})`,
    summary: `The isolation forest trained on \`${history.workflow}\`'s history isolates ${anomalous.length} recent runs${where}; step \`${best.step}\` deviates most from its baseline (robust z ${best.z.toFixed(1)}).`,
    rootCause: { step: best.step, attributes, description: `Step \`${best.step}\` deviates most from its median/MAD baseline in the anomalous runs${where}.` },
    evidence: {
      baseline: { stepP50Ms: round(best.baseline, 0) },
      current: { stepP50Ms: round(best.current, 0) },
      affectedRuns: anomalous.length,
      totalRuns: recent.length,
      onset: isoTime(onsetMs),
      exampleRunIds: exampleRunIds(anomalous),
      errorLines: [],
      details: { robustZ: round(best.z), scores: anomalous.map((r) => round(scores.byRun.get(r)!, 3)) },
    },
    recommendations: recommend({ kind: 'anomaly', category: 'performance', workflow: history.workflow, step: best.step, attributes, insights: traceInsights(history, onsetMs) }),
    firstSeenMs: onsetMs,
    lastSeenMs: anomalous[anomalous.length - 1]!.endMs,
  };
}
