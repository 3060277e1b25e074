import type { FindingCandidate, Severity } from '../../model/finding.js';
import { isDecided, isFailed, type RunRecord } from '../../model/workflow.js';
import type { AnalysisContext, Detector, WorkflowHistory } from '../context.js';
import { busiestStepNames, stepSeries } from '../anomaly/features.js';
import { dominantFailureCategory } from '../failures/dominant.js';
import { exampleRunIds, fingerprint, formatDuration, percent, pValue, round, utcTime } from '../format.js';
import { isoTime } from '../../runtime/iso-time.js';
import { recommend } from '../recommendations.js';
import { evenSample, growthStart, mannKendall, median, stepFitsBetter, theilSenSlope } from '../stats.js';
import { traceInsights } from '../trace-insights.js';

/**
 * Gradual degradation: a monotonic rise in run duration or failure rate (Mann–Kendall, p < `trendPValue`) whose
 * Theil–Sen slope changes the level by at least `minTrendChange` over the window. Abrupt shifts are left to the
 * anomaly and failure detectors, so one problem gives one finding.
 */

const MAX_POINTS = 300;
const MIN_POINTS = 30;

export const trendDetector: Detector = {
  name: 'trend',
  perWorkflow(history, ctx) {
    return [durationTrend(history, ctx), failureTrend(history, ctx)].filter((c): c is FindingCandidate => c !== undefined);
  },
};

