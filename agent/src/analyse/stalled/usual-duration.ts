import type { WorkflowHistory } from '../context.js';
import { quantile } from '../stats.js';

/** The `q` quantile of the durations of the workflow's last 50 settled runs: how long one of its runs takes now. */
export function usualDurationMs(history: WorkflowHistory, q: number): number {
  return quantile(history.runs.slice(-50).map((r) => r.durationMs), q);
}
