/**
 * Senders whose clocks are off, sent by the real SDK exporters over OTLP/HTTP and OTLP/gRPC: one runner's clock
 * runs ten minutes ahead, another's forty minutes behind, a third's is right. The agent measures each, in its API
 * and its metrics, and stores the runs of all three as sent. (It judges a clock only once a sender has been heard
 * from for 5 minutes: `test/ingest/sender-clocks.test.ts` follows senders over time.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { sampleValue } from '../helpers/metrics.js';
import { createSdk, pipelineOfTasks, type Protocol } from '../helpers/sdk.js';

const MIN = 60_000;

interface Sender {
  service: string;
  host: string;
  lagSeconds: number;
  clock: string;
  lastSeen: string;
}

describe("senders' clocks", () => {
  let agent: TestAgent;
  let senders: Sender[];
  let metrics: string;
  const sent: Record<string, number> = {};

  /** A run that ended a second ago by the runner's clock, which is `offsetMs` off the agent's. */
  async function runOn(protocol: Protocol, host: string, pipeline: string, offsetMs: number): Promise<void> {
    const sdk = createSdk(protocol, agent, { 'service.name': 'ci-runner', 'host.name': host, 'cicd.pipeline.name': pipeline, 'cicd.pipeline.run.id': '1' });
    const endMs = Date.now() + offsetMs - 1_000;
    sent[host] = Date.now();
    await sdk.emit(pipelineOfTasks(pipeline, endMs - 3_000, 3, 'success', (i) => `task ${i}`));
    await sdk.shutdown();
  }

  beforeAll(async () => {
    agent = await startTestAgent();
    await runOn('http/protobuf', 'build-ahead', 'deploy', 10 * MIN);
    await runOn('grpc', 'build-behind', 'nightly', -40 * MIN);
    await runOn('http/protobuf', 'build-ok', 'lint', 0);
    senders = (await agent.get('/api/v1/senders')).body.items;
    metrics = await (await fetch(`${agent.apiUrl}/metrics`)).text();
  });
  afterAll(() => agent.close());

  it('lists each sender with how far its clock is off, the furthest first, not judged after one export', () => {
    expect(senders.map((s) => [s.host, s.clock])).toEqual([
      ['build-behind', 'ok'],
      ['build-ahead', 'ok'],
      ['build-ok', 'ok'],
    ]);
    const lag = Object.fromEntries(senders.map((s) => [s.host, s.lagSeconds]));
    // The run ended a second before it was sent, by the sender's clock; sending and acknowledging add little.
    expect(lag['build-ahead']).toBeGreaterThanOrEqual(-599.5);
    expect(lag['build-ahead']).toBeLessThan(-590);
    expect(lag['build-behind']).toBeGreaterThanOrEqual(2_400.5);
    expect(lag['build-behind']).toBeLessThan(2_410);
    expect(lag['build-ok']).toBeGreaterThanOrEqual(0.5);
    expect(lag['build-ok']).toBeLessThan(10);
    for (const sender of senders) {
      expect(sender.service).toBe('ci-runner');
      expect(Date.parse(sender.lastSeen)).toBeGreaterThanOrEqual(sent[sender.host]!);
    }
  });

  it('exports the same lag as a gauge per service and host', () => {
    for (const sender of senders) {
      const value = sampleValue(metrics, 'flowlens_sender_lag_seconds', 'service="ci-runner"', `host="${sender.host}"`);
      expect(value).toBeCloseTo(sender.lagSeconds, 0);
    }
  });

  it('stores the runs of every sender as they were sent', async () => {
    for (const pipeline of ['deploy', 'nightly', 'lint']) {
      const range = `from=${Date.now() - 60 * MIN}&to=${Date.now() + 60 * MIN}`;
      const runs = (await agent.get(`/api/v1/workflows/${pipeline}/runs?${range}`)).body.items as { status: string }[];
      expect(runs.map((r) => r.status)).toEqual(['success']);
    }
  });
});
