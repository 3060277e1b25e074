/**
 * A resource attribute nested past the AnyValue depth limit (32) costs only that resource's spans, whichever way
 * the request comes: they are rejected as a partial success naming the problem, and the other resources' spans of
 * the request are stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { exportTraces, nanos, spanIdOf, traceIdOf, TRANSPORTS, type ExportAnswer, type Transport } from './otlp-requests.js';

const OK = { 'http/json': 200, 'http/protobuf': 200, grpc: 0 };

/** An AnyValue `levels` kvlists deep around a string. */
function nested(levels: number): object {
  let value: object = { stringValue: 'leaf' };
  for (let i = 0; i < levels; i++) value = { kvlistValue: { values: [{ key: `k${i}`, value }] } };
  return value;
}

describe('a resource nested too deeply', () => {
  let agent: TestAgent;
  const now = Date.now();
  const range = `from=${new Date(now - 3_600_000).toISOString()}&to=${new Date(now + 3_600_000).toISOString()}`;
  const answers = new Map<Transport, ExportAnswer>();

  beforeAll(async () => {
    agent = await startTestAgent();
    let id = 0;
    const root = (name: string) => ({
      traceId: traceIdOf(++id), spanId: spanIdOf(id), name, startTimeUnixNano: nanos(now - 60_000), endTimeUnixNano: nanos(now - 1_000),
    });
    for (const transport of TRANSPORTS) {
      const t = transport.replace('http/', '');
      const service = { key: 'service.name', value: { stringValue: 'nesting' } };
      answers.set(transport, await exportTraces(agent, transport, {
        resourceSpans: [
          { resource: { attributes: [service, { key: 'deep', value: nested(33) }] }, scopeSpans: [{ spans: [root(`${t} deep 1`), root(`${t} deep 2`)] }] },
          { resource: { attributes: [service] }, scopeSpans: [{ spans: [root(`${t} kept`)] }] },
        ],
      }));
    }
  });
  afterAll(() => agent.close());

  it("rejects that resource's spans as a partial success naming the depth limit", () => {
    for (const transport of TRANSPORTS) {
      const answer = answers.get(transport)!;
      expect([answer.status, answer.partial?.rejected], transport).toEqual([OK[transport], 2]);
      expect(answer.partial?.errorMessage, transport).toMatch(/^2 spans rejected: resource.*: AnyValue nested deeper than 32 levels/);
    }
  });

  it("stores the other resources' spans", async () => {
    const workflows = (await agent.get(`/api/v1/workflows?${range}`)).body.items.map((w: { name: string }) => w.name).sort();
    expect(workflows).toEqual(['grpc kept', 'json kept', 'protobuf kept']);
  });
});
