import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertmanagerBinary, skipNote, startAlertmanager, waitFor, type RunningService } from '../export/support/tools.js';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { createSdk, type SpanSpec } from '../helpers/sdk.js';

const T0 = Date.parse('2026-11-20T06:00:00Z');
const token = (name: string) => `${name}-token-0123456789abcdef`;

const pipeline = (runId: string, startMs: number): SpanSpec => ({
  name: 'run deploy',
  startMs,
  endMs: startMs + 120_000,
  attributes: { 'cicd.pipeline.name': 'deploy', 'cicd.pipeline.run.id': runId, 'cicd.pipeline.result': 'failure' },
  error: { type: 'DeployError', message: 'deploy to prod failed with code 7' },
  children: [
    {
      name: 'push',
      startMs: startMs + 1_000,
      endMs: startMs + 119_000,
      attributes: { 'cicd.pipeline.task.name': 'push', 'cicd.pipeline.task.run.result': 'failure' },
      error: { type: 'DeployError', message: 'deploy to prod failed with code 7' },
    },
  ],
});

interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  fingerprint: string;
}

/** Two tenants whose runs fail alike push the same findings: Alertmanager must hold each tenant's apart. */
describe.skipIf(!alertmanagerBinary())(`tenants' findings in Alertmanager${skipNote({ 'prometheus-alertmanager': alertmanagerBinary() })}`, () => {
  let am: RunningService;
  let agent: TestAgent;

  beforeAll(async () => {
    am = await startAlertmanager('route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n');
    agent = await startTestAgent({
      // Only alpha's organisation is set: beta's links open in whatever organisation the user is in.
      alertmanager: { url: am.url, resendInterval: '1s', grafanaUrl: 'https://grafana.example.com/', grafanaOrgs: { alpha: 7 } },
      auth: {
        ingestTokens: [{ token: token('alpha-ingest'), tenant: 'alpha' }, { token: token('beta-ingest'), tenant: 'beta' }],
        apiTokens: [{ token: token('alpha-api'), tenant: 'alpha' }, { token: token('beta-api'), tenant: 'beta' }],
      },
    });
    for (const tenant of ['alpha', 'beta']) {
      const sdk = createSdk('http/protobuf', agent, { 'service.name': 'ci' }, { token: token(`${tenant}-ingest`) });
      for (let i = 0; i < 12; i++) await sdk.emit(pipeline(`run-${i}`, T0 + i * 600_000));
      await sdk.shutdown();
      expect((await agent.post('/api/v1/analyze', undefined, token(`${tenant}-api`))).status).toBe(200);
    }
  }, 120_000);
  afterAll(async () => {
    await agent?.close();
    await am?.stop();
  });

  it('keeps the same finding of two tenants as two alerts, each labelled with its tenant', async () => {
    const byTenant = await waitFor('both tenants’ findings in Alertmanager', async () => {
      const response = await fetch(`${am.url}/api/v2/alerts?filter=${encodeURIComponent('alertname="FlowLensFinding"')}`);
      const alerts = (await response.json()) as AmAlert[];
      const of = (tenant: string) => alerts.filter((a) => a.labels.tenant === tenant);
      return of('alpha').length > 0 && of('beta').length > 0 ? { alpha: of('alpha'), beta: of('beta') } : undefined;
    });
    const fingerprints = (alerts: AmAlert[]) => alerts.map((a) => a.labels.fingerprint).sort();
    expect(fingerprints(byTenant.alpha)).toEqual(fingerprints(byTenant.beta));
    const identities = new Set([...byTenant.alpha, ...byTenant.beta].map((a) => a.fingerprint));
    expect(identities.size).toBe(byTenant.alpha.length + byTenant.beta.length);
    // Each tenant's on-call engineer lands on the app in the organisation that holds the tenant's token.
    for (const alert of byTenant.alpha) expect(alert.annotations.dashboard).toBe('https://grafana.example.com/a/flowlens-workflows-app/workflow/deploy?orgId=7');
    for (const alert of byTenant.beta) expect(alert.annotations.dashboard).toBe('https://grafana.example.com/a/flowlens-workflows-app/workflow/deploy');
  });
});
