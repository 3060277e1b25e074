import type { Attributes, OtlpSpan, SpanEvent } from '../../model/otlp.js';
import type { RunRecord, RunStatus, RunnerKind, StepRecord } from '../../model/workflow.js';

/** Row shapes of the tables and their conversion to and from the model: the only place that knows both. */

/**
 * A span as stored in a chunk: a tuple without the trace id and resource, which the chunk row holds once. Tuples
 * rather than objects make the text 40 % shorter (no key names) and quicker to write, and bytes written are
 * most of what a commit costs.
 */
type StoredSpan = [
  spanId: string,
  parentSpanId: string,
  name: string,
  kind: number,
  startMs: number,
  endMs: number,
  attributes: Attributes,
  statusCode: number,
  statusMessage: string,
  events: SpanEvent[],
  scopeName: string,
];

/** Spans of one trace and resource → the chunk's JSON text. */
export function spansToChunk(spans: readonly OtlpSpan[]): string {
  const stored = new Array<StoredSpan>(spans.length);
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    stored[i] = [s.spanId, s.parentSpanId, s.name, s.kind, s.startMs, s.endMs, s.attributes, s.statusCode, s.statusMessage, s.events, s.scopeName];
  }
  return JSON.stringify(stored);
}

export function spansFromChunk(text: string, traceId: string, resource: Attributes): OtlpSpan[] {
  return (JSON.parse(text) as StoredSpan[]).map(
    ([spanId, parentSpanId, name, kind, startMs, endMs, attributes, statusCode, statusMessage, events, scopeName]) => ({
      traceId, spanId, parentSpanId, name, kind, startMs, endMs, attributes, statusCode, statusMessage, events, resource, scopeName,
    }),
  );
}

export interface RunRow {
  id: string;
  trace_id: string;
  span_id: string;
  workflow: string;
  runner: string;
  run_id: string;
  status: string;
  start_ms: number;
  end_ms: number;
  duration_ms: number;
  queue_ms: number | null;
  attempt: number | null;
  error_type: string | null;
  error_message: string | null;
  attributes: string;
  steps: string;
}

/** The values of a run's row in the order of RUN_COLUMNS: positional parameters bind faster than named ones. */
export const RUN_COLUMNS =
  'id, trace_id, span_id, workflow, runner, run_id, status, start_ms, end_ms, duration_ms, queue_ms, attempt, error_type, error_message, attributes, steps';

export function runToValues(run: RunRecord): unknown[] {
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
    JSON.stringify(run.attributes),
    JSON.stringify(run.steps),
  ];
}

export function runFromRow(row: RunRow): RunRecord {
  const run: RunRecord = {
    id: row.id,
    workflow: row.workflow,
    runner: row.runner as RunnerKind,
    runId: row.run_id,
    traceId: row.trace_id,
    spanId: row.span_id,
    status: row.status as RunStatus,
    startMs: row.start_ms,
    endMs: row.end_ms,
    durationMs: row.duration_ms,
    attributes: JSON.parse(row.attributes) as Attributes,
    steps: JSON.parse(row.steps) as StepRecord[],
  };
  if (row.queue_ms !== null) run.queueMs = row.queue_ms;
  if (row.attempt !== null) run.attempt = row.attempt;
  if (row.error_type !== null) run.errorType = row.error_type;
  if (row.error_message !== null) run.errorMessage = row.error_message;
  return run;
}

/** 32-bit FNV-1a, enough to tell duplicate log records apart together with time and ids. */
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
