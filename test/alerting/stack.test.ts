import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { generateSloRules } from '../../agent/src/export/slo-rules.js';
import { createSdk, type Sdk, type SpanSpec } from '../../agent/test/helpers/sdk.js';
import { alertmanagerBinary, findBinary, skipNote, startAlertmanager, startService, waitFor, type RunningService } from '../../agent/test/export/support/tools.js';
import { AGENT_ENTRY, ALERTMANAGER_CONFIG, exists, RULES_FILE } from './paths.js';
import { readRuleFile } from './rules-model.js';

/**
 * The whole alerting path on real binaries: runners' spans (real OTel SDK) → agent → Prometheus scraping it and
 * evaluating the project's rules (plus rules generated from one of the agent's SLOs) → Alertmanager with the project's
 * routing tree and inhibitions → a webhook receiver here. Findings the agent pushes to Alertmanager itself take
 * the same route. Only timings are shortened: scrape and evaluation every second, `for:` 0s, group waits 1s.
 */

const prometheusBinary = findBinary('prometheus');
const SLO = { workflow: 'deploy', objective: 95, window: '1d' };
const SLO_LABEL = 'deploy-95';
/** An SLO without generated rules: the static alerts over the agent's burn rates page for it. */
const STATIC_SLO = { workflow: 'release', objective: 95, window: '1d' };

interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorURL: string;
}
interface Notification {
  receiver: string;
  status: 'firing' | 'resolved';
  groupLabels: Record<string, string>;
  alerts: WebhookAlert[];
}

interface AmAlert {
  labels: Record<string, string>;
  status: { state: string; inhibitedBy: string[] };
}

interface RouteNode {
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  routes?: RouteNode[];
}

/** The project's Alertmanager configuration with every receiver delivering to the test's webhook, sooner. */
async function testAlertmanagerConfig(webhookUrl: string): Promise<string> {
  const config = parse(await readFile(ALERTMANAGER_CONFIG, 'utf8')) as { route: RouteNode; receivers: { name: string }[] };
  const shorten = (route: RouteNode, root: boolean) => {
    if (root || route.group_wait) route.group_wait = '1s';
    if (root || route.group_interval) route.group_interval = '1s';
    if (root || route.repeat_interval) route.repeat_interval = '1h';
    for (const child of route.routes ?? []) shorten(child, false);
  };
  shorten(config.route, true);
  config.receivers = config.receivers.map(({ name }) => ({
    name,
    webhook_configs: [{ url: `${webhookUrl}/${name}`, send_resolved: true }],
  })) as typeof config.receivers;
  return stringify(config);
}

/** The project's rules with `for:` cut to 0s, so a test does not wait minutes. */
async function testRules(): Promise<string> {
  const rules = await readRuleFile(RULES_FILE);
  for (const group of rules.groups) for (const rule of group.rules) if (rule.for) rule.for = '0s';
  return stringify(rules);
}

function startWebhook(): Promise<{ url: string; notifications: Notification[]; server: Server }> {
  const notifications: Notification[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      notifications.push(JSON.parse(body) as Notification);
      response.writeHead(200).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, notifications, server })),
  );
}

/** A CI/CD-semconv pipeline run with one `push` step, ending `endMs`. */
function pipelineRun(workflow: string, runId: string, endMs: number, ok: boolean): SpanSpec {
  const startMs = endMs - 40_000;
  const error = ok ? undefined : { type: 'RegistryError', message: 'denied: requested access to the resource is denied' };
  return {
    name: `run ${workflow}`,
    kind: SpanKind.SERVER,
    startMs,
    endMs,
    attributes: { 'cicd.pipeline.name': workflow, 'cicd.pipeline.run.id': runId, 'cicd.pipeline.result': ok ? 'success' : 'failure' },
    ...(error && { error }),
    children: [
      {
        name: 'push',
        startMs: startMs + 10_000,
        endMs,
        attributes: { 'cicd.pipeline.task.name': 'push', 'cicd.pipeline.task.run.id': `${runId}-push`, 'cicd.pipeline.task.run.result': ok ? 'success' : 'failure' },
        ...(error && { error }),
      },
    ],
  };
}

// Irregular gaps (seconds), so the agent learns no schedule and nothing looks stalled.
const GAPS = [5, 17, 9, 31, 3, 22, 12, 40, 7, 26, 14, 2, 35];

const needs = { 'agent/src/index.ts': exists(AGENT_ENTRY), prometheus: prometheusBinary, 'prometheus-alertmanager': alertmanagerBinary() };

