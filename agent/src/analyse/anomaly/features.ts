import { isFailed, workMs, type RunRecord } from '../../model/workflow.js';

/** The step names a workflow's feature vectors carry: the most frequent ones, capped so vectors stay small. */
export function commonStepNames(runs: readonly RunRecord[], max = 12): string[] {
  const counts = new Map<string, number>();
  for (const run of runs) for (const step of run.steps) counts.set(step.name, (counts.get(step.name) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, max).map(([name]) => name);
}

/**
 * One run as numbers: log durations (a 6× slowdown and a 6× speed-up weigh alike), queue time, failure,
 * retries, and each common step's work (0 when the step did not run, itself a signal).
 */
export function featureVector(run: RunRecord, stepNames: readonly string[]): number[] {
  const perStep = new Map<string, number>();
  let retries = 0;
  for (const step of run.steps) {
    perStep.set(step.name, (perStep.get(step.name) ?? 0) + workMs(step));
    retries += Math.max(0, (step.attempt ?? 1) - 1);
  }
  return [
    Math.log1p(run.durationMs / 1000),
    Math.log1p((run.queueMs ?? 0) / 1000),
    isFailed(run.status) ? 1 : 0,
    Math.log1p(retries + Math.max(0, (run.attempt ?? 1) - 1)),
    ...stepNames.map((name) => Math.log1p((perStep.get(name) ?? 0) / 1000)),
  ];
}

/**
 * Total work of the steps called `name` in a run, or undefined when it did not run or did not succeed: a step that
 * waits longer for a worker is not slower (the queue detector's business).
 */
export function stepDuration(run: RunRecord, name: string): number | undefined {
  let total: number | undefined;
  for (const step of run.steps) {
    if (step.name !== name) continue;
    if (step.status !== 'success') return undefined;
    total = (total ?? 0) + workMs(step);
  }
  return total;
}
