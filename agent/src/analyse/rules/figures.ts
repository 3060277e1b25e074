import { isDecided, isFailed } from '../../model/workflow.js';
import type { RuleMetric } from '../config.js';
import type { WorkflowHistory } from '../context.js';
import { mean, quantile } from '../stats.js';

/**
 * Per-workflow figures a custom rule can test; rates are fractions, durations seconds. A window without runs has
 * no rates or durations: they are absent, not 0, so no rule matches them.
 */
export type WorkflowFigures = Pick<Record<RuleMetric, number>, 'runs' | 'consecutive_failures'> & Partial<Record<RuleMetric, number>>;

/** Figures over the runs that started in (nowMs − windowMs, nowMs]; `consecutive_failures` counts back from the newest run. */
export function workflowFigures(history: WorkflowHistory, nowMs: number, windowMs: number): WorkflowFigures {
  const runs = history.runs.filter((r) => r.startMs > nowMs - windowMs && r.startMs <= nowMs && isDecided(r.status));
  let consecutive = 0;
  for (let i = history.runs.length - 1; i >= 0 && isFailed(history.runs[i]!.status); i--) consecutive++;
  if (runs.length === 0) return { runs: 0, consecutive_failures: consecutive };
  const failed = runs.filter((r) => isFailed(r.status)).length;
  const durations = runs.map((r) => r.durationMs / 1000);
  return {
    runs: runs.length,
    failure_rate: failed / runs.length,
    success_rate: 1 - failed / runs.length,
    p50_duration: quantile(durations, 0.5),
    p95_duration: quantile(durations, 0.95),
    mean_duration: mean(durations),
    queue_p95: quantile(runs.map((r) => (r.queueMs ?? 0) / 1000), 0.95),
    consecutive_failures: consecutive,
  };
}
