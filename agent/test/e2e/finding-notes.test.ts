/** Notes people write on a finding stay with it as analysis passes update it, and when it reopens. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { createSdk, type Sdk, type SpanSpec } from '../helpers/sdk.js';

const T0 = Date.now() - 2 * 86_400_000;

const failedRun = (i: number): SpanSpec => ({
  name: 'run deploy',
  startMs: T0 + i * 600_000,
  endMs: T0 + i * 600_000 + 60_000,
  attributes: { 'cicd.pipeline.name': 'deploy', 'cicd.pipeline.run.id': `r${i}`, 'cicd.pipeline.result': 'failure' },
  error: { type: 'DeployError', message: 'connection refused: registry.internal:443' },
});

describe('notes on a finding', () => {
  let agent: TestAgent;
  let sdk: Sdk;
  let id: string;
  const finding = async () => (await agent.get(`/api/v1/findings/${id}`)).body;
  const failAndAnalyse = async (from: number, to: number) => {
    for (let i = from; i < to; i++) await sdk.emit(failedRun(i));
    expect((await agent.post('/api/v1/analyze')).status).toBe(200);
  };

  beforeAll(async () => {
    agent = await startTestAgent();
    sdk = createSdk('http/json', agent, { 'service.name': 'ci' });
    await failAndAnalyse(0, 12);
    id = (await agent.get('/api/v1/findings?workflow=deploy')).body.items[0].id;
  }, 60_000);
  afterAll(async () => {
    await sdk.shutdown();
    await agent.close();
  });

  it('survive the next analysis pass', async () => {
    expect((await agent.post(`/api/v1/findings/${id}/acknowledge`, { by: 'ana', note: 'registry cert rotated' })).status).toBe(200);
    await failAndAnalyse(12, 14);
    expect(await finding()).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'ana',
      notes: [{ by: 'ana', status: 'acknowledged', note: 'registry cert rotated' }],
    });
  });

  it('survive a reopening', async () => {
    expect((await agent.post(`/api/v1/findings/${id}/resolve`, { by: 'ben', note: 'cert re-issued' })).status).toBe(200);
    await failAndAnalyse(14, 16);
    const reopened = await finding();
    expect(reopened.status).toBe('open');
    expect(reopened.notes.map((n: { note: string }) => n.note)).toEqual(['registry cert rotated', 'cert re-issued']);
  });
});
