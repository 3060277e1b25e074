import { stepLabel, type FindingCandidate, type Severity } from '../../model/finding.js';
import { passedOnRetry, type RunRecord } from '../../model/workflow.js';
import { isoTime } from '../../runtime/iso-time.js';
import type { AnalysisContext, WorkflowHistory } from '../context.js';
import { runItems } from '../correlation/attributes.js';
import { categoryOfKey, describeExplanation, explainSinceOnset, type Tally } from '../correlation/explain.js';
import { distinctLines, exampleRunIds, fingerprint, percent, round, utcTime } from '../format.js';
import { recommend } from '../recommendations.js';
import { rateRise } from '../stats.js';
import { commonTemplate, FAILED, hitStepPath, PASSED, RETRIED, triesCategory, type StepOutcomes } from './outcomes.js';

/** Fewer runs than this needing a retry in the recent window, and retries are the ordinary kind. */
const MIN_RETRIED_RUNS = 5;
/** The recent window holds at least this many of the step's runs. */
const MIN_WINDOW_RUNS = 100;
/** Runs read to tell whether the step metrics count the step's retries (a run may hold 20,000 steps). */
const COUNTED_SAMPLE = 20;

/**
 * Retries that concentrate on one host, tenant, release or downstream service: the runs pass, so no failure
 * pattern speaks, and the step is not flaky, since something sets those runs apart. Each retry costs time and
 * hides a fault that grows into failures (a disk filling on one runner, a worker with stale connections), so it is
 * a correlation of its own. Judged on the recent window (or the latest 100 runs), where a host gone bad shows however long the step has
 * needed an occasional retry anywhere; dated from the change in that value's retry rate. The error pattern's
 * correlation is the finding instead when the step's failures have one (the pass keeps one of the two).
 */
