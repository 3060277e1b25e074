/**
 * A trace's spans are stored as the protobuf bytes they arrived in, or as JSON tuples when they came as JSON:
 * either way they must read back as the decoder gave them, scope names included.
 */
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { decodeTraceRequestJson } from '../../src/decode/trace/json.js';
import { decodeTraceRequestProto } from '../../src/decode/trace/protobuf.js';
import type { OtlpSpan, TraceBatch } from '../../src/model/otlp.js';
import { spansFromChunk, spansToChunk } from '../../src/store/sqlite/span-chunk.js';
import { emitManySpans, emitSampleSpans, sdkSpans } from '../decode/sdk-data.js';
import { span } from '../normalise/helpers.js';

const spansOf = (batch: TraceBatch) => batch.resourceSpans.flatMap((g) => g.scopes.flatMap((s) => s.spans));
const withoutWire = (spans: OtlpSpan[]) => spans.map(({ wire: _wire, ...rest }) => rest);
const resource = { 'service.name': 'ci-runner' };

describe('span chunks', () => {
  it('keep protobuf spans as their bytes and read them back as decoded, across scopes', async () => {
    const sdk = await sdkSpans((tracer) => {
      emitSampleSpans(tracer);
      emitManySpans(tracer, 30);
    });
    // Three runs of scopes (a, b, a): each run becomes a ScopeSpans of its own.
    const spans = spansOf(decodeTraceRequestProto(ProtobufTraceSerializer.serializeRequest(sdk)!)).map((s, i, all) => ({
      ...s,
      resource,
      scopeName: i < all.length / 3 || i >= (2 * all.length) / 3 ? 'runner.a' : 'runner.b',
    }));
    const chunk = spansToChunk(spans);
    expect(Buffer.isBuffer(chunk)).toBe(true);
    // Nothing but the spans' own bytes and a few bytes of framing per span and scope.
    expect((chunk as Buffer).length).toBeLessThan(spans.reduce((sum, s) => sum + s.wire!.length + 4, 64));
    const back = spansFromChunk(chunk, spans[0]!.traceId, resource);
    expect(withoutWire(back)).toEqual(withoutWire(spans));
    expect(back.every((s) => s.resource === resource)).toBe(true);
  });

  it('keep spans that came as JSON as tuples, and read them back equal', async () => {
    const sdk = await sdkSpans(emitSampleSpans);
    const spans = spansOf(decodeTraceRequestJson(Buffer.from(JsonTraceSerializer.serializeRequest(sdk)!))).map((s) => ({ ...s, resource }));
    const chunk = spansToChunk(spans);
    expect(typeof chunk).toBe('string');
    expect(spansFromChunk(chunk, spans[0]!.traceId, resource)).toEqual(spans);
  });

  it('fall back to tuples when one span of the trace has no bytes', () => {
    const made = span({ id: 'a1', name: 'run', start: 1, end: 2, scope: 'jenkins' });
    const chunk = spansToChunk([made]);
    expect(spansFromChunk(chunk, made.traceId, made.resource)).toEqual([made]);
  });
});
