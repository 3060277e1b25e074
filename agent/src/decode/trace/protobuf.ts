import type { Attributes, OtlpSpan, Rejected, SpanEvent } from '../../model/otlp.js';
import { RepeatedId, SPAN_ID_BYTES, TRACE_ID_BYTES, idFromBytes, idLengthReason } from '../common/ids.js';
import { readAttribute } from '../common/proto-common.js';
import { decodeExportRequest } from '../common/proto-groups.js';
import { I64, LEN, VARINT, type ProtoReader } from '../common/proto-reader.js';
import { reject } from '../common/rejected.js';
import { toTraceBatch, type DecodedTraceBatch } from './batch.js';
import { settleTimes } from './span-times.js';

const traceIds = new RepeatedId(TRACE_ID_BYTES);

export function decodeTraceRequestProto(bytes: Uint8Array): DecodedTraceBatch {
  return toTraceBatch(decodeExportRequest(bytes, decodeSpan));
}

/**
 * opentelemetry.proto.trace.v1.Span (a span with an invalid trace or span id, or without a start time, is dropped
 * into `rejected`; an impossible end time is made sane and noted in `adjusted`):
 *   1  trace_id                 bytes            LEN
 *   2  span_id                  bytes            LEN
 *   3  trace_state              string           LEN (skipped)
 *   4  parent_span_id           bytes            LEN
 *   5  name                     string           LEN
 *   6  kind                     SpanKind         VARINT
 *   7  start_time_unix_nano     fixed64          I64
 *   8  end_time_unix_nano       fixed64          I64
 *   9  attributes               repeated KeyValue LEN
 *   11 events                   repeated Event   LEN
 *   15 status                   Status           LEN
 *   10, 12, 14 dropped counts, 13 links, 16 flags (skipped)
 */
function decodeSpan(
  r: ProtoReader,
  end: number,
  resource: Attributes,
  scopeName: string,
  rejected: Rejected,
  adjusted: Rejected,
): OtlpSpan | undefined {
  const start = r.pos;
  const span: OtlpSpan = {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    name: '',
    kind: 0,
    startMs: 0,
    endMs: 0,
    attributes: {},
    statusCode: 0,
    statusMessage: '',
    events: [],
    resource,
    scopeName,
  };
  // Ids are kept as offsets and turned into hex only once the whole span is read and valid.
  let traceStart = 0, traceEnd = 0, spanStart = 0, spanEnd = 0, parentStart = 0, parentEnd = 0;
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | LEN:
        traceEnd = r.lengthEnd();
        traceStart = r.pos;
        r.pos = traceEnd;
        break;
      case (2 << 3) | LEN:
        spanEnd = r.lengthEnd();
        spanStart = r.pos;
        r.pos = spanEnd;
        break;
      case (4 << 3) | LEN:
        parentEnd = r.lengthEnd();
        parentStart = r.pos;
        r.pos = parentEnd;
        break;
      case (5 << 3) | LEN:
        span.name = r.string();
        break;
      case (6 << 3) | VARINT:
        span.kind = r.int32();
        break;
      case (7 << 3) | I64:
        span.startMs = r.fixed64Ms();
        break;
      case (8 << 3) | I64:
        span.endMs = r.fixed64Ms();
        break;
      case (9 << 3) | LEN:
        readAttribute(r, span.attributes);
        break;
      case (11 << 3) | LEN:
        span.events.push(decodeEvent(r, r.lengthEnd()));
        break;
      case (15 << 3) | LEN:
        decodeStatusInto(r, r.lengthEnd(), span);
        break;
      default:
        r.skip(tag & 7);
    }
  }
  r.assertEnd(end, 'Span');
  const buf = r.buf;
  const traceId = traceIds.fromBytes(buf, traceStart, traceEnd);
  const spanId = idFromBytes(buf, spanStart, spanEnd, SPAN_ID_BYTES);
  const parentSpanId = idFromBytes(buf, parentStart, parentEnd, SPAN_ID_BYTES);
  if (!traceId) return void reject(rejected, traceId === null ? idLengthReason('trace_id', TRACE_ID_BYTES, false) : 'trace_id is missing or all zero');
  if (!spanId) return void reject(rejected, spanId === null ? idLengthReason('span_id', SPAN_ID_BYTES, false) : 'span_id is missing or all zero');
  if (parentSpanId === null) return void reject(rejected, idLengthReason('parent_span_id', SPAN_ID_BYTES, false));
  const problem = settleTimes(span, adjusted);
  if (problem !== undefined) return void reject(rejected, `start_time_unix_nano ${problem}`);
  span.traceId = traceId;
  span.spanId = spanId;
  span.parentSpanId = parentSpanId;
  span.wire = buf.subarray(start, end);
  return span;
}

/**
 * opentelemetry.proto.trace.v1.Span.Event:
 *   1 time_unix_nano           fixed64           I64
 *   2 name                     string            LEN
 *   3 attributes               repeated KeyValue LEN
 *   4 dropped_attributes_count uint32            VARINT (skipped)
 */
function decodeEvent(r: ProtoReader, end: number): SpanEvent {
  const event: SpanEvent = { name: '', timeMs: 0, attributes: {} };
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | I64:
        event.timeMs = r.fixed64Ms();
        break;
      case (2 << 3) | LEN:
        event.name = r.string();
        break;
      case (3 << 3) | LEN:
        readAttribute(r, event.attributes);
        break;
      default:
        r.skip(tag & 7);
    }
  }
  r.assertEnd(end, 'Event');
  return event;
}

/**
 * opentelemetry.proto.trace.v1.Status (field 1 is reserved):
 *   2 message string     LEN
 *   3 code    StatusCode VARINT
 */
function decodeStatusInto(r: ProtoReader, end: number, span: OtlpSpan): void {
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case (2 << 3) | LEN:
        span.statusMessage = r.string();
        break;
      case (3 << 3) | VARINT:
        span.statusCode = r.int32();
        break;
      default:
        r.skip(tag & 7);
    }
  }
  r.assertEnd(end, 'Status');
}