export function explainedRetries(history: WorkflowHistory, all: StepOutcomes, hits: Tally, ctx: AnalysisContext): FindingCandidate | undefined {
  const t = ctx.thresholds;
  const recentFrom = ctx.nowMs - t.recentMs;
  let from = all.runs.length;
  while (from > 0 && all.runs[from - 1]!.startMs >= recentFrom) from--;
  // A workflow that runs a few times a day: its latest runs instead, enough to tell a host from chance.
  from = Math.max(0, Math.min(from, all.runs.length - MIN_WINDOW_RUNS));
  const recent = all.outcomes.slice(from);
  const recentRetried = recent.filter((o) => o === RETRIED).length;
  if (recentRetried < Math.max(MIN_RETRIED_RUNS, t.minAffectedRuns) || recentRetried / recent.length < t.minPatternShare) return undefined;
  const options = { minSupport: t.minSupport, minJaccard: t.minJaccard, minAffected: t.minAffectedRuns };
  const found = explainSinceOnset(all.runs.slice(from), hits, { ...options, onsetMs: recentFrom });
  if (found.length === 0) return undefined;
  // Since that value's runs began to need retries: an older retry of the step elsewhere, or an occasional one
  // there before it went bad, is no onset.
  const item = `${found[0]!.key}=${found[0]!.value}`;
  const carrying = all.runs.flatMap((run, i) => (runItems(run).includes(item) ? [i] : []));
  const rise = rateRise(carrying.map((i) => all.outcomes[i] !== PASSED)) ?? 0;
  const first = carrying.slice(rise).find((i) => all.outcomes[i] !== PASSED) ?? from;
  const onsetMs = all.runs[first]!.startMs;
  const runs = all.runs.slice(first);
  const outcomes = all.outcomes.slice(first);
  // Over the episode, with its onset: a release first seen then is named as its start.
  const explanations = explainSinceOnset(runs, hits, { ...options, onsetMs });
  if (explanations.length === 0) return undefined;
  const step = all.step;
  const workflow = history.workflow;
  const top = explanations[0]!;
  const cause = `${top.key}=${top.value}`;
  const n = runs.length;
  const failed = outcomes.filter((o) => o === FAILED).length;
  const retried = outcomes.filter((o) => o === RETRIED).length;
  const hit = runs.filter((_, i) => outcomes[i] !== PASSED);
  const stepPath = hitStepPath(hit, step);
  const named = `\`${stepLabel({ step, stepPath })}\``;
  const recentHits = hit.filter((r) => r.startMs >= recentFrom).length;
  const messages = all.messages.slice(first).filter((m): m is string => m !== undefined).reverse();
  const template = commonTemplate(history, runs, outcomes, step);
  const pattern = template?.template;
  const category = triesCategory(pattern, messages[0]) ?? categoryOfKey(top.key) ?? 'logic';
  const severity: Severity = recentHits === 0 ? 'low' : failed / n >= 0.2 ? 'high' : 'medium';
  const attributes = Object.fromEntries(explanations.map((x) => [x.key, x.value]));
  const attrText = explanations.map((x) => `${x.key}=${x.value}`).join(', ');
  const changed = explanations.find((x) => x.changedAtOnset);
  const where = describeExplanation(top);
  const what = `passed only on a retry in ${retried}${failed > 0 ? ` and failed in ${failed}` : ''} of ${n} runs since ${utcTime(onsetMs)}`;
  return {
    fingerprint: fingerprint('correlation', [workflow], `${cause}|retries:${step}`),
    kind: 'correlation',
    workflow,
    severity,
    category,
    confidence: round(0.5 + 0.5 * top.jaccard),
    title: `Step ${named} of \`${workflow}\` needs retries ${where}: it ${what}`,
    summary:
      `Step ${named} of \`${workflow}\` ${what} (${percent(hit.length / n)} of them). ` +
      `The retries concentrate on ${attrText}: ${percent(top.support)} of the runs that needed one carry it, and ` +
      `${percent(top.confidence)} of the runs with it needed one.` +
      (changed ? ` ${changed.key} ${changed.value} first appeared at ${utcTime(changed.firstSeenMs)}, just before the retries began.` : '') +
      ` The runs pass, but each retry costs time and hides a fault that can grow into failures.`,
    rootCause: {
      step,
      ...(stepPath && { stepPath }),
      attributes,
      ...(pattern !== undefined && { pattern }),
      description: `Step ${named} fails its first try ${where}${pattern ? ` ("${pattern}")` : ''}, and a retry passes.`,
    },
    evidence: {
      baseline: { runs: n, passedFirstTry: n - hit.length },
      current: { failed, passedOnRetry: retried, retryShare: round(retried / n, 3), failureShare: round(failed / n, 3), recentRetriedRuns: recentRetried },
      affectedRuns: hit.length,
      totalRuns: n,
      onset: isoTime(onsetMs),
      exampleRunIds: exampleRunIds(hit.filter((r) => runItems(r).includes(cause))),
      errorLines: distinctLines(messages),
      details: {
        explanations: explanations.map((x) => ({ ...x, support: round(x.support), confidence: round(x.confidence), jaccard: round(x.jaccard), difference: round(x.difference) })),
        ...(template && { templateId: template.templateId }),
      },
    },
    recommendations: recommend({
      kind: 'correlation',
      category,
      workflow,
      step,
      ...(stepPath && { stepPath }),
      attributes,
      pattern,
      retries: true,
      retriesInMetrics: retriesInMetrics(runs.filter((_, i) => outcomes[i] === RETRIED).slice(-COUNTED_SAMPLE), step),
      ...(changed && { changedAtOnset: { key: changed.key, value: changed.value } }),
    }),
    firstSeenMs: onsetMs,
    lastSeenMs: hit.reduce((last, r) => Math.max(last, r.endMs), 0),
  };
}

/**
 * Whether `flowlens_step_retries_total` counts the retries of `step` in `runs` (runs that passed it on a retry): it
 * counts the tries its runner numbered, of steps at the top of their runs. A try the runner did not number (a failed
 * span, then a passing one of the same name) and a step inside another are not in it.
 */
function retriesInMetrics(runs: readonly RunRecord[], step: string): boolean {
  return (
    runs.length > 0 &&
    runs.every(
      (run) => run.steps.every((s) => s.name !== step || s.parentId === undefined) && run.steps.some((s) => s.name === step && passedOnRetry(s, run)),
    )
  );
}
