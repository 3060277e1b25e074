import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../src/demo/simulator.js';
import { faultWorkflows, healthyWorkflows } from '../../src/demo/scenarios.js';
import type { Finding } from '../../src/model/finding.js';
import type { RunRecord } from '../../src/model/workflow.js';
import { Cancelled } from '../../src/runtime/time-slices.js';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { sampleValue } from '../helpers/metrics.js';

const END = Date.parse('2026-11-20T12:00:00Z');
const SEVERE = new Set(['critical', 'high', 'medium']);

/** Runner telemetry with every kind of fault, through the real receiver, store and analysis. */
describe('findings from simulated runners with injected faults', () => {
  let agent: TestAgent;
  let findings: Finding[];
  let sent: RunRecord[];
  const about = (workflow: string) => findings.filter((f) => f.workflow === workflow || f.workflows?.includes(workflow));

  beforeAll(async () => {
    agent = await startTestAgent({ slos: [{ workflow: 'warehouse-load', objective: 99, window: '7d', maxDuration: '300s' }] });
    sent = await simulate({ otlpHttpUrl: agent.otlpHttpUrl!, endMs: END, days: 4, slices: 1, batchRuns: 200 });
    const summary = await agent.post('/api/v1/analyze');
    expect(summary.status).toBe(200);
    findings = (await agent.get('/api/v1/findings?limit=1000')).body.items;
  }, 240_000);
  afterAll(() => agent.close());

  it('names the worker a task needs retries on, from the try numbers the runner sends', async () => {
    const retries = about('shipment-tracking').filter((f) => SEVERE.has(f.severity));
    expect(retries.map((f) => f.title)).toEqual([expect.stringMatching(/^Step `update-eta` of `shipment-tracking` needs retries on host `worker-2`: it passed only on a retry in \d+ of \d+ runs since /)]);
    expect(retries[0]!.kind).toBe('correlation');
    // Its advice names the series to follow as a selector of the agent's own metrics, which holds the retries.
    const advice = retries[0]!.recommendations.flatMap((r) => r.steps).join('\n');
    const selector = /follow `flowlens_step_retries_total\{workflow="([^"]+)", step="([^"]+)"\}`/.exec(advice);
    expect(selector, advice).not.toBeNull();
    const metrics = await (await fetch(`${agent.apiUrl}/metrics`)).text();
    expect(sampleValue(metrics, 'flowlens_step_retries_total', `workflow="${selector![1]}"`, `step="${selector![2]}"`)).toBeGreaterThan(0);
  });

  it('names the step that became slower', async () => {
    const slow = about(faultWorkflows.slow_step[0]!).find((f) => f.category === 'performance');
    expect(slow, JSON.stringify(about(faultWorkflows.slow_step[0]!).map((f) => f.title))).toBeDefined();
    expect(slow!.rootCause.step).toBeTruthy();
    expect(slow!.recommendations.length).toBeGreaterThan(0);
    // The first slow run against the last successful run before it names the step and how much slower it ran.
    expect(slow!.evidence.changes!.lines).toContainEqual(expect.stringMatching(new RegExp(`^step \`${slow!.rootCause.step}\`: .* → .* \\(\\d+(\\.\\d)?×\\)$`)));
    const first = (await agent.get(`/api/v1/runs/${encodeURIComponent(slow!.evidence.changes!.runId)}`)).body;
    expect(Date.parse(first.startTime)).toBeGreaterThanOrEqual(Date.parse(slow!.evidence.onset!));
  });

  it('ties the two workflows failing through the same downstream host in one finding', () => {
    const [a, b] = faultWorkflows.downstream_timeout;
    const shared = findings.filter((f) => f.workflows?.includes(a!) && f.workflows?.includes(b!));
    expect(shared.length, JSON.stringify(findings.map((f) => [f.title, f.workflows]))).toBeGreaterThan(0);
    expect(['timeout', 'connectivity', 'external_service']).toContain(shared[0]!.category);
  });

  it('classifies the authentication failure as permissions', () => {
    expect(about(faultWorkflows.auth_failure[0]!).some((f) => f.category === 'permissions')).toBe(true);
  });

  it('ties the type error to the new service.version, which the workflow page lists as a change that raised failures', async () => {
    const release = about(faultWorkflows.bad_release[0]!).find((f) => f.rootCause.attributes['service.version']);
    expect(release, JSON.stringify(about(faultWorkflows.bad_release[0]!).map((f) => [f.title, f.rootCause]))).toBeDefined();
    const page = (await agent.get(`/api/v1/workflows/${faultWorkflows.bad_release[0]}?from=${END - 5 * 86_400_000}&to=${END}`)).body;
    const change = page.changes.find((c: { key: string; to: string }) => c.key === 'service.version' && c.to === release!.rootCause.attributes['service.version']);
    expect(change, JSON.stringify(page.changes)).toBeDefined();
    expect(change.after.failureShare).toBeGreaterThan(change.before.failureShare + 0.3);
    expect(page.changes.map((c: { key: string }) => c.key)).not.toContain('host.name');
  });

  it('says what changed between the last successful run and the first failure, as the run comparison has it', async () => {
    const auth = about(faultWorkflows.auth_failure[0]!).find((f) => f.category === 'permissions')!;
    const changes = auth.evidence.changes!;
    expect(changes.lines[0]).toMatch(/^step `fetch-contacts` failed: .*401 Unauthorized/);
    const first = (await agent.get(`/api/v1/runs/${encodeURIComponent(changes.runId)}`)).body;
    expect(Date.parse(first.startTime)).toBe(Date.parse(auth.evidence.onset!));
    const compared = (await agent.get(`/api/v1/runs/${encodeURIComponent(changes.runId)}/compare`)).body;
    expect(compared.baseline).toMatchObject({ id: changes.baselineRunId, status: 'success' });
    expect(compared.steps[0]).toMatchObject({ change: 'failed', name: 'fetch-contacts' });
  });

  it('finds the tenant behind the validation errors and the host behind the OOM kills', () => {
    expect(about(faultWorkflows.tenant_validation[0]!).some((f) => f.rootCause.attributes.tenant !== undefined)).toBe(true);
    expect(
      about(faultWorkflows.oom_host[0]!).some((f) => f.category === 'resource' && Object.keys(f.rootCause.attributes).some((k) => /host|node/.test(k))),
    ).toBe(true);
  });

  it("lists the runs that carry a finding's root-cause attributes, its example runs among them", async () => {
    const explained = findings.filter((f) => f.kind === 'correlation' && !f.workflows);
    expect(explained.length).toBeGreaterThan(0);
    for (const f of explained) {
      const filters = Object.entries(f.rootCause.attributes).map(([k, v]) => `attribute=${encodeURIComponent(`${k}=${v}`)}`);
      const range = `from=${END - 5 * 86_400_000}&to=${END}&limit=1000`;
      const listed: { id: string }[] = (await agent.get(`/api/v1/workflows/${f.workflow}/runs?${range}&${filters.join('&')}`)).body.items;
      const all: { id: string }[] = (await agent.get(`/api/v1/workflows/${f.workflow}/runs?${range}`)).body.items;
      const ids = new Set(listed.map((r) => r.id));
      expect(f.evidence.exampleRunIds.filter((id) => !ids.has(id)), f.title).toEqual([]);
      expect(listed.length, f.title).toBeLessThan(all.length);
      const [key, value] = Object.entries(f.rootCause.attributes)[0]!;
      if (key.startsWith('downstream')) continue;
      for (const run of listed.slice(0, 5)) {
        const detail = (await agent.get(`/api/v1/runs/${encodeURIComponent(run.id)}`)).body;
        const carried = [detail.attributes[key], ...detail.steps.map((s: { attributes: Record<string, unknown> }) => s.attributes[key])];
        expect(carried.map(String), f.title).toContain(value);
      }
    }
    const bad = await agent.get(`/api/v1/workflows/${explained[0]!.workflow}/runs?attribute=host.name`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('attribute');
  });

  it('filters a range of more runs than it reads at a time as it filters its halves', async () => {
    const workflow = healthyWorkflows[0]!;
    const ids = async (fromMs: number, toMs: number, more = '') =>
      ((await agent.get(`/api/v1/workflows/${workflow}/runs?from=${fromMs}&to=${toMs}&limit=1000&attribute=host.name%3Dworker-1${more}`)).body.items as { id: string }[]).map((r) => r.id);
    const start = END - 5 * 86_400_000;
    const middle = END - 2 * 86_400_000;
    const all = (await agent.get(`/api/v1/workflows/${workflow}/runs?from=${start}&to=${END}&limit=1000`)).body.items;
    expect(all.length).toBeGreaterThan(500);
    const whole = await ids(start, END);
    expect(whole.length).toBeGreaterThan(50);
    expect(whole).toEqual([...(await ids(middle + 1, END)), ...(await ids(start, middle))]);
    // The newest matches first, and no more than asked for.
    expect((await agent.get(`/api/v1/workflows/${workflow}/runs?from=${start}&to=${END}&limit=3&attribute=host.name%3Dworker-1`)).body.items.map((r: { id: string }) => r.id)).toEqual(whole.slice(0, 3));
  });

  it('names the flaky step from the tries its runner reported, with runs of the same code to compare', async () => {
    const flaky = about(faultWorkflows.flaky_step[0]!).filter((f) => f.kind === 'flaky');
    expect(flaky.map((f) => f.rootCause.step)).toEqual(['build-index']);
    const [f] = flaky;
    // Airflow's try_number survives the receiver: retried tries are counted apart from failures.
    expect(Number(f!.evidence.current['passedOnRetry'])).toBeGreaterThan(0);
    expect(Number(f!.evidence.current['failed'])).toBeGreaterThan(0);
    const pair = await agent.get(`/api/v1/runs/${encodeURIComponent(f!.evidence.changes!.runId)}/compare?with=${encodeURIComponent(f!.evidence.changes!.baselineRunId)}`);
    expect(pair.status).toBe(200);
    expect(pair.body.run.status).toBe('failure');
    expect(pair.body.baseline.status).toBe('success');
    // The workflow page counts the runs the step passed only on a retry, every run of the range included.
    const page = (await agent.get(`/api/v1/workflows/search-reindex?from=${END - 5 * 86_400_000}&to=${END}`)).body;
    const step = page.steps.find((s: { name: string }) => s.name === 'build-index');
    expect(step.passedOnRetry).toBeGreaterThanOrEqual(Number(f!.evidence.current['passedOnRetry']));
    expect(step.passedOnRetry).toBeLessThan(step.runs);
    // Prometheus counts the tries beyond the first of steps that passed, as the runner reported them: hidden failures.
    const tries = (name: string) => sent.filter((r) => r.workflow === 'search-reindex').flatMap((r) => r.steps.filter((s) => s.name === name && s.status === 'success')).reduce((n, s) => n + (s.attempt ?? 1) - 1, 0);
    const metrics = await (await fetch(`${agent.apiUrl}/metrics`)).text();
    expect(tries('build-index')).toBeGreaterThan(0);
    expect(sampleValue(metrics, 'flowlens_step_retries_total', 'workflow="search-reindex"', 'step="build-index"')).toBe(tries('build-index'));
    expect(tries('swap-alias')).toBe(0);
    expect(sampleValue(metrics, 'flowlens_step_retries_total', 'workflow="search-reindex"', 'step="swap-alias"')).toBeUndefined();
  });

  it('names the pool two DAGs wait on for worker slots, from the queued times Airflow sent, and counts the waits', async () => {
    const [pooled, other] = faultWorkflows.worker_shortage;
    const queue = findings.filter((f) => f.kind === 'queue');
    expect(queue.map((f) => f.workflows)).toEqual([[other, pooled].sort()]);
    expect(queue[0]!.rootCause.attributes).toEqual({ 'airflow.task.pool': 'etl' });
    expect(queue[0]!.severity).toBe('high');
    // Through the store, a task still knows its time holds its wait: no task of theirs is called slower.
    expect(findings.filter((f) => f.kind === 'anomaly' && [pooled, other].some((w) => f.workflow === w))).toEqual([]);
    // The workflow page gives each task's wait; the receiver took it from `airflow.task.queued_dttm`.
    const waits = (r: RunRecord) => r.steps.map((s) => s.queueMs!);
    const sentWaits = sent.filter((r) => r.workflow === pooled).flatMap(waits);
    const page = (await agent.get(`/api/v1/workflows/${pooled}?from=${END - 5 * 86_400_000}&to=${END}`)).body;
    const fetch95 = page.steps.find((s: { name: string }) => s.name === 'fetch').p95WaitSeconds;
    // Each run says how long it waited in all: its tasks waited one after another, so their waits add up.
    const [newest] = (await agent.get(`/api/v1/workflows/${pooled}/runs?from=${END - 86_400_000}&to=${END}&limit=1`)).body.items;
    const sentRun = sent.find((r) => r.workflow === pooled && r.runId === newest.runId)!;
    expect(newest.waitSeconds).toBeCloseTo(waits(sentRun).reduce((a, b) => a + b, 0) / 1000, 0);
    expect(fetch95).toBeGreaterThan(60);
    expect(page.steps.find((s: { name: string }) => s.name === 'fetch').p50WaitSeconds).toBeLessThan(fetch95);
    // Prometheus has each step's waits and each run's, as histograms.
    const metrics = await (await globalThis.fetch(`${agent.apiUrl}/metrics`)).text();
    const stepCount = sent.filter((r) => r.workflow === pooled).flatMap((r) => r.steps.filter((s) => s.name === 'fetch')).length;
    expect(sampleValue(metrics, 'flowlens_step_queue_seconds_count', `workflow="${pooled}"`, 'step="fetch"')).toBe(stepCount);
    const total = sampleValue(metrics, 'flowlens_workflow_run_wait_seconds_sum', `workflow="${pooled}"`)!;
    const sentTotal = sentWaits.reduce((a, b) => a + b, 0) / 1000;
    // Within the millisecond each queued time is written to.
    expect(Math.abs(total - sentTotal)).toBeLessThan(sentWaits.length / 1000);
    // Runners that report no wait have no wait series.
    expect(sampleValue(metrics, 'flowlens_workflow_run_wait_seconds_count', 'workflow="crm-sync"')).toBeUndefined();
  });

  it('reports the SLO broken by the duration creep, and the stopped schedule', async () => {
    expect(about(faultWorkflows.duration_creep[0]!).some((f) => f.kind === 'sla' || f.kind === 'trend')).toBe(true);
    expect(about(faultWorkflows.stalled_schedule[0]!).some((f) => f.kind === 'stalled')).toBe(true);
    const slos = (await agent.get('/api/v1/slos')).body.items;
    expect(slos[0]).toMatchObject({ workflow: 'warehouse-load' });
    expect(slos[0].errorBudgetRemaining).toBeLessThan(1);
  });

  it('reports the run whose runner died, from the task it sent before its DAG-run span, which never came', async () => {
    const [workflow] = faultWorkflows.hung_run;
    const hung = about(workflow!).filter((f) => f.kind === 'stalled');
    expect(hung.map((f) => [f.category, f.rootCause.step]), JSON.stringify(about(workflow!).map((f) => f.title))).toEqual([['timeout', 'query']]);
    const runs = (await agent.get(`/api/v1/workflows/${workflow}/runs?status=running&from=now-30d`)).body.items;
    expect(runs.map((r: { id: string }) => r.id)).toEqual(hung[0]!.evidence.exampleRunIds);
    // Compared with the last run that went well, it has no duration to compare yet, and names the steps to come.
    const compared = (await agent.get(`/api/v1/runs/${runs[0].id}/compare`)).body;
    expect(compared.duration).toBeUndefined();
    expect(compared.notReached.length).toBeGreaterThan(0);
    expect(compared.summary[0]).toBe(`still running: not yet at ${compared.notReached.map((s: string) => `step \`${s}\``).join(', ')}`);
  });

  it('answers a sender while an analysis pass runs, instead of holding it until the pass ends', async () => {
    // The pass starts on the event loop of this process; the export is sent through it right after.
    const pass = agent.analysis.run().then((summary) => ({ summary, at: performance.now() }));
    const exported = fetch(`${agent.otlpHttpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ resourceSpans: [] }),
    }).then((response) => ({ status: response.status, at: performance.now() }));
    const [{ summary, at: passEnd }, { status, at: answered }] = await Promise.all([pass, exported]);
    expect(status).toBe(200);
    expect(summary.runs).toBeGreaterThan(2_000);
    expect(answered).toBeLessThan(passEnd);
  });

  it('leaves the healthy workflows without medium-or-worse findings', () => {
    for (const workflow of healthyWorkflows) expect(about(workflow).filter((f) => SEVERE.has(f.severity)).map((f) => f.title)).toEqual([]);
  });

  it('starts a troubleshooting session that compares the newest failure with the last success, and keeps it for a shared link', async () => {
    const workflow = faultWorkflows.auth_failure[0]!;
    const started = await agent.post('/api/v1/sessions', { workflow, errorLogs: ['401 Unauthorized: invalid credentials for service account crm-bot'] });
    expect(started.status).toBe(201);
    const session = started.body;
    expect(session.phases.map((p: { name: string }) => p.name)).toEqual(['identification', 'analysis', 'diagnosis', 'resolution', 'verification']);
    const analysis = session.phases[1].items as string[];
    expect(analysis.some((i) => i.startsWith('the newest failed run') && i.includes('against the last successful run before it'))).toBe(true);
    const compared = (await agent.get(`/api/v1/runs/${encodeURIComponent(session.compared.runId)}/compare?with=${encodeURIComponent(session.compared.baselineRunId)}`)).body;
    expect(compared).toMatchObject({ run: { status: 'failure' }, baseline: { status: 'success' } });

    expect((await agent.get(`/api/v1/sessions/${session.id}`)).body).toEqual(session);
    expect((await agent.post(`/api/v1/sessions/${session.id}/verify`)).body).toMatchObject({ id: session.id, workflow, status: 'pending', runs: 0 });
    expect((await agent.get('/api/v1/sessions/nope')).status).toBe(404);
  });

  it('records who acknowledged a finding, and lists similar ones', async () => {
    const target = findings[0]!;
    const ack = await agent.post(`/api/v1/findings/${target.id}/acknowledge`, { by: 'oncall@example.com' });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'oncall@example.com' });
    expect((await agent.get(`/api/v1/findings/${target.id}/similar`)).status).toBe(200);
    // A body sent chunked (no Content-Length) is read too.
    const chunked = await fetch(`${agent.apiUrl}/api/v1/findings/${target.id}/resolve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode(JSON.stringify({ by: 'release-bot' }))), c.close()) }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(200);
    expect(await chunked.json()).toMatchObject({ status: 'resolved', resolvedBy: 'release-bot' });
    expect((await agent.post('/api/v1/findings/nope/resolve')).status).toBe(404);
  });

  it('exports each live finding under every workflow it names, and stops once it is resolved', async () => {
    const labelsOf = (f: Finding) => `category="${f.category}",kind="${f.kind}",severity="${f.severity}"`;
    /** The label sets of `workflow`'s flowlens_findings_open series, as labelsOf writes them. */
    const exported = async (workflow: string) =>
      new Set(
        (await (await fetch(`${agent.apiUrl}/metrics`)).text())
          .split('\n')
          .filter((l) => l.startsWith('flowlens_findings_open{') && l.includes(`workflow="${workflow}"`))
          .map((l) => ['category', 'kind', 'severity'].map((k) => l.match(new RegExp(`${k}="[^"]*"`))![0]).join(',')),
      );
    const liveOf = async (workflow: string): Promise<Finding[]> =>
      (await agent.get('/api/v1/findings?limit=1000')).body.items.filter(
        (f: Finding) => f.status !== 'resolved' && (f.workflow === workflow || f.workflows?.includes(workflow)),
      );
    // It resolves findings of the shared agent for good: it comes after every test that reads them. The live
    // findings are asked for again, as earlier tests changed some.
    const shared = (await agent.get('/api/v1/findings?limit=1000')).body.items.find((f: Finding) => (f.workflows?.length ?? 0) > 1 && f.status !== 'resolved');
    expect(shared, 'the demo has a cause shared by several workflows').toBeDefined();
    for (const workflow of shared!.workflows!) expect(await exported(workflow), workflow).toContain(labelsOf(shared!));
    // Every live finding of one of them resolved by hand: after the next pass, only what it found again is exported.
    const workflow = shared!.workflows![1]!;
    const resolved = await liveOf(workflow);
    for (const f of resolved) expect((await agent.post(`/api/v1/findings/${f.id}/resolve`, { by: 'oncall@example.com' })).status).toBe(200);
    expect((await agent.post('/api/v1/analyze')).status).toBe(200);
    const still = new Set((await liveOf(workflow)).map(labelsOf));
    expect(resolved.some((f) => !still.has(labelsOf(f))), 'some finding stays resolved').toBe(true);
    expect(await exported(workflow)).toEqual(still);
  });

  it('gives a pass under way up when the analysis stops, so the store closes after it, not under it', async () => {
    const pass = agent.analysis.run();
    await agent.analysis.stop();
    await expect(pass).rejects.toBeInstanceOf(Cancelled);
  });
});
