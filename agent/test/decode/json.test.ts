/**
 * The OTLP/JSON decoders: SDK-serialised JSON must decode to exactly what the protobuf decoder makes of the
 * same spans/records, and wrongly shaped input gives errors or rejections naming the path.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JsonLogsSerializer, JsonTraceSerializer, ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from '../../src/decode/common/decode-error.js';
import { decodeLogsRequestJson } from '../../src/decode/logs/json.js';
import { MAX_VALUE_CHARS } from '../../src/decode/common/limits.js';
import { decodeLogsRequestProto } from '../../src/decode/logs/protobuf.js';
import { decodeTraceRequestJson } from '../../src/decode/trace/json.js';
import { decodeTraceRequestProto } from '../../src/decode/trace/protobuf.js';
import { emitManySpans, emitSampleLogs, emitSampleSpans, sdkLogRecords, sdkSpans } from './sdk-data.js';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';
/** A span must say when it started (and ended). */
const TIMES = { startTimeUnixNano: '1767225600000000000', endTimeUnixNano: '1767225601000000000' };

function oneSpan(span: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 's' }, spans: [span] }], ...extra }] };
}

describe('OTLP/JSON trace decoding', () => {
  it('matches the protobuf decoder on SDK-serialised spans', async () => {
    for (const emit of [emitSampleSpans, (t: Parameters<typeof emitSampleSpans>[0]) => emitManySpans(t, 200)]) {
      const spans = await sdkSpans(emit);
      const fromJson = decodeTraceRequestJson(Buffer.from(JsonTraceSerializer.serializeRequest(spans)!));
      const fromProto = decodeTraceRequestProto(ProtobufTraceSerializer.serializeRequest(spans)!);
      // Only protobuf spans carry their wire bytes.
      for (const group of fromProto.resourceSpans) for (const scope of group.scopes) for (const span of scope.spans) delete span.wire;
      expect(fromJson).toEqual(fromProto);
    }
  });

  it('accepts snake_case keys, enum names, numbers for int64, upper-case hex and ignores unknown fields', () => {
    const batch = decodeTraceRequestJson(json({
      resource_spans: [{
        resource: { attributes: [{ key: 'service.name', value: { string_value: 'ci' } }], future: 1 },
        scope_spans: [{ scope: { name: 'sc', version: '1' }, spans: [{
          trace_id: TRACE.toUpperCase(), span_id: SPAN, parent_span_id: '', name: 'job', kind: 'SPAN_KIND_SERVER',
          start_time_unix_nano: 1767225600123456789, endTimeUnixNano: '1767225601123456789', newField: { x: 1 },
          attributes: [
            { key: 'i', value: { intValue: '-9007199254740991' } }, { key: 'n', value: { int_value: 42 } },
            { key: 'd', value: { doubleValue: 1.5 } }, { key: 'b', value: { boolValue: true } },
            { key: 'a', value: { arrayValue: { values: [{ stringValue: 'x' }, { intValue: 1 }] } } },
            { key: 'm', value: { kvlistValue: { values: [{ key: 'k', value: { boolValue: false } }] } } },
            { key: 'y', value: { bytesValue: 'AQID' } }, { key: 'e', value: {} },
          ],
          status: { code: 'STATUS_CODE_ERROR', message: 'failed' },
          events: [{ name: 'exception', time_unix_nano: '1767225600500000000', attributes: [{ key: 'exception.type', value: { stringValue: 'E' } }] }],
        }] }],
      }],
    }));
    expect(batch.rejected.count).toBe(0);
    const span = batch.resourceSpans[0]!.scopes[0]!.spans[0]!;
    expect(span).toMatchObject({
      traceId: TRACE, spanId: SPAN, parentSpanId: '', name: 'job', kind: 2, statusCode: 2, statusMessage: 'failed',
      endMs: 1767225601123.4568, scopeName: 'sc', resource: { 'service.name': 'ci' },
      attributes: { i: -9007199254740991, n: 42, d: 1.5, b: true, a: ['x', 1], m: { k: false }, y: 'AQID', e: null },
      events: [{ name: 'exception', timeMs: 1767225600500, attributes: { 'exception.type': 'E' } }],
    });
    expect(span.startMs).toBeCloseTo(1767225600123.4568, 3);
  });

  it('drops a wrongly shaped span with its path and keeps the rest', () => {
    const good = { traceId: TRACE, spanId: SPAN, name: 'ok', ...TIMES };
    const batch = decodeTraceRequestJson(json({
      resourceSpans: [
        { scopeSpans: [{ spans: [good] }] },
        { scopeSpans: [{ spans: [good] }, { spans: [good, good, good, { ...good, traceId: 'abc' }] }] },
      ],
    }));
    expect(batch.spanCount).toBe(5);
    expect(batch.rejected).toEqual({ count: 1, reasons: ['resourceSpans[1].scopeSpans[1].spans[3].traceId: expected 32 hex characters'] });
  });

  it('names the path of nested attribute errors and rejects zero or missing ids', () => {
    const batch = decodeTraceRequestJson(json({ resourceSpans: [{ scopeSpans: [{ spans: [
      { traceId: TRACE, spanId: SPAN, attributes: [{ key: 'a', value: { arrayValue: { values: [{ intValue: 'x' }] } } }] },
      { traceId: '0'.repeat(32), spanId: SPAN },
      { traceId: TRACE },
      { traceId: TRACE, spanId: SPAN, startTimeUnixNano: -1 },
      'not a span',
    ] }] }] }));
    expect(batch.spanCount).toBe(0);
    expect(batch.rejected.count).toBe(5);
    expect(batch.rejected.reasons).toEqual([
      'resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.arrayValue.values[0].intValue: expected an integer (number or decimal string)',
      'resourceSpans[0].scopeSpans[0].spans[1].traceId: missing or all zero',
      'resourceSpans[0].scopeSpans[0].spans[2].spanId: missing or all zero',
      'resourceSpans[0].scopeSpans[0].spans[3].startTimeUnixNano: expected nanoseconds since the epoch (decimal string or number)',
      'resourceSpans[0].scopeSpans[0].spans[4]: expected an object',
    ]);
  });

  it('refuses a time past the year 9999, with its span only', () => {
    const good = { traceId: TRACE, spanId: SPAN, ...TIMES };
    const batch = decodeTraceRequestJson(json({ resourceSpans: [{ scopeSpans: [{ spans: [
      good,
      { ...good, startTimeUnixNano: '9'.repeat(400) },
      { ...good, endTimeUnixNano: '253402300800000000000' },
      { ...good, events: [{ name: 'e', timeUnixNano: 1e300 }] },
      // The last nanosecond of 9999 is a time, far as it is, leading zeros or not.
      { ...good, endTimeUnixNano: '253402300799999999999' },
      { ...good, endTimeUnixNano: '000253402300799999999999' },
    ] }] }] }));
    expect(batch.spanCount).toBe(3);
    const past = 'expected nanoseconds since the epoch, before the year 10000';
    expect(batch.rejected).toEqual({ count: 3, reasons: [
      `resourceSpans[0].scopeSpans[0].spans[1].startTimeUnixNano: ${past}`,
      `resourceSpans[0].scopeSpans[0].spans[2].endTimeUnixNano: ${past}`,
      `resourceSpans[0].scopeSpans[0].spans[3].events[0].timeUnixNano: ${past}`,
    ] });
  });

  it('rejects every span of a group whose resource is wrongly shaped', () => {
    const span = { traceId: TRACE, spanId: SPAN };
    const batch = decodeTraceRequestJson(json({ resourceSpans: [{ resource: { attributes: 'x' }, scopeSpans: [{ spans: [span, span] }] }] }));
    expect(batch.rejected).toEqual({ count: 2, reasons: ['resourceSpans[0].resource.attributes: expected an array of {key, value}'] });
  });

  it('fails the request when the top level is unusable', () => {
    for (const body of ['1234', '[]', 'null', '"x"', '{"resourceSpans": 5}', '{"resourceSpans": [', '\u0000']) {
      expect(() => decodeTraceRequestJson(Buffer.from(body)), body).toThrow(OtlpDecodeError);
    }
    expect(() => decodeTraceRequestJson(Buffer.from('1234'))).toThrow('invalid OTLP/JSON: expected an object at the top level');
    const none = { count: 0, reasons: [] };
    expect(decodeTraceRequestJson(Buffer.from('{}'))).toEqual({ resourceSpans: [], spanCount: 0, rejected: none, adjusted: none });
    expect(decodeTraceRequestJson(Buffer.alloc(0)).spanCount).toBe(0);
  });

  it('reads a field given as null under one name from the other, and refuses one given under both', () => {
    const spans = [{ scopeSpans: [{ spans: [{ traceId: TRACE, spanId: SPAN, startTimeUnixNano: '1' }] }] }];
    expect(decodeTraceRequestJson(json({ resourceSpans: null, resource_spans: spans })).spanCount).toBe(1);
    // Taking either would drop what the other holds.
    expect(() => decodeTraceRequestJson(json({ resourceSpans: [], resource_spans: spans }))).toThrow(
      'resourceSpans: given twice, as resourceSpans and as resource_spans',
    );
    const twice = decodeTraceRequestJson(json({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE, spanId: SPAN, start_time_unix_nano: '1', startTimeUnixNano: '2' }] }] }] }));
    expect(twice.rejected.reasons).toEqual(['resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano: given twice, as startTimeUnixNano and as start_time_unix_nano']);
    // Given twice in a group, only that group's items are refused.
    const group = decodeTraceRequestJson(json({ resourceSpans: [...spans, { scopeSpans: spans[0]!.scopeSpans, scope_spans: spans[0]!.scopeSpans }] }));
    expect(group.spanCount).toBe(1);
    expect(group.rejected).toEqual({ count: 1, reasons: ['resourceSpans[1].scopeSpans: given twice, as scopeSpans and as scope_spans'] });
  });

  it('refuses AnyValue nesting deeper than the limit', () => {
    let value: unknown = { stringValue: 'leaf' };
    for (let i = 0; i < 40; i++) value = { arrayValue: { values: [value] } };
    const batch = decodeTraceRequestJson(json(oneSpan({ traceId: TRACE, spanId: SPAN, attributes: [{ key: 'deep', value }] })));
    expect(batch.rejected.count).toBe(1);
    expect(batch.rejected.reasons[0]).toMatch(/nested deeper than 32 levels/);
  });
});

