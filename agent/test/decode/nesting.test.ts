/**
 * AnyValue nesting past the limit in protobuf: the span or log record holding it is dropped with a reason, and
 * the rest of the request is kept, as in OTLP/JSON. Requests are encoded by the protobufjs code generated from
 * the OTLP protos.
 */
import oracle from 'otlp-oracle/build/src/generated/root.js';
import { describe, expect, it } from 'vitest';
import { decodeLogsRequestProto } from '../../src/decode/logs/protobuf.js';
import { decodeTraceRequestProto } from '../../src/decode/trace/protobuf.js';

const collector = (oracle as any).opentelemetry.proto.collector;

/** An AnyValue `levels` kvlists deep around a string. */
function nested(levels: number): object {
  let value: object = { stringValue: 'leaf' };
  for (let i = 0; i < levels; i++) value = { kvlistValue: { values: [{ key: `k${i}`, value }] } };
  return value;
}

const id = (byte: number, length: number) => Buffer.alloc(length, byte);

function traces(deepSpanAttribute: object): Uint8Array {
  const span = (n: number, attributes: object[]) => ({
    traceId: id(1, 16),
    spanId: id(n, 8),
    name: `span ${n}`,
    startTimeUnixNano: 1_700_000_000_000_000_000n.toString(),
    endTimeUnixNano: 1_700_000_001_000_000_000n.toString(),
    attributes,
  });
  const request = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
        scopeSpans: [{ scope: { name: 'test' }, spans: [span(1, []), span(2, [{ key: 'deep', value: deepSpanAttribute }]), span(3, [])] }],
      },
    ],
  };
  const type = collector.trace.v1.ExportTraceServiceRequest;
  return type.encode(type.fromObject(request)).finish();
}

function logs(deepBody: object): Uint8Array {
  const record = (body: object) => ({ timeUnixNano: 1_700_000_000_000_000_000n.toString(), severityNumber: 17, body });
  const request = {
    resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ scope: { name: 'test' }, logRecords: [record({ stringValue: 'first' }), record(deepBody), record({ stringValue: 'last' })] }] }],
  };
  const type = collector.logs.v1.ExportLogsServiceRequest;
  return type.encode(type.fromObject(request)).finish();
}

/** Two spans of a resource nested `levels` deep, its resource after its spans on the wire, then a plain group. */
function resourceAfterSpans(levels: number): Uint8Array {
  const v1 = (oracle as any).opentelemetry.proto.trace.v1;
  const span = (n: number) => ({ traceId: id(1, 16), spanId: id(n, 8), name: `span ${n}`, startTimeUnixNano: '1700000000000000000' });
  const scopeSpans = v1.ResourceSpans.encode({ scopeSpans: [{ spans: [span(1), span(2)] }] }).finish();
  const resource = v1.ResourceSpans.encode({ resource: { attributes: [{ key: 'deep', value: nested(levels) }] } }).finish();
  const plain = v1.ResourceSpans.encode({ scopeSpans: [{ spans: [span(3)] }] }).finish();
  // Fields of a message may come in any order: ResourceSpans' scope_spans (2) here precede its resource (1).
  const group = (bytes: Uint8Array) => Buffer.concat([Buffer.from([0x0a]), varint(bytes.length), bytes]);
  return Buffer.concat([group(Buffer.concat([scopeSpans, resource])), group(plain)]);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  for (; n >= 0x80; n >>>= 7) out.push((n & 0x7f) | 0x80);
  out.push(n);
  return Buffer.from(out);
}

describe('AnyValue nesting in protobuf', () => {
  it('keeps a span whose attribute is nested to the limit', () => {
    const batch = decodeTraceRequestProto(traces(nested(32)));
    expect(batch.spanCount).toBe(3);
    expect(batch.rejected.count).toBe(0);
  });

  it('drops only the span nested past the limit, with the reason, and keeps the spans around it', () => {
    const batch = decodeTraceRequestProto(traces(nested(33)));
    const spans = batch.resourceSpans.flatMap((group) => group.scopes.flatMap((scope) => scope.spans));
    expect(spans.map((span) => span.name)).toEqual(['span 1', 'span 3']);
    expect(batch.spanCount).toBe(2);
    expect(batch.rejected).toEqual({ count: 1, reasons: [expect.stringMatching(/^AnyValue nested deeper than 32 levels at offset \d+$/)] });
  });

  it("drops a resource's spans when the resource is nested past the limit, also those before it on the wire", () => {
    const batch = decodeTraceRequestProto(resourceAfterSpans(33));
    const spans = batch.resourceSpans.flatMap((group) => group.scopes.flatMap((scope) => scope.spans));
    expect(spans.map((span) => span.name)).toEqual(['span 3']);
    expect(batch.spanCount).toBe(1);
    expect(batch.rejected).toEqual({ count: 2, reasons: [expect.stringMatching(/^resource: AnyValue nested deeper than 32 levels at offset \d+$/)] });
    expect(decodeTraceRequestProto(resourceAfterSpans(32)).spanCount).toBe(3);
  });

  it('drops only the log record whose body is nested past the limit', () => {
    const batch = decodeLogsRequestProto(logs(nested(1000)));
    const records = batch.resourceLogs.flatMap((group) => group.scopes.flatMap((scope) => scope.logRecords));
    expect(records.map((record) => record.body)).toEqual(['first', 'last']);
    expect(batch.rejected.count).toBe(1);
    expect(batch.rejected.reasons[0]).toMatch(/AnyValue nested deeper than 32 levels/);
  });
});
