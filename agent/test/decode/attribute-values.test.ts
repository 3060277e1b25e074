/**
 * Attribute values both decoders must read alike: keys named `__proto__`, doubles given as text in OTLP/JSON,
 * int64 values at and past 2^53. The protobuf requests are encoded by the protobufjs code generated from the OTLP
 * protos.
 */
import oracle from 'otlp-oracle/build/src/generated/root.js';
import { describe, expect, it } from 'vitest';
import { decodeTraceRequestJson } from '../../src/decode/trace/json.js';
import { decodeTraceRequestProto } from '../../src/decode/trace/protobuf.js';
import type { Attributes, TraceBatch } from '../../src/model/otlp.js';

const collector = (oracle as any).opentelemetry.proto.collector;
const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';

/** One span with these attributes (OTLP/JSON KeyValues). */
function request(attributes: object[]) {
  const span = { traceId: TRACE, spanId: SPAN, name: 's', startTimeUnixNano: '1767225600000000000', endTimeUnixNano: '1767225601000000000', attributes };
  return { resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] };
}

function protobuf(json: object): Uint8Array {
  const converted = JSON.parse(JSON.stringify(json), (key, value) => (key === 'traceId' || key === 'spanId' ? Buffer.from(value, 'hex') : value));
  const type = collector.trace.v1.ExportTraceServiceRequest;
  return type.encode(type.fromObject(converted)).finish();
}

const firstSpan = (batch: TraceBatch) => batch.resourceSpans[0]?.scopes[0]?.spans[0];

/** The span's attributes from both decoders, which must agree. */
function decodedBoth(attributes: object[]): Attributes {
  const json = firstSpan(decodeTraceRequestJson(Buffer.from(JSON.stringify(request(attributes)))))!.attributes;
  expect(firstSpan(decodeTraceRequestProto(protobuf(request(attributes))))!.attributes).toEqual(json);
  return json;
}

describe('attribute values', () => {
  it('keeps a key named __proto__ as an attribute of its own, leaving the prototype alone', () => {
    const attributes = decodedBoth([
      { key: '__proto__', value: { kvlistValue: { values: [{ key: '__proto__', value: { stringValue: 'inner' } }, { key: 'polluted', value: { boolValue: true } }] } } },
      { key: 'plain', value: { intValue: '1' } },
    ]);
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
    expect(Object.keys(attributes)).toEqual(['__proto__', 'plain']);
    const inner = attributes['__proto__'] as Attributes;
    expect(Object.getPrototypeOf(inner)).toBe(Object.prototype);
    expect(Object.keys(inner)).toEqual(['__proto__', 'polluted']);
    expect(inner['__proto__']).toBe('inner');
    expect((attributes as { polluted?: unknown }).polluted).toBeUndefined();
    expect(JSON.stringify(attributes)).toBe('{"__proto__":{"__proto__":"inner","polluted":true},"plain":1}');
  });

  it('keeps int64 values exact: numbers from -2^53 to 2^53 - 1, decimal text beyond', () => {
    const values = ['0', '-9007199254740992', '9007199254740991', '9007199254740992', '-9007199254740993', '9223372036854775807', '-9223372036854775808'];
    const attributes = decodedBoth(values.map((v, i) => ({ key: `i${i}`, value: { intValue: v } })));
    expect(Object.values(attributes)).toEqual([0, -9007199254740992, 9007199254740991, '9007199254740992', '-9007199254740993', '9223372036854775807', '-9223372036854775808']);
  });

  it('keeps int64 values exact when a sender writes them as JSON numbers, as it does the strings', () => {
    const values = ['12', '-9007199254740991', '9007199254740993', '-9223372036854775808', '9223372036854775807'];
    // JSON.stringify cannot write such numbers: the text is made by hand. The last attribute's string holds the
    // same text, quoted, and stays as it came.
    const text = JSON.stringify(request([...values.map((v, i) => ({ key: `i${i}`, value: { intValue: `@${v}@` } })), { key: 's', value: { stringValue: '{"intValue":9007199254740993}' } }]));
    const batch = decodeTraceRequestJson(Buffer.from(text.replace(/"@(-?\d+)@"/g, '$1')));
    expect(Object.values(firstSpan(batch)!.attributes)).toEqual([12, -9007199254740991, '9007199254740993', '-9223372036854775808', '9223372036854775807', '{"intValue":9007199254740993}']);
  });

  it('refuses an int64 past 2^53 written with a fraction or an exponent, which has been rounded', () => {
    const text = JSON.stringify(request([{ key: 'id', value: { intValue: '@' } }]));
    const reasons = ['9007199254740993.0', '1e20'].map((number) => decodeTraceRequestJson(Buffer.from(text.replace('"@"', number))).rejected.reasons);
    expect(reasons).toEqual(
      Array(2).fill(['resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.intValue: an integer past 2^53 must be written as digits (a decimal string, as OTLP/JSON asks)']),
    );
    // A number with zeros before it is no JSON, quoted or not.
    expect(() => decodeTraceRequestJson(Buffer.from(text.replace('"@"', '0000000000000001')))).toThrow(/invalid JSON/);
  });

  it('refuses OTLP/JSON integers outside the int64 range', () => {
    const batch = decodeTraceRequestJson(Buffer.from(JSON.stringify(request([{ key: 'big', value: { intValue: '9223372036854775808' } }]))));
    expect(batch.rejected.reasons).toEqual(['resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.intValue: outside the int64 range']);
  });

  it('reads an OTLP/JSON double given as a number in a string, or as NaN or Infinity', () => {
    const values = ['1.5', '-2e3', '0', '1E-7', 'NaN', 'Infinity', '-Infinity'];
    const attributes = decodedBoth(values.map((v, i) => ({ key: `d${i}`, value: { doubleValue: v } })));
    expect(Object.values(attributes)).toEqual([1.5, -2000, 0, 1e-7, NaN, Infinity, -Infinity]);
  });

  it('refuses OTLP/JSON double text that is not a number', () => {
    for (const text of ['', ' 1', '1.5x', '0x10', 'toString', 'infinity']) {
      const batch = decodeTraceRequestJson(Buffer.from(JSON.stringify(request([{ key: 'd', value: { doubleValue: text } }]))));
      expect(batch.rejected.reasons, JSON.stringify(text)).toEqual([
        'resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.doubleValue: expected a number (or a string holding one)',
      ]);
    }
  });
});
