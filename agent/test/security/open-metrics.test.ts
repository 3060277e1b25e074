import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { createSdk, pipelineOfTasks } from '../helpers/sdk.js';

const token = (name: string) => `${name}-token-0123456789abcdef`;

/** `/metrics` open to all (`auth.metricsRequireToken: false`): a tenant's token still reads only its tenant's. */
describe('open /metrics with tenant tokens', () => {
  let agent: TestAgent;
  const metrics = async (bearer?: string) => {
    const response = await fetch(`${agent.apiUrl}/metrics`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
    return { status: response.status, text: await response.text() };
  };

  beforeAll(async () => {
    agent = await startTestAgent({
      auth: {
        ingestTokens: [{ token: token('alpha-ingest'), tenant: 'alpha' }],
        apiTokens: [{ token: token('alpha-api'), tenant: 'alpha' }, token('operator')],
        metricsRequireToken: false,
      },
    });
    const sdk = createSdk('http/json', agent, { 'service.name': 'alpha-ci' }, { token: token('alpha-ingest') });
    await sdk.emit(pipelineOfTasks('alpha-deploy', Date.now() - 600_000, 2, 'success', (i) => `task-${i}`));
    await sdk.shutdown();
  });
  afterAll(() => agent.close());

  it("gives a tenant's token its tenant's metrics, and no token the default tenant's", async () => {
    const alpha = await metrics(token('alpha-api'));
    expect(alpha.status).toBe(200);
    expect(alpha.text).toContain('workflow="RUN alpha-deploy"');
    const anonymous = await metrics();
    expect(anonymous.status).toBe(200);
    expect(anonymous.text).not.toContain('alpha-deploy');
    expect((await metrics(token('operator'))).text).not.toContain('alpha-deploy');
  });

  it('refuses a wrong token instead of reading it as none', async () => {
    expect((await metrics('wrong-token-0123456789abcdef')).status).toBe(401);
  });
});
