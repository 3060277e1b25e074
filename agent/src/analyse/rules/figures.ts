import { isDecided, isFailed } from '../../model/workflow.js';
import type { RuleMetric } from '../config.js';
import type { WorkflowHistory } from '../context.js';
import { mean, quantile } from '../stats.js';

/** Per-workflow figures a custom rule can test; rates are fractions, durations seconds. */
export type WorkflowFigures = Record<RuleMetric, number>;

/** Figures over the runs that started in (nowMs − windowMs, nowMs]; `consecutive_failures` counts back from the newest run. */
export function workflowFigures(history: WorkflowHistory, nowMs: number, windowMs: number): WorkflowFigures {
  const runs = history.runs.filter((r) => r.startMs > nowMs - windowMs && r.startMs <= nowMs && isDecided(r.status));
  const failed = runs.filter((r) => isFailed(r.status)).length;
  const durations = runs.map((r) => r.durationMs / 1000);
  let consecutive = 0;
  for (let i = history.runs.length - 1; i >= 0 && isFailed(history.runs[i]!.status); i--) consecutive++;
  const orZero = (v: number) => (Number.isNaN(v) ? 0 : v);
  return {
    runs: runs.length,
    failure_rate: runs.length ? failed / runs.length : 0,
    success_rate: runs.length ? 1 - failed / runs.length : 0,
    p50_duration: orZero(quantile(durations, 0.5)),
    p95_duration: orZero(quantile(durations, 0.95)),
    mean_duration: orZero(mean(durations)),
    queue_p95: orZero(quantile(runs.map((r) => (r.queueMs ?? 0) / 1000), 0.95)),
    consecutive_failures: consecutive,
  };
}
