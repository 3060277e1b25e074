import type { FindingCandidate, Severity } from '../../model/finding.js';
import { isFailed, type RunRecord } from '../../model/workflow.js';
import type { AnalysisContext, Detector, WorkflowHistory } from '../context.js';
import { describeExplanation, explain, leadingExplanations } from '../correlation/explain.js';
import { exampleRunIds, fingerprint, formatDuration, formatTime, round } from '../format.js';
import { isoTime } from '../../runtime/iso-time.js';
import { recommend } from '../recommendations.js';
import { changesBefore } from '../run-comparison.js';
import { median, robustSigma } from '../stats.js';
import { traceInsights } from '../trace-insights.js';
import { stepDuration } from './features.js';
import { findLevelShift } from './level-shift.js';
import { workflowScores, type WorkflowScores } from './scores.js';

/**
 * Anomalies of one workflow against its own history. A step whose duration shifted to a new level (and stays
 * there) is named with its baseline, current level and onset; otherwise, when several recent successful runs
 * score as anomalous in the isolation forest, the step that deviates most from its robust baseline is named.
 */

interface StepShift {
  step: string;
  baselineMs: number;
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
    if (!scores) return [];
    const shift = strongestShift(history, scores, ctx);
    const candidate = shift ? shiftCandidate(history, shift, scores, ctx) : outlierCandidate(history, scores, ctx);
    return candidate ? [candidate] : [];
  },
};

function strongestShift(history: WorkflowHistory, scores: WorkflowScores, ctx: AnalysisContext): StepShift | undefined {
  const t = ctx.thresholds;
  const shifts: { shift: StepShift; rank: number }[] = [];
  for (const step of scores.stepNames) {
    const points: { run: RunRecord; ms: number }[] = [];
    for (const run of history.runs) {
      const ms = stepDuration(run, step);
      if (ms !== undefined) points.push({ run, ms });
    }
    const shift = findLevelShift(points.map((p) => p.ms), Math.max(t.minAffectedRuns, 5));
    if (!shift || shift.current / shift.baseline < t.minSlowdownRatio || shift.robustZ < t.minRobustZ) continue;
    const onsetMs = points[shift.index]!.run.startMs;
    const before = history.runs.filter((r) => r.startMs < onsetMs && !isFailed(r.status)).map((r) => r.durationMs);
    const since = history.runs.filter((r) => r.startMs >= onsetMs);
    const runBaselineMs = median(before);
    const runCurrentMs = median(since.filter((r) => !isFailed(r.status)).map((r) => r.durationMs));
    const extra = runCurrentMs - runBaselineMs;
    const extraShare = extra > 0 ? Math.min(1, (shift.current - shift.baseline) / extra) : 0;
    const cut = Math.sqrt(shift.baseline * shift.current);
    const slow = points.slice(shift.index).filter((p) => p.ms > cut).map((p) => p.run);
    // Rank by how far the step moved and how much of the run's slowdown it explains.
    const rank = Math.min(shift.robustZ, 50) * Math.max(extraShare, 0.05);
    if (slow.length >= t.minAffectedRuns) {
      shifts.push({ rank, shift: { step, baselineMs: shift.baseline, currentMs: shift.current, robustZ: shift.robustZ, onsetMs, since, slow, extraShare, runBaselineMs, runCurrentMs } });
    }
  }
  shifts.sort((a, b) => b.rank - a.rank);
  let best = shifts[0]?.shift;
  // A parent step slows down with its child: name the deepest step that carries (nearly) all of the slowdown.
  for (let moved = true, depth = 0; best && moved && depth < 8; depth++) {
    moved = false;
    const outer = best;
    const inner = shifts.find(({ shift }) => shift.step !== outer.step && shift.extraShare >= 0.8 * outer.extraShare && isNestedIn(history, shift.step, outer.step));
    if (inner) {
      best = inner.shift;
      moved = true;
    }
  }
  return best;
}

