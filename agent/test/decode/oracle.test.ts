/**
 * The hand-written protobuf decoders against the protobufjs code generated from the real OTLP protos
 * (otlp-oracle = @opentelemetry/otlp-transformer@0.213.0), on payloads serialised by the SDK's own serialisers.
 */
import { ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import oracle from 'otlp-oracle/build/src/generated/root.js';
import { describe, expect, it } from 'vitest';
import { decodeLogsRequestProto } from '../../src/decode/logs/protobuf.js';
import { decodeTraceRequestProto } from '../../src/decode/trace/protobuf.js';
import type { Attributes, AttrValue, LogBatch, TraceBatch } from '../../src/model/otlp.js';
import { emitManySpans, emitSampleLogs, emitSampleSpans, sdkLogRecords, sdkSpans } from './sdk-data.js';

const collector = (oracle as any).opentelemetry.proto.collector;

/* Oracle message objects → the FlowLens shapes (bytes → hex/base64, int64 numbers, nanos → ms). */
type Msg = Record<string, any>;
const hex = (bytes?: Uint8Array) => (bytes && bytes.length ? Buffer.from(bytes).toString('hex') : '');
const ms = (nanos: unknown) => Number(nanos ?? 0) / 1e6;

function value(v: Msg | null | undefined): AttrValue {
  if (!v) return null;
  if (v.stringValue != null) return v.stringValue;
  if (v.boolValue != null) return v.boolValue;
  if (v.intValue != null) return Number(v.intValue);
  if (v.doubleValue != null) return v.doubleValue;
  if (v.arrayValue != null) return (v.arrayValue.values ?? []).map(value);
  if (v.kvlistValue != null) return attributes(v.kvlistValue.values);
  if (v.bytesValue != null) return Buffer.from(v.bytesValue).toString('base64');
  return null;
}

function attributes(list: Msg[] = []): Attributes {
  return Object.fromEntries(list.map((kv) => [kv.key, value(kv.value)]));
}

function oracleTraces(bytes: Uint8Array) {
  const request = collector.trace.v1.ExportTraceServiceRequest.decode(bytes);
  return request.resourceSpans.map((rs: Msg) => ({
    resource: attributes(rs.resource?.attributes),
    scopes: rs.scopeSpans.map((ss: Msg) => ({
      scopeName: ss.scope?.name ?? '',
      scopeVersion: ss.scope?.version ?? '',
      spans: ss.spans.map((s: Msg) => ({
        traceId: hex(s.traceId),
        spanId: hex(s.spanId),
        parentSpanId: hex(s.parentSpanId),
        name: s.name,
        kind: s.kind,
        startMs: ms(s.startTimeUnixNano),
        endMs: ms(s.endTimeUnixNano),
        attributes: attributes(s.attributes),
        statusCode: s.status?.code ?? 0,
        statusMessage: s.status?.message ?? '',
        events: s.events.map((e: Msg) => ({ name: e.name, timeMs: ms(e.timeUnixNano), attributes: attributes(e.attributes) })),
      })),
    })),
  }));
}

function oracleLogs(bytes: Uint8Array) {
  const request = collector.logs.v1.ExportLogsServiceRequest.decode(bytes);
  return request.resourceLogs.map((rl: Msg) => ({
    resource: attributes(rl.resource?.attributes),
    scopes: rl.scopeLogs.map((sl: Msg) => ({
      scopeName: sl.scope?.name ?? '',
      scopeVersion: sl.scope?.version ?? '',
      logRecords: sl.logRecords.map((l: Msg) => {
        const body = value(l.body);
        return {
          timeMs: ms(l.timeUnixNano),
          observedTimeMs: ms(l.observedTimeUnixNano),
          severityNumber: l.severityNumber,
          severityText: l.severityText ?? '',
          body: typeof body === 'string' ? body : body === null ? '' : JSON.stringify(body),
          attributes: attributes(l.attributes),
          traceId: hex(l.traceId),
          spanId: hex(l.spanId),
        };
      }),
    })),
  }));
}

/**
 * Ours without the shared back-references (checked separately), times rounded to the microsecond: the oracle
 * adds the 64-bit halves in a float, which is off by up to a quarter of a microsecond.
 */
function comparable(groups: unknown): unknown {
  return JSON.parse(JSON.stringify(groups, (key, v) => {
    if (typeof v === 'number' && /Ms$/.test(key)) return Math.round(v * 1000) / 1000;
    return v;
  }));
}

function withoutBackReferences(batch: TraceBatch | LogBatch): unknown {
  const groups = 'resourceSpans' in batch ? batch.resourceSpans : batch.resourceLogs;
  return groups.map((g) => ({
    resource: g.resource,
    scopes: g.scopes.map((s: any) => {
      const items = (s.spans ?? s.logRecords) as any[];
      // `wire` is the span's own bytes (span-chunk tests read them back); the oracle has no such field.
      const stripped = items.map(({ resource, scopeName, wire, ...rest }) => rest);
      return s.spans ? { ...s, spans: stripped } : { ...s, logRecords: stripped };
    }),
  }));
}

describe('protobuf decoders agree with the generated protobufjs decoder', () => {
  it('decodes SDK traces with every attribute type, events, status and resource', async () => {
    const bytes = ProtobufTraceSerializer.serializeRequest(await sdkSpans(emitSampleSpans))!;
    const batch = decodeTraceRequestProto(bytes);
    expect(batch.spanCount).toBe(3);
    expect(batch.rejected).toEqual({ count: 0, reasons: [] });
    expect(comparable(withoutBackReferences(batch))).toEqual(comparable(oracleTraces(bytes)));
  });

  it('decodes 1,000 SDK spans the same way and shares one resource object per group', async () => {
    const bytes = ProtobufTraceSerializer.serializeRequest(await sdkSpans((t) => emitManySpans(t, 1000)))!;
    const batch = decodeTraceRequestProto(bytes);
    expect(batch.spanCount).toBe(1000);
    expect(comparable(withoutBackReferences(batch))).toEqual(comparable(oracleTraces(bytes)));
    const group = batch.resourceSpans[0]!;
    for (const scope of group.scopes) {
      for (const span of scope.spans) {
        expect(span.resource).toBe(group.resource);
        expect(span.scopeName).toBe(scope.scopeName);
      }
    }
  });

  it('decodes SDK logs with string and map bodies, with and without trace context', async () => {
    const bytes = ProtobufLogsSerializer.serializeRequest(await sdkLogRecords(emitSampleLogs))!;
    const batch = decodeLogsRequestProto(bytes);
    expect(batch.recordCount).toBe(3);
    expect(comparable(withoutBackReferences(batch))).toEqual(comparable(oracleLogs(bytes)));
    const records = batch.resourceLogs[0]!.scopes[0]!.logRecords;
    expect(records.map((r) => r.resource)).toEqual(records.map(() => batch.resourceLogs[0]!.resource));
  });
});
