import type { WorkflowHistory } from '../context.js';
import { quantile } from '../stats.js';

/** Fewer successes than this say too little of how long a run takes; the settled runs speak instead. */
const MIN_SUCCESSES = 10;

/**
 * The `q` quantile of the durations of the workflow's last 50 successful runs: how long one of its runs takes
 * when it does its work. Failures are left out: after an outage of runs failing in seconds, a normal run would look
 * hung. With too few successes, the last 50 settled runs.
 */
export function usualDurationMs(history: WorkflowHistory, q: number): number {
  const succeeded = history.runs.filter((r) => r.status === 'success');
  const runs = succeeded.length >= MIN_SUCCESSES ? succeeded : history.runs;
  return quantile(runs.slice(-50).map((r) => r.durationMs), q);
}
