import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Attributes, OtlpSpan, SpanEvent } from '../../src/model/otlp.js';
import type { RunRecord, StepRecord } from '../../src/model/workflow.js';

export const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

/** Shared fixtures live beside the repository (`<repo>/../shared/fixtures`), read-only. */
export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/fixtures');
export const hasFixture = (name: string): boolean => existsSync(resolve(FIXTURES, name));
export const readFixture = (name: string): string => readFileSync(resolve(FIXTURES, name), 'utf8');

export interface SpanSpec {
  id: string;
  parent?: string;
  name: string;
  kind?: number;
  start: number;
  end: number;
  attributes?: Attributes;
  status?: number;
  message?: string;
  events?: SpanEvent[];
  resource?: Attributes;
  scope?: string;
  trace?: string;
}

/** A span as the decoder hands it over; ids are padded to OTLP's hex lengths so tests can use short names. */
export function span(spec: SpanSpec): OtlpSpan {
  return {
    traceId: spec.trace ?? TRACE,
    spanId: spec.id.padStart(16, '0'),
    parentSpanId: spec.parent === undefined ? '' : spec.parent.padStart(16, '0'),
    name: spec.name,
    kind: spec.kind ?? 1,
    startMs: spec.start,
    endMs: spec.end,
    attributes: spec.attributes ?? {},
    statusCode: spec.status ?? 0,
    statusMessage: spec.message ?? '',
    events: spec.events ?? [],
    resource: spec.resource ?? {},
    scopeName: spec.scope ?? '',
  };
}

export function exception(type: string, message: string, timeMs = 0): SpanEvent {
  return { name: 'exception', timeMs, attributes: { 'exception.type': type, 'exception.message': message } };
}

/**
 * The runs as indented lines, one per run and step (steps under their parent step), with the fields a user
 * sees: a test compares one string.
 */
export function describeRuns(runs: readonly RunRecord[]): string {
  const lines: string[] = [];
  for (const run of runs) {
    lines.push(
      `run ${run.runner} "${run.workflow}" #${run.runId} ${run.status} ${run.durationMs}ms` +
        extras(run) +
        (run.spanId === '' ? ' (inferred)' : ''),
    );
    const children = new Map<string | undefined, StepRecord[]>();
    for (const step of run.steps) {
      const list = children.get(step.parentId) ?? [];
      list.push(step);
      children.set(step.parentId, list);
    }
    const walk = (parentId: string | undefined, depth: number): void => {
      for (const step of children.get(parentId) ?? []) {
        const calls = step.downstream.map((d) => ` ->${d.name}(${d.kind} ${d.calls}x ${d.errors}err ${d.durationMs}ms)`);
        lines.push(`${'  '.repeat(depth)}step "${step.name}" ${step.status} ${step.durationMs}ms${extras(step)}${calls.join('')}`);
        walk(step.id, depth + 1);
      }
    };
    walk(undefined, 1);
  }
  return lines.join('\n');
}

function extras(r: { queueMs?: number; attempt?: number; errorType?: string; errorMessage?: string }): string {
  let out = '';
  if (r.queueMs !== undefined) out += ` queue=${r.queueMs}ms`;
  if (r.attempt !== undefined) out += ` attempt=${r.attempt}`;
  if (r.errorType !== undefined || r.errorMessage !== undefined) out += ` error=${r.errorType ?? ''}: ${r.errorMessage ?? ''}`;
  return out;
}

/** Every ordering of a small list (n! of them), for order-invariance checks. */
export function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  const out: T[][] = [];
  items.forEach((item, i) => {
    for (const rest of permutations([...items.slice(0, i), ...items.slice(i + 1)])) out.push([item, ...rest]);
  });
  return out;
}
