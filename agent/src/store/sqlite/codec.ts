import type { Attributes } from '../../model/otlp.js';
import { mergeAttributes } from '../../model/merge-attributes.js';
import { setAttribute } from '../../model/set-attribute.js';
import type { Downstream, RunRecord, RunStatus, RunnerKind, StepRecord } from '../../model/workflow.js';

/** Row shapes of the tables and their conversion to and from the model: the only place that knows both. */

/** What a run and a step did (the model's `Outcome` after the status), as their stored tuples hold it. */
type StoredOutcome = [
  startMs: number,
  endMs: number,
  durationMs: number,
  queueMs: number | null,
  attempt: number | null,
  errorType: string | null,
  errorMessage: string | null,
];

/**
 * The values of a run's row in the order of RUN_COLUMNS, as written (`runToValues`) and as read: positional
 * parameters bind faster than named ones, better-sqlite3 binds an array's elements in place (so the array is
 * passed as it is, not spread), and rows read raw (arrays rather than objects keyed by column) took a quarter to
 * a third less time for a window's runs.
 */
export type RunRow = [
  id: string,
  traceId: string,
  spanId: string,
  workflow: string,
  runner: string,
  runId: string,
  status: string,
  ...outcome: StoredOutcome,
  resourceId: number | null,
  attributes: string,
  steps: string,
];

export const RUN_COLUMNS =
  'id, trace_id, span_id, workflow, runner, run_id, status, start_ms, end_ms, duration_ms, queue_ms, attempt, error_type, error_message, resource_id, attributes, steps';

/**
 * `resource`: the run's resource and its id, if known. A run's attributes are its resource's merged with its
 * span's; when they hold every attribute of the resource unchanged, only the others are stored, beside the
 * resource's id (the resource's share was the larger part of the text).
 */
export function runToValues(run: RunRecord, resource?: { id: number; attributes: Attributes }): RunRow {
  const own = resource && ownAttributes(run.attributes, resource.attributes);
  return [
    run.id,
    run.traceId,
    run.spanId,
    run.workflow,
    run.runner,
    run.runId,
    run.status,
    run.startMs,
    run.endMs,
    run.durationMs,
    run.queueMs ?? null,
    run.attempt ?? null,
    run.errorType ?? null,
    run.errorMessage ?? null,
    own ? resource!.id : null,
    JSON.stringify(own ?? run.attributes),
    stepsToText(run.steps),
  ];
}

/** A step as stored in its run's row: a tuple, like spans in chunks (key names were half of the text). */
type StoredStep = [
  id: string,
  name: string,
  parentId: string | null,
  status: StepRecord['status'],
  ...outcome: StoredOutcome,
  attributes: Attributes,
  downstream: Downstream[],
  spanIds: string[],
  /** Present on steps that waited (`queueMs`) in rows written since it was kept, else null when `retryError` follows. */
  queueWithin?: 1 | 0 | null,
  retryError?: string,
];

function stepsToText(steps: readonly StepRecord[]): string {
  const stored = new Array<StoredStep>(steps.length);
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    const step: StoredStep = [
      s.id, s.name, s.parentId ?? null, s.status, s.startMs, s.endMs, s.durationMs, s.queueMs ?? null, s.attempt ?? null,
      s.errorType ?? null, s.errorMessage ?? null, s.attributes, s.downstream, s.spanIds,
    ];
    // Only on the steps that waited, or that passed on a retry: a null on every step would lengthen every run row.
    if (s.queueMs !== undefined) step.push(s.queueWithin ? 1 : 0);
    if (s.retryError !== undefined) {
      if (s.queueMs === undefined) step.push(null);
      step.push(s.retryError);
    }
    stored[i] = step;
  }
  return JSON.stringify(stored);
}

/**
 * Rows written before a step said whether its time holds its wait: Temporal's activities and Airflow's tasks (whose
 * spans start when they are queued) do, and their stored steps say so again.
 */
const WAIT_WITHIN_BEFORE_KEPT: ReadonlySet<RunnerKind> = new Set(['temporal', 'airflow']);

function stepsFromText(text: string, runner: RunnerKind): StepRecord[] {
  return (JSON.parse(text) as StoredStep[]).map(
    ([id, name, parentId, status, startMs, endMs, durationMs, queueMs, attempt, errorType, errorMessage, attributes, downstream, spanIds, queueWithin, retryError]) => {
      const step: StepRecord = { id, name, status, startMs, endMs, durationMs, attributes, downstream, spanIds };
      if (parentId !== null) step.parentId = parentId;
      if (queueMs !== null) step.queueMs = queueMs;
      if (queueWithin === 1 || (queueWithin === undefined && queueMs !== null && WAIT_WITHIN_BEFORE_KEPT.has(runner))) step.queueWithin = true;
      if (attempt !== null) step.attempt = attempt;
      if (errorType !== null) step.errorType = errorType;
      if (errorMessage !== null) step.errorMessage = errorMessage;
      if (retryError !== undefined) step.retryError = retryError;
      return step;
    },
  );
}

/** The attributes not given by the resource, or undefined when one of the resource's is missing or changed. */
function ownAttributes(attributes: Attributes, resource: Attributes): Attributes | undefined {
  for (const key in resource) if (attributes[key] !== resource[key]) return undefined;
  const own: Attributes = {};
  for (const key in attributes) if (!Object.hasOwn(resource, key)) setAttribute(own, key, attributes[key]!);
  return own;
}

/** `resourceOf` gives the attributes of a resource id. */
export function runFromRow(row: RunRow, resourceOf: (id: number) => Attributes): RunRecord {
  const [id, traceId, spanId, workflow, runner, runId, status, startMs, endMs, durationMs, queueMs, attempt, errorType, errorMessage, resourceId, attributes, steps] = row;
  const own = JSON.parse(attributes) as Attributes;
  const run: RunRecord = {
    id,
    workflow,
    runner: runner as RunnerKind,
    runId,
    traceId,
    spanId,
    status: status as RunStatus,
    startMs,
    endMs,
    durationMs,
    attributes: resourceId === null ? own : mergeAttributes(resourceOf(resourceId), own),
    steps: stepsFromText(steps, runner as RunnerKind),
  };
  if (queueMs !== null) run.queueMs = queueMs;
  if (attempt !== null) run.attempt = attempt;
  if (errorType !== null) run.errorType = errorType;
  if (errorMessage !== null) run.errorMessage = errorMessage;
  return run;
}

/**
 * A 53-bit hash (cyrb53: two 32-bit multiply-xor lanes, public domain), to tell duplicate log records apart together
 * with their time and ids. 32 bits were not enough: records without a time of their own take their request's, and
 * among 300,000 of them some ten pairs collided and lost one record each. Written out here, not taken from a
 * library: it runs for every record stored, and a cryptographic hash costs several times as much.
 */
export function hashText(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
