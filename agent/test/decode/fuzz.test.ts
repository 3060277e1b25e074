/**
 * Fuzzing (the Collector's otlpreceiver fuzz_test.go): random and mutated payloads into every decoder and
 * through the HTTP receiver. Decoders may only fail with OtlpDecodeError, whatever they return must be well
 * formed, and the server must keep serving.
 */
import { JsonLogsSerializer, JsonTraceSerializer, ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/analyse/prng.js';
import { OtlpDecodeError } from '../../src/decode/common/decode-error.js';
import { decodeLogsRequestJson } from '../../src/decode/logs/json.js';
import { decodeLogsRequestProto } from '../../src/decode/logs/protobuf.js';
import { decodeTraceRequestJson } from '../../src/decode/trace/json.js';
import { decodeTraceRequestProto } from '../../src/decode/trace/protobuf.js';
import type { LogBatch, TraceBatch } from '../../src/model/otlp.js';
import { createHttpReceiver } from '../../src/receive/http-receiver.js';
import { send } from '../receive/http-helpers.js';
import { RecordingConsumer } from '../receive/sinks.js';
import { emitManySpans, emitSampleLogs, emitSampleSpans, sdkLogRecords, sdkSpans } from './sdk-data.js';

const spans = await sdkSpans((t) => (emitSampleSpans(t), emitManySpans(t, 5)));
const records = await sdkLogRecords(emitSampleLogs);
const seeds = {
  tracesPb: Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!),
  logsPb: Buffer.from(ProtobufLogsSerializer.serializeRequest(records)!),
  tracesJson: Buffer.from(JsonTraceSerializer.serializeRequest(spans)!),
  logsJson: Buffer.from(JsonLogsSerializer.serializeRequest(records)!),
};

function mutate(seed: Buffer, random: () => number): Buffer {
  const out = Buffer.from(seed);
  const int = (n: number) => Math.floor(random() * n);
  switch (int(5)) {
    case 0: // flip a few bytes
      for (let i = int(8) + 1; i > 0; i--) out[int(out.length)] = int(256);
      return out;
    case 1: // truncate
      return out.subarray(0, int(out.length));
    case 2: { // insert random bytes
      const at = int(out.length);
      return Buffer.concat([out.subarray(0, at), Buffer.from(Array.from({ length: int(16) + 1 }, () => int(256))), out.subarray(at)]);
    }
    case 3: { // repeat a slice
      const from = int(out.length);
      const to = from + int(64);
      return Buffer.concat([out.subarray(0, to), out.subarray(from, to), out.subarray(to)]);
    }
    default: // pure noise
      return Buffer.from(Array.from({ length: int(512) }, () => int(256)));
  }
}

function wellFormed(batch: TraceBatch | LogBatch): void {
  const items = 'resourceSpans' in batch ? batch.resourceSpans.flatMap((g) => g.scopes.flatMap((s) => s.spans)) : batch.resourceLogs.flatMap((g) => g.scopes.flatMap((s) => s.logRecords));
  // Plain checks: `expect` per item would dominate the run time.
  if (items.length !== ('spanCount' in batch ? batch.spanCount : batch.recordCount)) throw new Error('item count differs from the groups');
  for (const item of items) {
    if (!/^([0-9a-f]{32})?$/.test(item.traceId) || !/^([0-9a-f]{16})?$/.test(item.spanId)) throw new Error(`bad ids ${item.traceId}/${item.spanId}`);
  }
}

const decoders: [string, (b: Buffer) => TraceBatch | LogBatch, Buffer][] = [
  ['protobuf traces', decodeTraceRequestProto, seeds.tracesPb],
  ['protobuf logs', decodeLogsRequestProto, seeds.logsPb],
  ['JSON traces', decodeTraceRequestJson, seeds.tracesJson],
  ['JSON logs', decodeLogsRequestJson, seeds.logsJson],
];

describe.each(decoders)('fuzzing the %s decoder', (_name, decode, seed) => {
  it('fails only with OtlpDecodeError on 1,500 mutated payloads', () => {
    const random = seededRandom(0xf10e5 + seed.length);
    let decoded = 0;
    let refused = 0;
    for (let i = 0; i < 1500; i++) {
      const input = mutate(seed, random);
      try {
        wellFormed(decode(input));
        decoded++;
      } catch (error) {
        if (!(error instanceof OtlpDecodeError)) throw new Error(`case ${i} (${input.toString('base64')}) threw ${String(error)}`);
        refused++;
      }
    }
    // Both outcomes must occur, or the mutations are not testing anything.
    expect(decoded).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(50);
  });
});

describe('fuzzing the HTTP receiver', () => {
  const consumer = new RecordingConsumer();
  const receiver = createHttpReceiver({ port: 0 }, consumer);
  afterAll(() => receiver.stop());

  it('answers 200 or 400 to 120 mutated bodies and keeps serving', async () => {
    const { port } = await receiver.start();
    const random = seededRandom(42);
    const cases: [string, string, Buffer][] = [
      ['/v1/traces', 'application/x-protobuf', seeds.tracesPb],
      ['/v1/logs', 'application/x-protobuf', seeds.logsPb],
      ['/v1/traces', 'application/json', seeds.tracesJson],
      ['/v1/logs', 'application/json', seeds.logsJson],
    ];
    const statuses = new Set<number>();
    for (let i = 0; i < 120; i++) {
      const [path, type, seed] = cases[i % cases.length]!;
      const answer = await send(port, path, mutate(seed, random), { 'Content-Type': type });
      statuses.add(answer.status);
    }
    expect([...statuses].sort()).toEqual([200, 400]);
    const before = consumer.spans().length;
    expect((await send(port, '/v1/traces', seeds.tracesPb, { 'Content-Type': 'application/x-protobuf' })).status).toBe(200);
    expect(consumer.spans().length - before).toBe(spans.length);
  });
});
