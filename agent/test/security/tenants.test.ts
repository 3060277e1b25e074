import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { createSdk, type SpanSpec } from '../helpers/sdk.js';

const T0 = Date.parse('2026-11-20T06:00:00Z');
const range = `from=${new Date(T0 - 3_600_000).toISOString()}&to=${new Date(T0 + 86_400_000).toISOString()}`;
const token = (name: string) => `${name}-token-0123456789abcdef`;

/** A CI/CD-convention pipeline run; `secret` appears in its error and logs, so a leak would show. */
const pipeline = (workflow: string, runId: string, startMs: number, secret: string): SpanSpec => ({
  name: `run ${workflow}`,
  startMs,
  endMs: startMs + 120_000,
  attributes: { 'cicd.pipeline.name': workflow, 'cicd.pipeline.run.id': runId, 'cicd.pipeline.result': 'failure' },
  error: { type: 'DeployError', message: `deploy to ${secret} failed with code 7` },
  children: [
    {
      name: 'deploy',
      startMs: startMs + 1_000,
      endMs: startMs + 119_000,
      attributes: { 'cicd.pipeline.task.name': 'deploy', 'cicd.pipeline.task.run.result': 'failure' },
      error: { type: 'DeployError', message: `deploy to ${secret} failed with code 7` },
      logs: [{ atMs: startMs + 2_000, severity: 'ERROR', body: `cannot reach ${secret}` }],
    },
  ],
});

describe('tenants: a token sees only its tenant’s data, by every endpoint', () => {
  let agent: TestAgent;
  const runIds: Record<string, string[]> = { alpha: [], beta: [] };

  beforeAll(async () => {
    agent = await startTestAgent({
      auth: {
        ingestTokens: [{ token: token('alpha-ingest'), tenant: 'alpha' }, { token: token('beta-ingest'), tenant: 'beta' }],
        apiTokens: [{ token: token('alpha-api'), tenant: 'alpha' }, { token: token('beta-api'), tenant: 'beta' }, token('operator')],
      },
    });
    for (const [tenant, protocol] of [['alpha', 'http/protobuf'], ['beta', 'grpc']] as const) {
      const sdk = createSdk(protocol, agent, { 'service.name': `${tenant}-ci` }, { token: token(`${tenant}-ingest`) });
      for (let i = 0; i < 12; i++) {
        await sdk.emit(pipeline('deploy', `${tenant}-${i}`, T0 + i * 600_000, `${tenant}-secret.internal`));
        await sdk.emit(pipeline(`${tenant}-only`, `${tenant}-only-${i}`, T0 + i * 600_000, `${tenant}-secret.internal`));
      }
      await sdk.shutdown();
      const runs = await agent.get(`/api/v1/workflows/deploy/runs?${range}`, token(`${tenant}-api`));
      runIds[tenant] = runs.body.items.map((r: { id: string }) => r.id);
      expect((await agent.post('/api/v1/analyze', undefined, token(`${tenant}-api`))).status).toBe(200);
    }
  }, 120_000);
  afterAll(() => agent.close());

  it('refuses ingest and API calls without a valid token', async () => {
    const ingest = await fetch(`${agent.otlpHttpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(ingest.status).toBe(401);
    expect(ingest.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await fetch(`${agent.otlpHttpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer nope' },
      body: '{}',
    });
    expect(wrong.status).toBe(401);
    expect((await agent.get('/api/v1/workflows')).status).toBe(401);
    expect((await agent.get('/api/v1/workflows', 'wrong-token-0123456789')).status).toBe(401);
    expect((await agent.get('/metrics')).status).toBe(401);
    expect((await agent.get('/healthz')).status).toBe(200);
  });

  it('keeps each tenant’s workflows, runs, findings, patterns, recommendations, senders and metrics apart', async () => {
    for (const [me, other] of [['alpha', 'beta'], ['beta', 'alpha']] as const) {
      const t = token(`${me}-api`);
      const workflows = (await agent.get(`/api/v1/workflows?${range}`, t)).body.items;
      expect(workflows.map((w: { name: string }) => w.name).sort()).toEqual([`${me}-only`, 'deploy']);
      expect(workflows.find((w: { name: string }) => w.name === 'deploy').runs).toBe(12);
      expect((await agent.get(`/api/v1/workflows/${other}-only?${range}`, t)).status).toBe(404);
      expect((await agent.get(`/api/v1/workflows/${other}-only/runs?${range}`, t)).status).toBe(404);
      expect((await agent.get(`/api/v1/workflows/${other}-only/health`, t)).status).toBe(404);
      expect((await agent.get(`/api/v1/runs/${encodeURIComponent(runIds[other]![0]!)}`, t)).status).toBe(404);
      expect((await agent.get(`/api/v1/runs/${encodeURIComponent(runIds[me]![0]!)}`, t)).status).toBe(200);

      const everything = JSON.stringify([
        (await agent.get(`/api/v1/workflows/deploy?${range}`, t)).body,
        (await agent.get(`/api/v1/workflows/deploy/runs?${range}`, t)).body,
        (await agent.get(`/api/v1/runs/${encodeURIComponent(runIds[me]![0]!)}`, t)).body,
        (await agent.get('/api/v1/findings', t)).body,
        (await agent.get('/api/v1/recommendations', t)).body,
        (await agent.get(`/api/v1/patterns?${range}`, t)).body,
        (await agent.get('/api/v1/slos', t)).body,
      ]);
      expect(everything).toContain(`${me}-secret`);
      expect(everything).not.toContain(`${other}-secret`);
      expect(everything).not.toContain(`${other}-only`);

      const findings = (await agent.get('/api/v1/findings', t)).body.items;
      expect(findings.length).toBeGreaterThan(0);
      const otherFindings = (await agent.get('/api/v1/findings', token(`${other}-api`))).body.items;
      for (const finding of otherFindings) {
        expect((await agent.get(`/api/v1/findings/${finding.id}`, t)).status).toBe(404);
        expect((await agent.post(`/api/v1/findings/${finding.id}/acknowledge`, { by: me }, t)).status).toBe(404);
      }
      const session = await agent.post('/api/v1/sessions', { workflow: `${other}-only` }, t);
      expect(session.status).toBe(404);
      // A session started by the other tenant, and the run comparison across tenants, stay out of reach too.
      const theirs = (await agent.post('/api/v1/sessions', { workflow: `${other}-only` }, token(`${other}-api`))).body;
      expect((await agent.get(`/api/v1/sessions/${theirs.id}`, token(`${other}-api`))).status).toBe(200);
      expect((await agent.get(`/api/v1/sessions/${theirs.id}`, t)).status).toBe(404);
      expect((await agent.get(`/api/v1/runs/${encodeURIComponent(runIds[me]![0]!)}/compare?with=${encodeURIComponent(runIds[other]![0]!)}`, t)).status).toBe(404);

      const senders = (await agent.get('/api/v1/senders', t)).body.items;
      expect(senders.map((s: { service: string }) => s.service)).toEqual([`${me}-ci`]);

      const metrics = await fetch(`${agent.apiUrl}/metrics`, { headers: { authorization: `Bearer ${t}` } });
      const text = await metrics.text();
      expect(text).toContain(`workflow="${me}-only"`);
      expect(text).not.toContain(`${other}-only`);
      expect(text).toContain(`service="${me}-ci"`);
      expect(text).not.toContain(`${other}-ci`);
    }
  });

  it('gives an operator token (no tenant) the default tenant only', async () => {
    const workflows = (await agent.get(`/api/v1/workflows?${range}`, token('operator'))).body.items;
    expect(workflows).toEqual([]);
  });
});