/** Whether step `inner` runs inside step `outer`, judged from the newest run that has both. */
function isNestedIn(history: WorkflowHistory, inner: string, outer: string): boolean {
  for (let i = history.runs.length - 1; i >= 0; i--) {
    const steps = history.runs[i]!.steps;
    const byId = new Map(steps.map((s) => [s.id, s]));
    const child = steps.find((s) => s.name === inner);
    if (!child || !steps.some((s) => s.name === outer)) continue;
    for (let p = child.parentId, d = 0; p !== undefined && d < 64; p = byId.get(p)?.parentId, d++) {
      if (byId.get(p)?.name === outer) return true;
    }
    return false;
  }
  return false;
}

function shiftCandidate(history: WorkflowHistory, s: StepShift, scores: WorkflowScores, ctx: AnalysisContext): FindingCandidate {
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
  const recentScores = s.slow.map((r) => scores.byRun.get(r)).filter((v): v is number => v !== undefined);
  const where = explanations.length ? ` ${describeExplanation(explanations[0]!)}` : '';
  const changes = changesBefore(history.runs, s.slow[0]!);
  return {
    fingerprint: fingerprint('anomaly', [history.workflow], `step:${s.step}`),
    kind: 'anomaly',
    workflow: history.workflow,
    severity,
    category: 'performance',
    confidence: round(Math.min(1, 0.5 + s.robustZ / 40) * (s.slow.length / s.since.length)),
    title: `Step \`${s.step}\` of \`${history.workflow}\` is ${ratio.toFixed(1)}× slower since ${formatTime(s.onsetMs)} (p50 ${formatDuration(s.currentMs)} vs ${formatDuration(s.baselineMs)})`,
    summary:
      `Since ${formatTime(s.onsetMs)} UTC step \`${s.step}\` takes ${formatDuration(s.currentMs)} (median) instead of ${formatDuration(s.baselineMs)}` +
      ` in ${s.slow.length} of ${s.since.length} runs${where}; runs take ${formatDuration(s.runCurrentMs)} instead of ${formatDuration(s.runBaselineMs)}` +
      ` and the step accounts for ${Math.round(s.extraShare * 100)} % of the extra time.` +
      (change ? ` ${change.key} ${change.value} first appeared at ${formatTime(change.firstSeenMs)}.` : ''),
    rootCause: {
      step: s.step,
      attributes,
      description: `Step \`${s.step}\` shifted from ${formatDuration(s.baselineMs)} to ${formatDuration(s.currentMs)} at ${formatTime(s.onsetMs)} and stayed there${where}.`,
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
        meanAnomalyScore: recentScores.length ? round(recentScores.reduce((a, b) => a + b, 0) / recentScores.length, 3) : undefined,
        ...(explanations.length ? { explanations } : {}),
      },
    },
    recommendations: recommend({
      kind: 'anomaly',
      category: 'performance',
      workflow: history.workflow,
      step: s.step,
      attributes,
      changedAtOnset: change ? { key: change.key, value: change.value } : undefined,
      insights: traceInsights(history),
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
  let best: { step: string; z: number; baseline: number; current: number } | undefined;
  for (const step of scores.stepNames) {
    const base = normal.map((r) => stepDuration(r, step)).filter((v): v is number => v !== undefined);
    const cur = anomalous.map((r) => stepDuration(r, step)).filter((v): v is number => v !== undefined);
    if (base.length < 10 || cur.length === 0) continue;
    const baseline = median(base);
    const current = median(cur);
    const z = Math.abs(current - baseline) / robustSigma(base, baseline);
    if (!best || z > best.z) best = { step, z, baseline, current };
  }
  if (!best || best.z < t.minRobustZ) return undefined;
  const severity: Severity = anomalous.length >= 10 ? 'medium' : 'low';
  const onsetMs = anomalous[0]!.startMs;
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
    recommendations: recommend({ kind: 'anomaly', category: 'performance', workflow: history.workflow, step: best.step, attributes, insights: traceInsights(history) }),
    firstSeenMs: onsetMs,
    lastSeenMs: anomalous[anomalous.length - 1]!.endMs,
  };
}
