import type { Attributes } from '../../model/otlp.js';
import { stepsWaitedMs, type RunRecord, type StepRecord } from '../../model/workflow.js';

/*
 * Where and how long a run's steps waited for workers (the run's whole wait is `waitedMs`, in the model).
 */

/**
 * Keys that name where work waits for a worker: an Airflow pool or queue, a Temporal task queue, a CI runner's
 * labels or group (the CI/CD conventions' `cicd.pipeline.worker.*`, otel-cicd-action's `github.job.labels`).
 */
const QUEUE_KEY = /(^|[._])(pool|queue|task_?queue|taskQueue|(worker|job)\.labels|worker\.group\.name|runner[._](labels?|group|group_name))$/i;

/** Each step name's wait in a run (the steps of one name side by side count once); the run's own under ''. */
export function waitsByStep(run: RunRecord): Map<string, number> {
  const byName = new Map<string, StepRecord[]>();
  for (const step of run.steps) {
    if (step.queueMs === undefined) continue;
    let list = byName.get(step.name);
    if (!list) byName.set(step.name, (list = []));
    list.push(step);
  }
  const out = new Map<string, number>();
  if (run.queueMs !== undefined) out.set('', run.queueMs);
  for (const [name, steps] of byName) out.set(name, stepsWaitedMs(steps)!);
  return out;
}

/** QUEUE_KEY's answer per key: a pass asks it for every key of every waiting step, and keys repeat. */
const poolKeys = new Map<string, boolean>();
const MAX_POOL_KEYS = 10_000;

function isPoolKey(key: string): boolean {
  let answer = poolKeys.get(key);
  if (answer === undefined) {
    if (poolKeys.size >= MAX_POOL_KEYS) poolKeys.clear();
    poolKeys.set(key, (answer = QUEUE_KEY.test(key)));
  }
  return answer;
}

/** `key=value` of the pools, queues and runner labels among `attributes` (arrays joined by commas). */
export function poolsIn(attributes: Attributes): string[] {
  const out: string[] = [];
  for (const key in attributes) {
    if (!isPoolKey(key)) continue;
    const value = attributes[key]!;
    const text = Array.isArray(value) ? value.map(String).join(',') : typeof value === 'object' && value !== null ? undefined : String(value);
    if (text) out.push(`${key}=${text}`);
  }
  return out;
}

/** The pools, queues and runner labels a run names where it waited: the steps `names` names ('' for the run itself). */
export function queuesOf(run: RunRecord, names: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  if (run.queueMs !== undefined && names.has('')) for (const item of poolsIn(run.attributes)) out.add(item);
  for (const step of run.steps) if (step.queueMs !== undefined && names.has(step.name)) for (const item of poolsIn(step.attributes)) out.add(item);
  return out;
}
