import type { FindingCandidate } from '../../model/finding.js';
import { passedOnRetry, type RunRecord } from '../../model/workflow.js';
import { stepDuration } from '../anomaly/features.js';
import { formatDuration, round } from '../format.js';
import { median, pastHalfway } from '../stats.js';

/**
 * A step that needs retries is slower in the runs that needed one, by its failed tries, and the slowdown detectors
 * see those runs stand out. When the slow runs of a slowdown of that step are its retried runs, the slowdown is the
 * retries' cost, not a problem of its own: the retries' (or flaky) finding says what they cost, and the slowdown is
 * not reported. A step slow also in runs that passed at the first try is slow in its own right, and stays.
 */
export function foldRetryCosts(retries: readonly FindingCandidate[], others: readonly FindingCandidate[], runs: readonly RunRecord[], minAffectedRuns: number): FindingCandidate[] {
  const folded = [...retries];
  const kept: FindingCandidate[] = [];
  for (const candidate of others) {
    const step = candidate.rootCause.step;
    const at = step === undefined ? -1 : folded.findIndex((r) => r.rootCause.step === step);
    if (at < 0 || !isRetryCost(candidate, step!, runs, minAffectedRuns)) {
      kept.push(candidate);
      continue;
    }
    if (folded[at] === retries[at]) folded[at] = withRetryCost(retries[at]!, runs);
  }
  return [...folded, ...kept];
}

/** The step's time in the runs between `fromMs` and `toMs` it passed in, apart for those it needed a retry in. */
function stepTimes(runs: readonly RunRecord[], step: string, fromMs: number, toMs: number): { retried: number[]; firstTry: number[] } {
  const times = { retried: [] as number[], firstTry: [] as number[] };
  for (const run of runs) {
    if (run.startMs < fromMs || run.endMs > toMs) continue;
    const ms = stepDuration(run, step);
    if (ms === undefined) continue;
    (run.steps.some((s) => s.name === step && passedOnRetry(s, run)) ? times.retried : times.firstTry).push(ms);
  }
  return times;
}

/**
 * Whether a slowdown of `step` (with the step's baseline and current level) is carried by the runs that retried it:
 * they are most of its slow runs (over halfway, geometrically, between the levels, as the detectors cut), and
 * too few runs are slow at the first try to be a finding of their own.
 */
function isRetryCost(slowdown: FindingCandidate, step: string, runs: readonly RunRecord[], minAffectedRuns: number): boolean {
  const baseline = slowdown.evidence.baseline['stepP50Ms'];
  const current = slowdown.evidence.current['stepP50Ms'];
  if (slowdown.category !== 'performance' || typeof baseline !== 'number' || typeof current !== 'number' || !(current > baseline)) return false;
  // Figures of the step in one place of the run (a matrix's job) do not compare with its time over the run.
  if (slowdown.evidence.details?.['placeOnly'] === true) return false;
  const slow = pastHalfway(baseline, current);
  const { retried, firstTry } = stepTimes(runs, step, slowdown.firstSeenMs, slowdown.lastSeenMs);
  const slowRetried = retried.filter(slow).length;
  const slowFirstTry = firstTry.filter(slow).length;
  return slowRetried > slowFirstTry && slowFirstTry < minAffectedRuns;
}

/**
 * The retries' finding, saying what the retries cost the step since they began: its time over the run (all the jobs
 * of a matrix together), so named without the job the finding may name.
 */
function withRetryCost(retries: FindingCandidate, runs: readonly RunRecord[]): FindingCandidate {
  const step = retries.rootCause.step!;
  const { retried, firstTry } = stepTimes(runs, step, retries.firstSeenMs, Infinity);
  if (retried.length === 0 || firstTry.length === 0) return retries;
  const retriedMs = median(retried);
  const firstTryMs = median(firstTry);
  return {
    ...retries,
    summary:
      `${retries.summary} The retries cost time too: step \`${step}\` takes ${formatDuration(retriedMs)} (median) in the ${retried.length} passing runs that retried it, ` +
      `against ${formatDuration(firstTryMs)} at the first try, which is what makes those runs stand out as slow.`,
    evidence: {
      ...retries.evidence,
      details: { ...retries.evidence.details, retryCost: { retriedStepP50Ms: round(retriedMs, 0), firstTryStepP50Ms: round(firstTryMs, 0), retriedRuns: retried.length } },
    },
  };
}