describe('OTLP/JSON logs decoding', () => {
  it('matches the protobuf decoder on SDK-serialised records', async () => {
    const records = await sdkLogRecords(emitSampleLogs);
    const fromJson = decodeLogsRequestJson(Buffer.from(JsonLogsSerializer.serializeRequest(records)!));
    expect(fromJson).toEqual(decodeLogsRequestProto(ProtobufLogsSerializer.serializeRequest(records)!));
    const [error, map, plain] = fromJson.resourceLogs[0]!.scopes[0]!.logRecords;
    expect(error).toMatchObject({ severityNumber: 17, severityText: 'ERROR', body: 'step compile failed: exit code 2', traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' });
    expect(JSON.parse(map!.body)).toEqual({ step: 'test', passed: 12, ok: true });
    expect(plain).toMatchObject({ traceId: '', spanId: '', severityNumber: 13 });
  });

  it('accepts severity names and drops records with malformed trace context', () => {
    const batch = decodeLogsRequestJson(json({ resourceLogs: [{ scopeLogs: [{ logRecords: [
      { severityNumber: 'SEVERITY_NUMBER_WARN2', body: { arrayValue: { values: [{ intValue: 1 }] } }, traceId: '', spanId: '' },
      { traceId: 'xyz' },
    ] }] }] }));
    expect(batch.recordCount).toBe(1);
    expect(batch.resourceLogs[0]!.scopes[0]!.logRecords[0]).toMatchObject({ severityNumber: 14, body: '[1]', traceId: '' });
    expect(batch.rejected.reasons).toEqual(['resourceLogs[0].scopeLogs[0].logRecords[1].traceId: expected 32 hex characters']);
  });

  it('cuts a body of many strings, each within the limit, to the limit as a whole, and its event names and keys', () => {
    const part = 'z'.repeat(MAX_VALUE_CHARS - 10);
    const long = 'k'.repeat(MAX_VALUE_CHARS + 10);
    const batch = decodeLogsRequestJson(json({ resourceLogs: [{ scopeLogs: [{ logRecords: [
      { body: { arrayValue: { values: Array.from({ length: 20 }, () => ({ stringValue: part })) } }, attributes: [{ key: long, value: { intValue: 1 } }] },
    ] }] }] }));
    const [record] = batch.resourceLogs[0]!.scopes[0]!.logRecords;
    const cut = (text: string) => text.length < MAX_VALUE_CHARS + 100 && /…\[truncated \d+ characters\]$/.test(text);
    expect(cut(record!.body)).toBe(true);
    expect(Object.keys(record!.attributes).map(cut)).toEqual([true]);
    const spans = decodeTraceRequestJson(json({ resourceSpans: [{ scopeSpans: [{ spans: [
      { traceId: TRACE, spanId: SPAN, startTimeUnixNano: '1', events: [{ name: long, timeUnixNano: '1' }] },
    ] }] }] }));
    expect(cut(spans.resourceSpans[0]!.scopes[0]!.spans[0]!.events[0]!.name)).toBe(true);
  });
});

describe('the shared GitHub Actions fixture', () => {
  const fixture = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/fixtures/derived__github-actions-run+job.otlp.json');
  const absent = !existsSync(fixture);
  it.skipIf(absent)(absent ? 'skipped: ../shared/fixtures is absent' : 'decodes every span with valid ids and times', () => {
    const text = readFileSync(fixture);
    const raw = JSON.parse(text.toString()) as { resourceSpans: { scopeSpans: { spans: unknown[] }[] }[] };
    const batch = decodeTraceRequestJson(text);
    expect(batch.rejected.count).toBe(0);
    expect(batch.spanCount).toBe(raw.resourceSpans.flatMap((g) => g.scopeSpans.flatMap((s) => s.spans)).length);
    for (const span of batch.resourceSpans.flatMap((g) => g.scopes.flatMap((s) => s.spans))) {
      expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(span.endMs).toBeGreaterThanOrEqual(span.startMs);
      expect(span.startMs).toBeGreaterThan(Date.UTC(2020, 0, 1));
      expect(span.resource['service.name']).toBeTypeOf('string');
    }
  });
});