function durationTrend(history: WorkflowHistory, ctx: AnalysisContext): FindingCandidate | undefined {
  const runs = evenSample(history.runs.filter((r) => r.status === 'success'), MAX_POINTS);
  if (runs.length < MIN_POINTS) return undefined;
  const ys = runs.map((r) => r.durationMs);
  const mk = mannKendall(ys);
  if (mk.p >= ctx.thresholds.trendPValue || mk.s <= 0) return undefined;
  const xs = runs.map((r) => r.startMs);
  if (stepFitsBetter(xs, ys)) return undefined;
  // Growth that began mid-window is dated, measured and explained from where it began.
  const from = growthStart(xs, ys, Math.max(5, Math.floor(runs.length / 10))) ?? 0;
  const onsetMs = xs[from]!;
  const span = xs[xs.length - 1]! - onsetMs;
  const slope = theilSenSlope(evenSample(xs.slice(from), 120), evenSample(ys.slice(from), 120));
  const fifth = Math.max(5, Math.floor(runs.length / 5));
  const start = median(ys.slice(Math.max(0, from - fifth), Math.max(from, fifth)));
  const end = median(ys.slice(-fifth));
  const change = (slope * span) / start;
  if (change < ctx.thresholds.minTrendChange || end / start < 1 + ctx.thresholds.minTrendChange / 2) return undefined;
  const step = creepingStep(runs.slice(from), slope * span);
  const severity: Severity = change >= 1 ? 'high' : change >= 0.5 ? 'medium' : 'low';
  const perDay = slope * 86_400_000;
  // Every successful run since the onset is slower than the one before it, on the whole: those are the runs it hit.
  const successes = history.runs.filter((r) => r.status === 'success');
  const since = successes.filter((r) => r.startMs >= onsetMs).length;
  const subject = step ? `step \`${step}\` of \`${history.workflow}\`` : `\`${history.workflow}\``;
  return {
    fingerprint: fingerprint('trend', [history.workflow], 'duration'),
    kind: 'trend',
    workflow: history.workflow,
    severity,
    category: 'performance',
    confidence: round(Math.min(1, 0.5 + Math.abs(mk.z) / 20)),
    title: `\`${history.workflow}\` is getting slower: +${formatDuration(perDay)} a day (p50 ${formatDuration(end)} vs ${formatDuration(start)})`,
    summary: `Successful runs of \`${history.workflow}\` have grown steadily since ${utcTime(onsetMs)}, from ${formatDuration(start)} to ${formatDuration(end)} (+${percent(end / start - 1)}), mostly in ${subject}. Mann–Kendall ${pValue(mk.p)}.`,
    rootCause: { step, attributes: {}, description: `A gradual, monotonic increase of ${formatDuration(perDay)} a day${step ? `, driven by step \`${step}\`` : ''}.` },
    evidence: {
      baseline: { runP50Ms: round(start, 0) },
      current: { runP50Ms: round(end, 0), slopeMsPerDay: round(perDay, 0) },
      affectedRuns: since,
      totalRuns: successes.length,
      onset: isoTime(onsetMs),
      exampleRunIds: exampleRunIds(runs.slice(-fifth)),
      errorLines: [],
      details: { mannKendallZ: round(mk.z), pValue: mk.p, relativeChange: round(change) },
    },
    recommendations: recommend({ kind: 'trend', category: 'performance', workflow: history.workflow, step, attributes: {}, insights: traceInsights(history, onsetMs) }),
    firstSeenMs: onsetMs,
    lastSeenMs: runs[runs.length - 1]!.endMs,
  };
}

/** The step whose own Theil–Sen slope accounts for most of the run's growth, if one does. */
function creepingStep(runs: readonly RunRecord[], runGrowth: number): string | undefined {
  let best: { step: string; growth: number } | undefined;
  for (const [step, series] of stepSeries(runs, busiestStepNames(runs, MIN_POINTS))) {
    if (series.length < MIN_POINTS) continue;
    const sample = evenSample(series, 120);
    const growth = theilSenSlope(sample.map((p) => p.run.startMs), sample.map((p) => p.ms)) * (series[series.length - 1]!.run.startMs - series[0]!.run.startMs);
    if (!best || growth > best.growth) best = { step, growth };
  }
  return best && best.growth >= runGrowth / 2 ? best.step : undefined;
}

function failureTrend(history: WorkflowHistory, ctx: AnalysisContext): FindingCandidate | undefined {
  const runs = history.runs.filter((r) => isDecided(r.status));
  if (runs.length < MIN_POINTS) return undefined;
  const first = runs[0]!.startMs;
  // Ten runs or more a bucket, between 14 and 48 buckets: enough points for the test, enough runs for a rate.
  const bucketMs = Math.max(3600_000, (ctx.nowMs - first) / Math.min(48, Math.max(14, Math.floor(runs.length / 10))));
  const buckets: { failed: number; total: number }[] = [];
  for (const run of runs) {
    const b = (buckets[Math.floor((run.startMs - first) / bucketMs)] ??= { failed: 0, total: 0 });
    b.total++;
    if (isFailed(run.status)) b.failed++;
  }
  const filled = buckets.filter((b) => b && b.total >= 3);
  if (filled.length < 7) return undefined;
  const rates = filled.map((b) => b.failed / b.total);
  const mk = mannKendall(rates);
  const index = rates.map((_, i) => i);
  const growth = theilSenSlope(index, rates) * (rates.length - 1);
  if (stepFitsBetter(index, rates)) return undefined;
  if (mk.p >= ctx.thresholds.trendPValue || growth < 0.1 || rates[rates.length - 1]! - rates[0]! < 0.1) return undefined;
  const recent = runs.slice(-Math.ceil(runs.length / 7));
  const failed = recent.filter((r) => isFailed(r.status));
  const category = dominantFailureCategory(history, failed) ?? 'logic';
  return {
    fingerprint: fingerprint('trend', [history.workflow], 'failure_rate'),
    kind: 'trend',
    workflow: history.workflow,
    severity: growth >= 0.3 ? 'high' : 'medium',
    category,
    confidence: round(Math.min(1, 0.5 + Math.abs(mk.z) / 10)),
    title: `\`${history.workflow}\` fails more and more often: ${percent(rates[rates.length - 1]!)} of runs now vs ${percent(rates[0]!)}`,
    summary: `The failure rate of \`${history.workflow}\` has risen steadily since ${utcTime(first)} (+${percent(growth)} over the window, Mann–Kendall ${pValue(mk.p)}).`,
    rootCause: { attributes: {}, description: `A gradual rise in failures, mostly ${category}.` },
    evidence: {
      baseline: { failureRate: round(rates[0]!, 3) },
      current: { failureRate: round(rates[rates.length - 1]!, 3) },
      affectedRuns: failed.length,
      totalRuns: recent.length,
      onset: isoTime(first),
      exampleRunIds: exampleRunIds(failed),
      errorLines: failed.slice(-5).reverse().map((r) => history.failures.get(r)!.message),
      details: { mannKendallZ: round(mk.z), pValue: mk.p, bucketHours: round(bucketMs / 3600_000, 1) },
    },
    recommendations: recommend({ kind: 'trend', category, workflow: history.workflow, attributes: {}, insights: traceInsights(history, first) }),
    firstSeenMs: first,
    lastSeenMs: runs[runs.length - 1]!.endMs,
  };
}
