/**
 * A troubleshooting session begins when the user opens it, however long the agent has been quiet: the runs that
 * started before then ran without the fix, even when their spans arrive after it, and cannot verify it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { createSdk, pipelineOfTasks, type Sdk } from '../helpers/sdk.js';

const HOUR = 3_600_000;

describe('a session opened on a quiet agent', () => {
  let agent: TestAgent;
  let sdk: Sdk;
  let runs = 0;
  const run = (startMs: number, result: string) => {
    const spec = pipelineOfTasks('nightly-export', startMs, 3, result, (i) => `task-${i}`);
    return sdk.emit({ ...spec, attributes: { ...spec.attributes, 'cicd.pipeline.run.id': String(++runs) } });
  };

  beforeAll(async () => {
    agent = await startTestAgent();
    sdk = createSdk('http/protobuf', agent, { 'service.name': 'ci', 'cicd.pipeline.name': 'nightly-export' });
  });
  afterAll(async () => {
    await sdk.shutdown();
    await agent.close();
  });

  it('counts only the runs that started after it was opened', async () => {
    // Runs every 10 minutes until six hours ago, the latest failing; then nothing until the session is opened.
    const quietSince = Date.now() - 6 * HOUR;
    for (let i = 24; i >= 1; i--) await run(quietSince - i * 600_000, i <= 6 ? 'failure' : 'success');
    const opened = await agent.post('/api/v1/sessions', { workflow: 'nightly-export' });
    expect(opened.status).toBe(201);
    const id = opened.body.id as string;

    // Runs that started in the quiet hours, before the session, whose spans come only now.
    for (let i = 1; i <= 6; i++) await run(quietSince + i * 600_000, 'success');
    const before = (await agent.post(`/api/v1/sessions/${id}/verify`)).body;
    expect(before).toMatchObject({ status: 'pending', runs: 0 });

    const started = Date.now();
    for (let i = 0; i < 5; i++) await run(started + i, 'success');
    expect((await agent.post(`/api/v1/sessions/${id}/verify`)).body).toMatchObject({ status: 'verified', runs: 5 });
  });
});
