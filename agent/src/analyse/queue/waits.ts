import type { AttrValue } from '../../model/otlp.js';
import type { RunRecord } from '../../model/workflow.js';

/** Where and how long a run's steps waited for workers (the run's whole wait is `waitedMs`, in the model). */

/**
 * Keys that name where work waits for a worker: an Airflow pool or queue, a Temporal task queue, a CI runner's
 * labels or group.
 */
export const QUEUE_KEY = /(^|[._])(pool|queue|task_?queue|taskQueue|worker\.labels|worker\.group\.name|runner[._](labels?|group|group_name))$/i;

/** Each step name's wait in a run (summed when a name runs more than once); the run's own under ''. */
export function waitsByStep(run: RunRecord): Map<string, number> {
  const out = new Map<string, number>();
  if (run.queueMs !== undefined) out.set('', run.queueMs);
  for (const step of run.steps) if (step.queueMs !== undefined) out.set(step.name, (out.get(step.name) ?? 0) + step.queueMs);
  return out;
}

/** `key=value` of the pools, queues and runner labels a run and its waiting steps name (arrays joined by commas). */
export function queuesOf(run: RunRecord): Set<string> {
  const out = new Set<string>();
  const add = (key: string, value: AttrValue) => {
    if (!QUEUE_KEY.test(key)) return;
    const text = Array.isArray(value) ? value.map(String).join(',') : typeof value === 'object' && value !== null ? undefined : String(value);
    if (text) out.add(`${key}=${text}`);
  };
  if (run.queueMs !== undefined) for (const [key, value] of Object.entries(run.attributes)) add(key, value);
  for (const step of run.steps) if (step.queueMs !== undefined) for (const [key, value] of Object.entries(step.attributes)) add(key, value);
  return out;
}
