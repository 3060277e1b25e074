/**
 * Attribute values and span names as the API shows them, the same over OTLP/HTTP (JSON and protobuf) and OTLP/gRPC:
 * int64 values past 2^53 exact (as decimal text), a double sent as a string (which the proto3 JSON mapping allows),
 * and bytes values and span names cut to the length limit, as string values are.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_VALUE_CHARS } from '../../src/decode/common/limits.js';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { exportTraces, nanos, spanIdOf, traceIdOf, traceRequest, TRANSPORTS } from './otlp-requests.js';

const LONG_NAME = 200_000;
const BLOB = Buffer.alloc(100_000, 0xab);
const BLOB_BASE64 = BLOB.toString('base64');

describe('attribute values and span names', () => {
  let agent: TestAgent;
  const now = Date.now();
  const range = `from=${new Date(now - 3_600_000).toISOString()}&to=${new Date(now + 3_600_000).toISOString()}`;
  const statuses: number[] = [];

  beforeAll(async () => {
    agent = await startTestAgent();
    let id = 0;
    const root = (name: string, attributes: object[] = []) => ({
      traceId: traceIdOf(++id), spanId: spanIdOf(id), name, startTimeUnixNano: nanos(now - 60_000), endTimeUnixNano: nanos(now - 1_000), attributes,
    });
    for (const transport of TRANSPORTS) {
      const t = transport.replace('http/', '');
      const attributes = [
        { key: 'int.max', value: { intValue: '9223372036854775807' } },
        { key: 'int.min', value: { intValue: '-9223372036854775808' } },
        { key: 'int.past.2^53', value: { intValue: '9007199254740993' } },
        { key: 'int.safe', value: { intValue: '9007199254740991' } },
        { key: 'double.as.text', value: { doubleValue: '1.5' } },
        { key: 'blob', value: { bytesValue: BLOB_BASE64 } },
        { key: '__proto__', value: { kvlistValue: { values: [{ key: 'polluted', value: { boolValue: true } }] } } },
      ];
      const spans = [root(`${t} values`, attributes), root(`${t} ${'x'.repeat(LONG_NAME)}`)];
      statuses.push((await exportTraces(agent, transport, traceRequest({ resource: { 'service.name': 'values' }, spans }))).status);
    }
  });
  afterAll(() => agent.close());

  it('takes every span', () => {
    expect(statuses).toEqual([200, 200, 0]);
  });

  it('keeps int64 values exact, reads a double given as text, and cuts a long bytes value', async () => {
    for (const t of ['json', 'protobuf', 'grpc']) {
      const [run] = (await agent.get(`/api/v1/workflows/${encodeURIComponent(`${t} values`)}/runs?${range}`)).body.items;
      const { attributes } = (await agent.get(`/api/v1/runs/${encodeURIComponent(run.id)}`)).body;
      expect(attributes, t).toMatchObject({
        'int.max': '9223372036854775807',
        'int.min': '-9223372036854775808',
        'int.past.2^53': '9007199254740993',
        'int.safe': 9007199254740991,
        'double.as.text': 1.5,
        blob: `${BLOB_BASE64.slice(0, MAX_VALUE_CHARS)}…[truncated ${BLOB_BASE64.length - MAX_VALUE_CHARS} characters]`,
      });
      // A key named __proto__ stays an attribute through the run's merge with its resource.
      expect(Object.entries(attributes).find(([key]) => key === '__proto__'), t).toEqual(['__proto__', { polluted: true }]);
    }
  });

  it('cuts a 200,000-character root span name, which names the workflow, to the length limit', async () => {
    const names: string[] = (await agent.get(`/api/v1/workflows?${range}`)).body.items.map((w: { name: string }) => w.name);
    const long = names.filter((name) => !name.endsWith(' values')).sort();
    expect(long.map((name) => name.slice(0, name.indexOf(' ')))).toEqual(['grpc', 'json', 'protobuf']);
    for (const name of long) {
      const prefix = name.slice(0, name.indexOf(' ') + 1);
      expect(name).toBe(`${prefix}${'x'.repeat(MAX_VALUE_CHARS - prefix.length)}…[truncated ${prefix.length + LONG_NAME - MAX_VALUE_CHARS} characters]`);
    }
  });
});
