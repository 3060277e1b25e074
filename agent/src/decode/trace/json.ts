import type { Attributes, OtlpSpan, Rejected, SpanEvent } from '../../model/otlp.js';
import { SPAN_KIND_NAMES, STATUS_CODE_NAMES } from '../common/enums.js';
import { SPAN_ID_BYTES, TRACE_ID_BYTES } from '../common/ids.js';
import { decodeJsonExportRequest, type JsonLevelNames } from '../common/json-groups.js';
import {
  arrayAt,
  attributesIn,
  enumAt,
  fail,
  field,
  idAt,
  nanosToMsAt,
  objectAt,
  stringAt,
  within,
  type JsonObject,
} from '../common/json-values.js';
import { toTraceBatch, type DecodedTraceBatch } from './batch.js';
import { settleTimes } from './span-times.js';

const NAMES: JsonLevelNames = {
  groups: ['resourceSpans', 'resource_spans'],
  scopes: ['scopeSpans', 'scope_spans'],
  items: ['spans', 'spans'],
};

/** An OTLP/JSON ExportTraceServiceRequest. */
export function decodeTraceRequestJson(body: Buffer): DecodedTraceBatch {
  return toTraceBatch(decodeJsonExportRequest(body, NAMES, decodeSpan));
}

/**
 * A Span; invalid ids, wrongly shaped fields or no start time throw (the span is dropped with the path as the
 * reason).
 */
function decodeSpan(s: JsonObject, resource: Attributes, scopeName: string, adjusted: Rejected): OtlpSpan {
  const traceId = idAt(field(s, 'traceId', 'trace_id'), TRACE_ID_BYTES, 'traceId');
  if (!traceId) fail('traceId', 'missing or all zero');
  const spanId = idAt(field(s, 'spanId', 'span_id'), SPAN_ID_BYTES, 'spanId');
  if (!spanId) fail('spanId', 'missing or all zero');
  const status = objectAt(s.status, 'status');
  const span: OtlpSpan = {
    traceId,
    spanId,
    parentSpanId: idAt(field(s, 'parentSpanId', 'parent_span_id'), SPAN_ID_BYTES, 'parentSpanId'),
    name: stringAt(s.name, 'name'),
    kind: enumAt(s.kind, SPAN_KIND_NAMES, 'kind'),
    startMs: nanosToMsAt(field(s, 'startTimeUnixNano', 'start_time_unix_nano'), 'startTimeUnixNano'),
    endMs: nanosToMsAt(field(s, 'endTimeUnixNano', 'end_time_unix_nano'), 'endTimeUnixNano'),
    attributes: attributesIn(s.attributes, 'attributes'),
    statusCode: status ? enumAt(status.code, STATUS_CODE_NAMES, 'status.code') : 0,
    statusMessage: status ? stringAt(status.message, 'status.message') : '',
    events: eventsIn(s.events),
    resource,
    scopeName,
  };
  const problem = settleTimes(span, adjusted);
  return problem === undefined ? span : fail('startTimeUnixNano', problem);
}

function eventsIn(value: unknown): SpanEvent[] {
  const list = arrayAt(value, 'events');
  const events: SpanEvent[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    try {
      const e = objectAt(list[i], '') ?? {};
      events[i] = {
        name: stringAt(e.name, 'name'),
        timeMs: nanosToMsAt(field(e, 'timeUnixNano', 'time_unix_nano'), 'timeUnixNano'),
        attributes: attributesIn(e.attributes, 'attributes'),
      };
    } catch (error) {
      throw within(`events[${i}]`, error);
    }
  }
  return events;
}
