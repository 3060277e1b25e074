/**
 * Log records that only look alike are different records: the agent drops a record as a re-send only when it says
 * all the same things (time, trace context, body, severity, attributes, resource, scope). Two pods logging the same
 * line in the same millisecond, with or without trace context, are two records; a re-sent request adds nothing.
 * A record with no time at all is placed at the time the agent received it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { sampleValue } from '../helpers/metrics.js';
import { exportTraces, nanos, spanIdOf, traceIdOf, traceRequest } from './otlp-requests.js';

const TRACE = traceIdOf(0x10c);
const SPAN = spanIdOf(0x10c);
const WORKFLOW = 'log-identity';

describe('log records told apart by all they say', () => {
  let agent: TestAgent;
  const now = Date.now();
  const atMs = now - 5 * 60_000;
  const range = `from=${new Date(now - 3_600_000).toISOString()}&to=${new Date(now + 3_600_000).toISOString()}`;

  const resource = (pod: string) => ({ attributes: [{ key: 'service.name', value: { stringValue: 'api' } }, { key: 'k8s.pod.name', value: { stringValue: pod } }] });
  const line = { timeUnixNano: nanos(atMs), severityNumber: 17, severityText: 'ERROR', body: { stringValue: 'connection reset by peer' } };
  const traced = { ...line, traceId: TRACE, spanId: SPAN };
  const group = (pod: string, ...logRecords: object[]) => ({ resource: resource(pod), scopeLogs: [{ scope: { name: 'app' }, logRecords }] });
  /** Seven records, no two saying all the same things. */
  const request = {
    resourceLogs: [
      group('pod-a', traced, { ...traced, severityNumber: 13, severityText: 'WARN' }, { ...traced, attributes: [{ key: 'attempt', value: { intValue: '2' } }] }, line),
      group('pod-b', traced, line),
      { resource: resource('pod-b'), scopeLogs: [{ scope: { name: 'other-logger' }, logRecords: [line] }] },
    ],
  };

  const postLogs = async (body: object) => {
    const response = await fetch(`${agent.otlpHttpUrl}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect([response.status, await response.text()]).toEqual([200, '{}']);
  };
  const duplicates = async () => sampleValue(await (await fetch(`${agent.apiUrl}/metrics`)).text(), 'flowlens_duplicate_items_total', 'signal="logs"') ?? 0;
  const runLogs = async () => {
    const [run] = (await agent.get(`/api/v1/workflows/${WORKFLOW}/runs?${range}`)).body.items as { id: string }[];
    return (await agent.get(`/api/v1/runs/${encodeURIComponent(run!.id)}`)).body.logs as { time: string; severity: string; body: string }[];
  };

  beforeAll(async () => {
    agent = await startTestAgent();
    const root = { traceId: TRACE, spanId: SPAN, name: WORKFLOW, startTimeUnixNano: nanos(atMs - 60_000), endTimeUnixNano: nanos(atMs + 60_000) };
    expect((await exportTraces(agent, 'http/json', traceRequest({ resource: { 'service.name': 'api' }, spans: [root] }))).status).toBe(200);
  });
  afterAll(() => agent.close());

  it('stores every one of records alike in time and body but not in severity, attributes, resource or scope', async () => {
    await postLogs(request);
    expect(await duplicates()).toBe(0);
    // Pod a's three traced records and pod b's one (records of one millisecond come in any order).
    expect((await runLogs()).map((log) => log.severity).sort()).toEqual(['ERROR', 'ERROR', 'ERROR', 'WARN']);
  });

  it('drops every record of a re-sent request as a duplicate', async () => {
    await postLogs(request);
    expect(await duplicates()).toBe(7);
    expect(await runLogs()).toHaveLength(4);
  });

  it('places a record with neither time nor observed time at the time it was received', async () => {
    const before = Date.now();
    await postLogs({ resourceLogs: [group('pod-a', { traceId: TRACE, spanId: SPAN, body: { stringValue: 'no time given' } })] });
    const log = (await runLogs()).find((l) => l.body === 'no time given')!;
    expect(Date.parse(log.time)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(log.time)).toBeLessThanOrEqual(Date.now());
  });
});
