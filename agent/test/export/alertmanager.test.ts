import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertmanagerNotifier } from '../../src/export/alertmanager.js';
import type { Finding } from '../../src/model/finding.js';
import { createLogger } from '../../src/runtime/logger.js';
import { alertmanagerBinary, freePort, skipNote, startAlertmanager, type RunningService } from './support/tools.js';

const AM_CONFIG = 'route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n';
const MINUTE = 60_000;
const GRAFANA = 'http://localhost:3000';
const LINKS = { externalUrl: 'http://127.0.0.1:9470', grafanaUrl: GRAFANA };

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    id: 'f-1',
    fingerprint: 'error_pattern:deploy:permission-denied',
    kind: 'error_pattern',
    workflow: 'deploy',
    severity: 'critical',
    category: 'permissions',
    confidence: 0.9,
    title: 'deploy fails: permission denied pushing the image',
    summary: '12 of 20 runs failed in step push with "denied: requested access to the resource is denied"',
    rootCause: { step: 'push', stepPath: ['release'], attributes: { 'runner.name': 'ci-7' }, description: 'The registry token of runner ci-7 expired' },
    evidence: {
      baseline: {},
      current: {},
      affectedRuns: 12,
      totalRuns: 20,
      exampleRunIds: [],
      errorLines: [],
      changes: { runId: 'r-9', baselineRunId: 'r-8', lines: ['`runner.name`: ci-3 → ci-7', 'step `push` failed: denied: requested access to the resource is denied'] },
    },
    recommendations: [{ title: 'Renew the registry token', steps: ['Create a new token', 'Update the CI secret REGISTRY_TOKEN'] }],
    status: 'open',
    firstSeen: '2026-11-21T10:00:00.000Z',
    lastSeen: '2026-11-21T11:00:00.000Z',
    ...overrides,
  };
}

interface GettableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  /** Alertmanager's identity of the alert, from its labels. */
  fingerprint: string;
  status: { state: string };
}

async function alerts(am: RunningService): Promise<GettableAlert[]> {
  const response = await fetch(`${am.url}/api/v2/alerts?filter=alertname%3D%22FlowLensFinding%22`);
  expect(response.status).toBe(200);
  return ((await response.json()) as GettableAlert[]).sort((a, b) => a.labels.fingerprint!.localeCompare(b.labels.fingerprint!));
}

function recordingLogger() {
  const lines: { level: string; message: string }[] = [];
  return { lines, logger: createLogger('debug', (line) => lines.push(JSON.parse(line))) };
}

