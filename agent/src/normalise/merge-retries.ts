import type { Downstream, StepRecord } from '../model/workflow.js';
import { mergeDownstream, sortDownstream } from './downstream.js';
import { isFailing } from './status.js';

/**
 * Tries of one task (same parent, same name) become one step: the latest try, with every try's spans and the first
 * try's wait. Steps with the same try number are not tries of one task but instances of it (a mapped task whose map
 * index its spans do not say): they stay apart.
 */
export function mergeRetries(steps: StepRecord[]): StepRecord[] {
  const groups = new Map<string, StepRecord[]>();
  for (const step of steps) {
    const key = `${step.parentId ?? ''}\n${step.name}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [step]);
    else group.push(step);
  }
  if (groups.size === steps.length) return steps;
  const apart = new Set<StepRecord[]>();
  for (const group of groups.values()) if (group.length > 1 && repeatsTry(group)) apart.add(group);
  const replaced = new Map<string, string>();
  const merged: StepRecord[] = [];
  for (const step of steps) {
    const group = groups.get(`${step.parentId ?? ''}\n${step.name}`)!;
    if (group.length === 1 || apart.has(group)) {
      merged.push(step);
      continue;
    }
    if (group[0] !== step) continue;
    const tries = [...group].sort((a, b) => (a.attempt ?? 0) - (b.attempt ?? 0) || a.startMs - b.startMs || (a.id < b.id ? -1 : 1));
    const latest = tries[tries.length - 1]!;
    const startMs = Math.min(...tries.map((t) => t.startMs));
    const endMs = Math.max(...tries.map((t) => t.endMs));
    const downstream: Downstream[] = [];
    for (const t of tries) for (const d of t.downstream) mergeDownstream(downstream, d);
    for (const t of tries) if (t !== latest) replaced.set(t.id, latest.id);
    // The step waited when its first try did, before it began: later tries' waits fall within its time, as the
    // retries' delays do, where one number cannot say when they were.
    const first = tries.reduce((a, b) => (b.startMs < a.startMs ? b : a));
    const { queueMs: _latestWait, queueWithin: _latestWithin, ...rest } = latest;
    // Only a step that passed on a later try needed it: a skipped or running one is no retry that worked.
    const retryError = latest.status === 'success' ? firstTryError(tries) : undefined;
    merged.push({
      ...rest,
      ...(retryError !== undefined && { retryError }),
      ...(first.queueMs !== undefined && { queueMs: first.queueMs }),
      ...(first.queueWithin && { queueWithin: true }),
      startMs,
      endMs,
      durationMs: endMs - startMs,
      attempt: Math.max(latest.attempt ?? 0, tries.length),
      downstream: sortDownstream(downstream),
      spanIds: tries.flatMap((t) => t.spanIds),
    });
  }
  for (const step of merged) {
    const parent = step.parentId !== undefined ? replaced.get(step.parentId) : undefined;
    if (parent !== undefined) step.parentId = parent;
  }
  return merged;
}

/** The error of the first try that failed, oldest try first: what made the step need the later ones. */
function firstTryError(tries: readonly StepRecord[]): string | undefined {
  const failed = tries.find((t) => isFailing(t.status));
  return failed && (failed.errorMessage ?? failed.errorType ?? failed.retryError);
}

function repeatsTry(group: readonly StepRecord[]): boolean {
  const tries = new Set<number>();
  for (const step of group) {
    if (step.attempt === undefined) continue;
    if (tries.has(step.attempt)) return true;
    tries.add(step.attempt);
  }
  return false;
}

/**
 * The try a run re-run whole is on (Airflow's Clear runs every task again, one try number up), or undefined: two
 * tasks or more ran, and the lowest try of any is a later one. Those tries are the run's, as a GitHub Actions
 * re-run's attempt is, not retries of failures: a retry leaves the try it followed in the run. Tries above it are
 * retries within the re-run. One task alone may be a retry whose first try has not arrived yet.
 */
export function rerunAttempt(steps: readonly StepRecord[]): number | undefined {
  const tasks = new Set<string>();
  let lowest = Infinity;
  for (const step of steps) {
    if (step.status === 'skipped') continue;
    tasks.add(`${step.parentId ?? ''}\n${step.name}`);
    lowest = Math.min(lowest, step.attempt ?? 1);
  }
  return tasks.size >= 2 && lowest >= 2 ? lowest : undefined;
}