describe.skipIf(skipNote(needs) !== '')(`alerting stack end to end${skipNote(needs)}`, () => {
  let dir: string;
  let webhook: Awaited<ReturnType<typeof startWebhook>>;
  let am: RunningService;
  let prometheus: RunningService;
  let agent: { apiUrl: string; otlpHttpUrl?: string; stop(): Promise<void> };
  let sdk: Sdk;
  let runNumber = 0;

  const api = async <T>(method: string, path: string): Promise<T> => {
    const response = await fetch(`${agent.apiUrl}${path}`, { method });
    expect(response.status, `${method} ${path}`).toBeLessThan(300);
    return (await response.json()) as T;
  };
  const analyse = () => api('POST', '/api/v1/analyze');
  const emitRuns = async (workflow: string, outcomes: boolean[], lastEndMs: number) => {
    let endMs = lastEndMs - outcomes.length * 1_000;
    for (const [i, ok] of outcomes.entries()) {
      endMs += GAPS[i % GAPS.length]! * 100;
      await sdk.emit(pipelineRun(workflow, `${workflow}-${++runNumber}`, endMs, ok));
    }
  };
  const promQuery = async (query: string) => {
    const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(query)}`);
    const body = (await response.json()) as { data: { result: { metric: Record<string, string> }[] } };
    return body.data.result;
  };
  const amAlerts = async (alertname: string) => {
    const response = await fetch(`${am.url}/api/v2/alerts?filter=${encodeURIComponent(`alertname="${alertname}"`)}`);
    return (await response.json()) as AmAlert[];
  };
  /** Waits for a notification holding an alert that matches; analysis runs meanwhile, as on a schedule. */
  const notified = (what: string, match: (n: Notification, a: WebhookAlert) => boolean) =>
    waitFor(what, async () => {
      const hit = webhook.notifications.flatMap((n) => n.alerts.map((a) => [n, a] as const)).find(([n, a]) => match(n, a));
      if (!hit) await analyse();
      return hit;
    }, 120, 500);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flowlens-stack-'));
    webhook = await startWebhook();
    am = await startAlertmanager(await testAlertmanagerConfig(webhook.url));

    const { startAgent } = (await import('../../agent/src/index.js')) as {
      startAgent(config: unknown): Promise<{ apiUrl: string; otlpHttpUrl?: string; stop(): Promise<void> }>;
    };
    agent = await startAgent({
      storage: { path: join(dir, 'flowlens.db') },
      otlp: { http: '127.0.0.1:0', grpc: false },
      api: { listen: '127.0.0.1:0' },
      analysis: { enabled: false },
      alertmanager: { url: am.url, resendInterval: '1s' },
      slos: [SLO, STATIC_SLO],
    });
    sdk = createSdk('http/protobuf', agent, { 'service.name': 'ci' });

    const agentTarget = new URL(agent.apiUrl).host;
    prometheus = await startService({
      binary: prometheusBinary!,
      name: 'prometheus',
      files: {
        'flowlens.rules.yml': await testRules(),
        'slo.rules.yml': generateSloRules([SLO]),
        'prometheus.yml': stringify({
          global: { scrape_interval: '1s', evaluation_interval: '1s' },
          rule_files: ['*.rules.yml'],
          alerting: { alertmanagers: [{ static_configs: [{ targets: [new URL(am.url).host] }] }] },
          scrape_configs: [{ job_name: 'flowlens', static_configs: [{ targets: [agentTarget] }] }],
        }),
      },
      args: (d, listen) => [
        `--config.file=${join(d, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(d, 'data')}`,
        `--web.listen-address=${listen}`,
        '--rules.alert.resend-delay=1s',
      ],
      readyPath: '/-/ready',
    });

    // Phase 1: both outcomes seen once, so the counters exist before the failures (increase() needs a start).
    const now = Date.now();
    await emitRuns('deploy', [true, false], now - 120_000);
    await emitRuns('release', [true, false], now - 120_000);
    await emitRuns('steady', [true, true, true, true], now - 120_000);
    await analyse();
    await waitFor('Prometheus to scrape the first runs', async () =>
      (await promQuery('flowlens_workflow_runs_total{workflow=~"deploy|release", status="failure"}')).length === 2 ? true : undefined);

    // Phase 2: deploy and release start failing.
    await emitRuns('deploy', Array(8).fill(false), now);
    await emitRuns('release', Array(6).fill(false), now);
    await emitRuns('steady', [true, true], now);
    await analyse();
  });

  afterAll(async () => {
    await sdk?.shutdown();
    await prometheus?.stop();
    await agent?.stop();
    await am?.stop();
    webhook?.server.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Waits until Alertmanager holds an alert `alertname` matching `match`, silenced by an inhibition. */
  const inhibited = (alertname: string, match: (a: AmAlert) => boolean) =>
    waitFor(`${alertname} inhibited`, async () => {
      const alert = (await amAlerts(alertname)).find(match);
      if (!alert || alert.status.state !== 'suppressed') await analyse();
      return alert?.status.state === 'suppressed' ? alert : undefined;
    }, 120, 500);

  it("leaves each failing workflow's rule alert, in its own group, to the finding the agent pushes for it", async () => {
    for (const workflow of ['deploy', 'release']) {
      const [, finding] = await notified(`a pushed finding for ${workflow}`, (_, a) =>
        a.labels.alertname === 'FlowLensFinding' && a.labels.workflow === workflow && a.status === 'firing');
      expect(['critical', 'warning']).toContain(finding.labels.severity);
      const failing = await inhibited('FlowLensWorkflowFailing', (a) => a.labels.workflow === workflow);
      expect(failing.labels).toMatchObject({ workflow, severity: 'warning' });
      expect(failing.status.inhibitedBy.length).toBeGreaterThan(0);
    }
    const steady = webhook.notifications.flatMap((n) => n.alerts).filter((a) => a.labels.workflow === 'steady');
    // A workflow with too few runs to judge has health "unknown": it must not export a score of 0.
    expect(steady.map((a) => a.labels.alertname), 'a workflow that only succeeds alerts nothing').toEqual([]);
  });

  it('pages each SLO once: the finding the agent pushes silences the burn alerts, of generated rules or else of the agent burn rates', async () => {
    for (const workflow of ['deploy', 'release']) {
      const [page] = await notified(`the SLO finding of ${workflow}`, (_, a) =>
        a.labels.alertname === 'FlowLensFinding' && a.labels.kind === 'sla' && a.labels.workflow === workflow && a.labels.severity === 'critical');
      expect(['oncall-slack', 'platform-oncall-slack']).toContain(page.receiver);
    }
    const fast = await inhibited('FlowLensSLOFastBurn', (a) => a.labels.workflow === 'release');
    expect(fast.labels).toMatchObject({ workflow: 'release', slo: 'release-95', severity: 'critical', category: 'slo' });
    const generated = await inhibited('FlowLensSLOErrorBudgetBurn', (a) => a.labels.workflow === 'deploy' && a.labels.severity === 'critical');
    expect(generated.labels).toMatchObject({ workflow: 'deploy', slo: SLO_LABEL, category: 'slo' });

    // Its low health is the critical finding's to tell, which inhibits it.
    const unhealthy = await inhibited('FlowLensWorkflowHealthLow', (a) => a.labels.workflow === 'deploy');
    expect(unhealthy.status.inhibitedBy.length).toBeGreaterThan(0);

    const slow = await waitFor('FlowLensSLOSlowBurn in Alertmanager', async () => (await amAlerts('FlowLensSLOSlowBurn'))[0]);
    expect(slow.labels).toMatchObject({ workflow: 'release', slo: 'release-95' });
    expect(slow.status.state).toBe('suppressed');
    expect(slow.status.inhibitedBy.length).toBeGreaterThan(0);
    // deploy has generated rules: the static alerts leave it to them.
    const staticAlerts = [...(await amAlerts('FlowLensSLOFastBurn')), ...(await amAlerts('FlowLensSLOSlowBurn'))];
    expect(staticAlerts.map((a) => a.labels.workflow)).not.toContain('deploy');
  });

  it('delivers the finding the agent pushes, which silences the rule counting it', async () => {
    const [notification, alert] = await notified('a pushed FlowLensFinding', (_, a) =>
      a.labels.alertname === 'FlowLensFinding' && a.labels.kind === 'sla' && a.labels.workflow === 'deploy' && a.status === 'firing');
    expect(alert.labels).toMatchObject({ workflow: 'deploy', severity: 'critical' });
    expect(alert.annotations).toMatchObject({ finding_severity: 'critical', dashboard: 'http://localhost:3000/a/flowlens-workflows-app/workflow/deploy' });
    expect(['oncall-slack', 'platform-oncall-slack']).toContain(notification.receiver);
    expect(alert.annotations.summary).toContain(SLO_LABEL);
    expect(alert.generatorURL).toMatch(new RegExp(`^${agent.apiUrl}/api/v1/findings/`));
    const finding = await fetch(alert.generatorURL);
    expect(finding.status).toBe(200);

    const counted = await waitFor('FlowLensCriticalFindingOpen for the SLO finding', async () =>
      (await amAlerts('FlowLensCriticalFindingOpen')).find((a) => a.labels.kind === 'sla' && a.labels.workflow === 'deploy'));
    expect(counted.labels.workflow).toBe('deploy');
    expect(counted.status.state).toBe('suppressed');
  });

  it('resolves the pushed finding once the finding is resolved', async () => {
    // Resolved by hand: it stays resolved until a later run shows the problem again, and its alert ends at once
    // (runs ahead of the agent's clock cannot recover it: the analysis runs at the newest event not in the future).
    const { items } = await api<{ items: { id: string; kind: string; workflow: string }[] }>('GET', '/api/v1/findings?workflow=deploy&kind=sla');
    await api('POST', `/api/v1/findings/${items[0]!.id}/resolve`);
    const [notification, alert] = await notified('the SLO finding resolved', (_, a) =>
      a.labels.alertname === 'FlowLensFinding' && a.labels.kind === 'sla' && a.labels.workflow === 'deploy' && a.status === 'resolved');
    expect(alert.labels.workflow).toBe('deploy');
    // deploy's group also holds the failure finding it shares with release, still open: its alert stays.
    expect(notification.alerts.filter((a) => a.labels.kind === 'error_pattern').map((a) => [a.labels.workflow, a.status])).toEqual([['deploy', 'firing']]);
  });
});
