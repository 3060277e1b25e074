import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { sampleValue } from '../helpers/metrics.js';
import { createSdk, pipelineOfTasks } from '../helpers/sdk.js';

const HOUR = 3_600_000;

/** The stall alert and the dashboard's "last run" go by this gauge: a run from the future would hide a stall for hours. */
describe("a workflow's last run, from a sender whose clock runs ahead", () => {
  let agent: TestAgent;
  let sentMs = 0;
  let metrics = '';

  beforeAll(async () => {
    agent = await startTestAgent();
    const sdk = createSdk('http/protobuf', agent, { 'service.name': 'ci-runner', 'cicd.pipeline.name': 'deploy', 'cicd.pipeline.run.id': '1' });
    sentMs = Date.now();
    // The runner's clock is 3 hours ahead: its run ended "3 hours from now".
    await sdk.emit(pipelineOfTasks('deploy', sentMs + 3 * HOUR - 5_000, 3, 'success', (i) => `task ${i}`));
    await sdk.shutdown();
    metrics = await (await fetch(`${agent.apiUrl}/metrics`)).text();
  });
  afterAll(() => agent.close());

  it('is put no later than the agent’s clock when the run arrived', () => {
    const lastRunS = sampleValue(metrics, 'flowlens_workflow_last_run_timestamp_seconds', 'workflow="deploy"')!;
    expect(lastRunS * 1000).toBeGreaterThanOrEqual(sentMs);
    expect(lastRunS * 1000).toBeLessThanOrEqual(Date.now());
  });
});
