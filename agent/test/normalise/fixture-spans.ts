import { runInNewContext } from 'node:vm';
import type { Attributes, AttrValue, OtlpSpan } from '../../src/model/otlp.js';

/**
 * Test-only readers for the shared fixtures. The agent's OTLP/JSON decoder did not exist when these tests were
 * written; this reads just the fields the fixtures use.
 */

interface JsonAnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: JsonAnyValue[] };
  kvlistValue?: { values?: JsonKeyValue[] };
}
interface JsonKeyValue {
  key: string;
  value: JsonAnyValue;
}
interface JsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: JsonKeyValue[];
  status?: { code?: number; message?: string };
  events?: { name: string; timeUnixNano: string; attributes?: JsonKeyValue[] }[];
}
interface JsonRequest {
  resourceSpans: { resource?: { attributes?: JsonKeyValue[] }; scopeSpans: { scope?: { name?: string }; spans: JsonSpan[] }[] }[];
}

/** An OTLP/JSON ExportTraceServiceRequest as OtlpSpans. */
export function spansFromOtlpJson(json: string): OtlpSpan[] {
  const request = JSON.parse(json) as JsonRequest;
  const spans: OtlpSpan[] = [];
  for (const rs of request.resourceSpans) {
    const resource = attributes(rs.resource?.attributes);
    for (const ss of rs.scopeSpans) {
      for (const s of ss.spans) {
        spans.push({
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId ?? '',
          name: s.name,
          kind: s.kind ?? 0,
          startMs: nanosToMs(s.startTimeUnixNano),
          endMs: nanosToMs(s.endTimeUnixNano),
          attributes: attributes(s.attributes),
          statusCode: s.status?.code ?? 0,
          statusMessage: s.status?.message ?? '',
          events: (s.events ?? []).map((e) => ({ name: e.name, timeMs: nanosToMs(e.timeUnixNano), attributes: attributes(e.attributes) })),
          resource,
          scopeName: ss.scope?.name ?? '',
        });
      }
    }
  }
  return spans;
}

function attributes(list: JsonKeyValue[] | undefined): Attributes {
  const out: Attributes = {};
  for (const { key, value } of list ?? []) out[key] = anyValue(value);
  return out;
}

function anyValue(v: JsonAnyValue): AttrValue {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(anyValue);
  if (v.kvlistValue !== undefined) return attributes(v.kvlistValue.values);
  return null;
}

const nanosToMs = (ns: string): number => Number(BigInt(ns) / 1000n) / 1000;

/** The JS SDK's ConsoleSpanExporter output: JavaScript object literals, one per span, as OtlpSpans. */
export function spansFromConsoleDump(dump: string): OtlpSpan[] {
  // The dump is object-literal syntax (unquoted keys, quotes, `undefined`, `+` joins): let a bare JS context read it.
  const literals = runInNewContext(`[${dump.replace(/^\}\s*\n\{/gm, '},{')}]`, {}) as ConsoleSpan[];
  return literals.map((s) => ({
    traceId: s.traceId,
    spanId: s.id,
    parentSpanId: s.parentSpanContext?.spanId ?? '',
    name: s.name,
    kind: s.kind + 1, // the JS API's SpanKind starts at INTERNAL = 0, OTLP's at UNSPECIFIED = 0
    startMs: s.timestamp / 1000,
    endMs: (s.timestamp + s.duration) / 1000,
    attributes: s.attributes,
    statusCode: s.status.code,
    statusMessage: s.status.message ?? '',
    events: [],
    resource: s.resource.attributes,
    scopeName: s.instrumentationScope.name,
  }));
}

interface ConsoleSpan {
  resource: { attributes: Attributes };
  instrumentationScope: { name: string };
  traceId: string;
  parentSpanContext?: { spanId: string };
  name: string;
  id: string;
  kind: number;
  timestamp: number;
  duration: number;
  attributes: Attributes;
  status: { code: number; message?: string };
}