describe.skipIf(!alertmanagerBinary())(`Alertmanager notifier against a real Alertmanager${skipNote({ 'prometheus-alertmanager': alertmanagerBinary() })}`, () => {
  let am: RunningService;
  let fixedNow = Date.now();
  const clock = () => fixedNow;
  beforeAll(async () => {
    am = await startAlertmanager(AM_CONFIG);
  });
  afterAll(() => am?.stop());

  it('sends open and acknowledged findings with labels, annotations and a link to the finding', async () => {
    const { logger } = recordingLogger();
    const notifier = createAlertmanagerNotifier({ url: am.url, resendInterval: MINUTE, externalUrl: 'https://flowlens.example.com/', grafanaUrl: 'https://grafana.example.com/' }, { logger, now: clock });
    await notifier.notify([
      finding(),
      finding({
        id: 'f-2',
        fingerprint: 'anomaly:nightly:duration',
        kind: 'anomaly',
        workflow: 'nightly',
        severity: 'medium',
        category: 'performance',
        status: 'acknowledged',
        evidence: { baseline: {}, current: {}, affectedRuns: 3, totalRuns: 20, exampleRunIds: [], errorLines: [] },
        recommendations: [],
      }),
    ]);
    const [nightly, deploy] = await alerts(am);
    expect(deploy!.labels).toEqual({
      alertname: 'FlowLensFinding',
      workflow: 'deploy',
      kind: 'error_pattern',
      severity: 'critical',
      category: 'permissions',
      fingerprint: 'error_pattern:deploy:permission-denied',
    });
    expect(deploy!.annotations).toEqual({
      summary: 'deploy fails: permission denied pushing the image',
      description: '12 of 20 runs failed in step push with "denied: requested access to the resource is denied"',
      root_cause: 'The registry token of runner ci-7 expired (step release › push)',
      recommendation: 'Renew the registry token\nCreate a new token\nUpdate the CI secret REGISTRY_TOKEN',
      changes: '`runner.name`: ci-3 → ci-7\nstep `push` failed: denied: requested access to the resource is denied',
      finding_severity: 'critical',
      runbook_url: 'https://github.com/flowlens/flowlens/blob/main/alert-rules/RUNBOOK.md#flowlensfinding',
      dashboard: 'https://grafana.example.com/a/flowlens-workflows-app/workflow/deploy',
    });
    expect(deploy!.generatorURL).toBe('https://flowlens.example.com/api/v1/findings/f-1');
    expect(deploy!.startsAt).toBe('2026-11-21T10:00:00.000Z');
    expect(deploy!.status.state).toBe('active');
    expect(nightly!.labels).toMatchObject({ workflow: 'nightly', severity: 'warning', kind: 'anomaly' });
    expect(nightly!.annotations.finding_severity).toBe('medium');
    expect(nightly!.annotations.recommendation).toBeUndefined();
    expect(nightly!.annotations.changes).toBeUndefined();
  });

  it('re-sends an open finding once per resend interval, keeping it alive in Alertmanager', async () => {
    const { logger } = recordingLogger();
    const f = finding({ id: 'f-3', fingerprint: 'stalled:hourly', kind: 'stalled', workflow: 'hourly' });
    const notifier = createAlertmanagerNotifier({ url: am.url, resendInterval: MINUTE, ...LINKS }, { logger, now: clock });
    const endsAt = async () => (await alerts(am)).find((a) => a.labels.workflow === 'hourly')!.endsAt;

    fixedNow = Date.now();
    await notifier.notify([f]);
    const first = await endsAt();
    // Four intervals would be four minutes: it lasts 15, past FlowLensAgentDown's five, if the agent stops.
    expect(Date.parse(first)).toBe(fixedNow + 15 * MINUTE);

    fixedNow += 30_000;
    await notifier.notify([f]);
    expect(await endsAt()).toBe(first);

    fixedNow += 30_000;
    await notifier.notify([f]);
    expect(Date.parse(await endsAt())).toBe(fixedNow + 15 * MINUTE);

    // A changed annotation goes out at once.
    fixedNow += 1_000;
    await notifier.notify([{ ...f, summary: 'no run for 3 hours' }]);
    const changed = (await alerts(am)).find((a) => a.labels.workflow === 'hourly')!;
    expect(changed.annotations.description).toBe('no run for 3 hours');
    expect(Date.parse(changed.endsAt)).toBe(fixedNow + 15 * MINUTE);
  });

  it('keeps a finding alive until the next scheduled pass re-sends it, from its first cycle on and across quiet hours', async () => {
    const { logger } = recordingLogger();
    const f = finding({ id: 'f-9', fingerprint: 'trend:quarterly', kind: 'trend', workflow: 'quarterly' });
    // Passes every 10 minutes, the next one 10 minutes away; later, at the end of the day, the next is 16 hours away.
    let untilNext = 10 * MINUTE;
    const notifier = createAlertmanagerNotifier({ url: am.url, resendInterval: MINUTE, untilNextPassMs: () => untilNext, ...LINKS }, { logger, now: clock });
    fixedNow = Date.now();
    await notifier.notify([f]);
    const alert = async () => (await alerts(am)).find((a) => a.labels.workflow === 'quarterly')!;
    // Not 4 minutes: the next pass, which re-sends it, comes only in 10.
    expect(Date.parse((await alert()).endsAt)).toBe(fixedNow + 4 * 10 * MINUTE);
    fixedNow += 10 * MINUTE;
    untilNext = 16 * 60 * MINUTE;
    await notifier.notify([f]);
    // Over the night without passes, it stays firing until the morning's pass re-sends it.
    expect(Date.parse((await alert()).endsAt)).toBe(fixedNow + 4 * 16 * 60 * MINUTE);
  });

  it('keeps one alert, the same in Alertmanager, when a finding changes its own severity within the alert severity', async () => {
    const { logger } = recordingLogger();
    const f = finding({ id: 'f-10', fingerprint: 'anomaly:ledger:duration', kind: 'anomaly', workflow: 'ledger', severity: 'medium' });
    const notifier = createAlertmanagerNotifier({ url: am.url, resendInterval: MINUTE, ...LINKS }, { logger, now: clock });
    const ledger = async () => (await alerts(am)).filter((a) => a.labels.workflow === 'ledger');
    fixedNow = Date.now();
    await notifier.notify([f]);
    const [before] = await ledger();
    fixedNow += 1_000;
    await notifier.notify([{ ...f, severity: 'high' }]);
    const after = await ledger();
    expect(after).toHaveLength(1);
    expect(after[0]!.fingerprint).toBe(before!.fingerprint);
    expect(after[0]!.labels.severity).toBe('warning');
    expect(after[0]!.annotations.finding_severity).toBe('high');
  });

  it('keeps the severity a finding reached while it stays open, across restarts, and resolves that alert when the finding resolves', async () => {
    const { logger } = recordingLogger();
    const f = finding({ id: 'f-30', fingerprint: 'sla:ledger:slo', kind: 'sla', workflow: 'ledger-eased', severity: 'critical', peakSeverity: 'critical' });
    const notifier = createAlertmanagerNotifier({ url: am.url, resendInterval: MINUTE, ...LINKS }, { logger, now: clock });
    const ledger = async () => (await alerts(am)).filter((a) => a.labels.workflow === 'ledger-eased');
    fixedNow = Date.now();
    await notifier.notify([f]);
    const [paged] = await ledger();
    // The burn eases to high (an alert severity of warning), and the agent restarts (a notifier that sent nothing
    // yet): the page goes on, not resolved and opened as a ticket. The store keeps the finding's peak.
    fixedNow = Date.now();
    await createAlertmanagerNotifier({ url: am.url, resendInterval: MINUTE, ...LINKS }, { logger, now: clock }).notify([{ ...f, severity: 'high' }]);
    const eased = await ledger();
    expect(eased.map((a) => [a.labels.severity, a.annotations.finding_severity])).toEqual([['critical', 'high']]);
    expect(eased[0]!.startsAt).toBe(paged!.startsAt);
    fixedNow = Date.now();
    await notifier.notify([{ ...f, severity: 'high', status: 'resolved', resolvedAt: new Date(fixedNow).toISOString() }]);
    expect(await ledger()).toEqual([]);
  });

  it('sends a finding shared by several workflows as one alert per workflow, which keeps its labels as workflows join and leave', async () => {
    const { logger } = recordingLogger();
    const shared = finding({ id: 'f-20', fingerprint: 'error_pattern:payments-api', workflow: 'checkout', workflows: ['checkout', 'refunds'] });
    const notifier = createAlertmanagerNotifier({ url: am.url, resendInterval: MINUTE, ...LINKS }, { logger, now: clock });
    const ofShared = async () => (await alerts(am)).filter((a) => a.labels.fingerprint === 'error_pattern:payments-api');
    fixedNow = Date.now();
    await notifier.notify([shared]);
    const first = await ofShared();
    expect(first.map((a) => [a.labels.workflow, a.status.state, a.annotations.dashboard]).sort()).toEqual([
      ['checkout', 'active', `${GRAFANA}/a/flowlens-workflows-app/workflow/checkout`],
      ['refunds', 'active', `${GRAFANA}/a/flowlens-workflows-app/workflow/refunds`],
    ]);
    // refunds comes first now, and checkout leaves: checkout's alert resolves, refunds' stays the alert it was.
    // (A resolution is one Alertmanager sees ended: a time past, not ahead.)
    fixedNow = Date.now();
    await notifier.notify([{ ...shared, workflow: 'refunds', workflows: ['refunds'] }]);
    const now = await ofShared();
    expect(now.map((a) => a.labels.workflow)).toEqual(['refunds']);
    // The same alert, not one fired anew: it began when the finding did.
    expect(now[0]!.startsAt).toBe(first.find((a) => a.labels.workflow === 'refunds')!.startsAt);
  });

  it("tells tenants' identical findings apart by a tenant label, and adds none without tenants", async () => {
    const { logger } = recordingLogger();
    const f = finding({ id: 'f-11', fingerprint: 'error_pattern:CI / deploy:denied', workflow: 'CI / deploy' });
    fixedNow = Date.now();
    for (const tenant of ['acme', 'globex', '']) {
      await createAlertmanagerNotifier({ url: am.url, resendInterval: MINUTE, ...LINKS, tenant }, { logger, now: clock }).notify([f]);
    }
    const sent = (await alerts(am)).filter((a) => a.labels.workflow === 'CI / deploy');
    expect(sent.map((a) => a.labels.tenant).sort()).toEqual(['acme', 'globex', undefined]);
    expect(new Set(sent.map((a) => a.fingerprint)).size).toBe(3);
    // The workflow's page, its name a path segment as the static alerts link it.
    for (const a of sent) expect(a.annotations.dashboard).toBe('http://localhost:3000/a/flowlens-workflows-app/workflow/CI%20%2F%20deploy');
  });

  it("links each tenant's findings to the workflow's page in the Grafana organisation whose FlowLens app shows that tenant", async () => {
    const { logger } = recordingLogger();
    const f = finding({ id: 'f-12', fingerprint: 'error_pattern:billing:denied', workflow: 'billing' });
    fixedNow = Date.now();
    for (const [tenant, grafanaOrgId] of [['acme', 2], ['globex', 3], ['', 1]] as const) {
      await createAlertmanagerNotifier({ url: am.url, resendInterval: MINUTE, ...LINKS, tenant, grafanaOrgId }, { logger, now: clock }).notify([f]);
    }
    const sent = (await alerts(am)).filter((a) => a.labels.workflow === 'billing');
    const dashboards = Object.fromEntries(sent.map((a) => [a.labels.tenant ?? '', a.annotations.dashboard]));
    expect(dashboards).toEqual({
      acme: 'http://localhost:3000/a/flowlens-workflows-app/workflow/billing?orgId=2',
      globex: 'http://localhost:3000/a/flowlens-workflows-app/workflow/billing?orgId=3',
      '': 'http://localhost:3000/a/flowlens-workflows-app/workflow/billing?orgId=1',
    });
  });

  it('keeps a finding alive for four cycles when cycles come less often than the resend interval', async () => {
    const { logger } = recordingLogger();
    const f = finding({ id: 'f-8', fingerprint: 'trend:weekly', kind: 'trend', workflow: 'weekly' });
    const notifier = createAlertmanagerNotifier({ url: am.url, resendInterval: MINUTE, ...LINKS }, { logger, now: clock });
    fixedNow = Date.now();
    await notifier.notify([f]);
    fixedNow += 5 * MINUTE;
    await notifier.notify([f]);
    const alert = (await alerts(am)).find((a) => a.labels.workflow === 'weekly')!;
    expect(Date.parse(alert.endsAt)).toBe(fixedNow + 4 * 5 * MINUTE);
  });

  it('resolves a finding that resolved, and one that is no longer listed', async () => {
    const { logger } = recordingLogger();
    fixedNow = Date.now();
    const a = finding({ id: 'f-4', fingerprint: 'sla:etl', kind: 'sla', workflow: 'etl' });
    const b = finding({ id: 'f-5', fingerprint: 'trend:report', kind: 'trend', workflow: 'report', severity: 'low' });
    const notifier = createAlertmanagerNotifier({ url: am.url, resendInterval: MINUTE, ...LINKS }, { logger, now: clock });
    await notifier.notify([a, b]);
    const active = (await alerts(am)).map((x) => x.labels.workflow);
    expect(active).toContain('etl');
    expect(active).toContain('report');

    await notifier.notify([{ ...a, status: 'resolved', resolvedAt: new Date(fixedNow).toISOString() }]);
    const after = (await alerts(am)).map((x) => x.labels.workflow);
    expect(after).not.toContain('etl');
    expect(after).not.toContain('report');
  });

  it('logs and retries when Alertmanager cannot be reached, without throwing', async () => {
    const port = await freePort();
    const { lines, logger } = recordingLogger();
    fixedNow = Date.now();
    const notifier = createAlertmanagerNotifier({ url: `http://127.0.0.1:${port}`, resendInterval: 10 * MINUTE, ...LINKS }, { logger, now: clock });
    const f = finding({ id: 'f-6', fingerprint: 'correlation:billing', kind: 'correlation', workflow: 'billing' });
    await expect(notifier.notify([f])).resolves.toBeUndefined();
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual(['cannot reach alertmanager; retrying next cycle']);

    const late = await startAlertmanager(AM_CONFIG, port);
    try {
      // Well within the resend interval: the earlier failure makes it due anyway.
      fixedNow += 1_000;
      await notifier.notify([f]);
      expect((await alerts(late)).map((x) => x.labels.workflow)).toEqual(['billing']);
    } finally {
      await late.stop();
    }
  });

  it('logs what Alertmanager answers when it refuses the alerts', async () => {
    const { lines, logger } = recordingLogger();
    const notifier = createAlertmanagerNotifier({ url: am.url, resendInterval: MINUTE, externalUrl: 'not a url', grafanaUrl: GRAFANA }, { logger, now: clock });
    await notifier.notify([finding({ id: 'f-7', fingerprint: 'x' })]);
    const warn = lines.find((l) => l.level === 'warn') as { message: string; status?: number; body?: string } | undefined;
    expect(warn?.message).toBe('alertmanager refused findings; retrying next cycle');
    expect(warn?.status).toBe(422);
    expect(warn?.body).toContain('generatorURL');
  });
});
