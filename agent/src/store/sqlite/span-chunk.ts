import type { Attributes, OtlpSpan, SpanEvent } from '../../model/otlp.js';
import { varintSize, writeVarint } from '../../decode/common/proto-writer.js';
import { decodeTraceRequestProto } from '../../decode/trace/protobuf.js';

/**
 * The spans of one trace and resource as stored in a `span_chunks` row.
 *
 * Spans that came as protobuf are stored as the bytes they came in, wrapped as an ExportTraceServiceRequest
 * (one ResourceSpans without its resource, a ScopeSpans per run of spans of one scope): nothing to encode on
 * the way in, and the receiver's own decoder reads them back. Spans that came as JSON are stored as JSON tuples
 * (without the trace id and resource, which the row holds once).
 */
export type Chunk = Buffer | string;

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

export function spansToChunk(spans: readonly OtlpSpan[]): Chunk {
  return spans.every((span) => span.wire !== undefined) ? wireChunk(spans) : jsonChunk(spans);
}

export function spansFromChunk(chunk: Chunk, traceId: string, resource: Attributes): OtlpSpan[] {
  if (typeof chunk !== 'string') {
    const spans = decodeTraceRequestProto(chunk).resourceSpans.flatMap((group) => group.scopes.flatMap((scope) => scope.spans));
    for (const span of spans) span.resource = resource;
    return spans;
  }
  return (JSON.parse(chunk) as StoredSpan[]).map(
    ([spanId, parentSpanId, name, kind, startMs, endMs, attributes, statusCode, statusMessage, events, scopeName]) => ({
      traceId, spanId, parentSpanId, name, kind, startMs, endMs, attributes, statusCode, statusMessage, events, resource, scopeName,
    }),
  );
}

function jsonChunk(spans: readonly OtlpSpan[]): string {
  const stored = new Array<StoredSpan>(spans.length);
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    stored[i] = [s.spanId, s.parentSpanId, s.name, s.kind, s.startMs, s.endMs, s.attributes, s.statusCode, s.statusMessage, s.events, s.scopeName];
  }
  return JSON.stringify(stored);
}

/** ExportTraceServiceRequest{1: ResourceSpans{2: ScopeSpans{1: InstrumentationScope{1: name}, 2: Span…}…}}. */
function wireChunk(spans: readonly OtlpSpan[]): Buffer {
  // Runs of spans of one scope, and each ScopeSpans' length, before anything is written.
  const groups: { name: Buffer; from: number; to: number; length: number }[] = [];
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i]!;
    let group = groups.at(-1);
    if (!group || spans[group.from]!.scopeName !== span.scopeName) {
      const name = Buffer.from(span.scopeName, 'utf8');
      const scope = name.length === 0 ? 0 : 1 + varintSize(name.length) + name.length;
      group = { name, from: i, to: i, length: scope === 0 ? 0 : 1 + varintSize(scope) + scope };
      groups.push(group);
    }
    group.to = i + 1;
    group.length += 1 + varintSize(span.wire!.length) + span.wire!.length;
  }
  const resourceSpans = groups.reduce((sum, g) => sum + 1 + varintSize(g.length) + g.length, 0);
  const out = Buffer.allocUnsafe(1 + varintSize(resourceSpans) + resourceSpans);
  let at = lengthHeader(out, 0, 0x0a, resourceSpans);
  for (const group of groups) {
    at = lengthHeader(out, at, 0x12, group.length);
    if (group.name.length > 0) {
      at = lengthHeader(out, at, 0x0a, 1 + varintSize(group.name.length) + group.name.length);
      at = lengthHeader(out, at, 0x0a, group.name.length);
      at += group.name.copy(out, at);
    }
    for (let i = group.from; i < group.to; i++) {
      const wire = spans[i]!.wire!;
      at = lengthHeader(out, at, 0x12, wire.length);
      out.set(wire, at);
      at += wire.length;
    }
  }
  return out;
}

/** A length-delimited field's tag and length (the tags here are one byte, as a varint). */
function lengthHeader(out: Buffer, at: number, tag: number, length: number): number {
  return writeVarint(out, writeVarint(out, at, tag), length);
}
