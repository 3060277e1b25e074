import { beforeAll, describe, expect, it } from 'vitest';
import { analyse, type AnalysisOutput } from '../../src/analyse/index.js';
import { formatDuration } from '../../src/analyse/format.js';
import { allFaults, faultLeadMs, generateScenario, healthyWorkflows } from '../../src/demo/scenarios.js';
import type { FindingCandidate } from '../../src/model/finding.js';
import type { RunRecord } from '../../src/model/workflow.js';
import { analyseScenario, atLeastMedium, creepSlo, DAYS, END_MS, minerTemplateOf, newestEnd, START_MS, touches } from './scenario.js';

/** Every injected fault must come out as the finding an on-call engineer needs: what, where, since when, why, what to do. */
describe('analysis of a scenario with every fault injected', () => {
  let runs: RunRecord[];
  let out: AnalysisOutput;
  const about = (workflow: string) => out.candidates.filter((c) => touches(c, workflow));
  const onlyOne = (workflow: string, pick: (c: FindingCandidate) => boolean) => {
    const found = about(workflow).filter(pick);
    expect(found, `${workflow}: ${about(workflow).map((c) => c.title).join(' | ')}`).toHaveLength(1);
    return found[0]!;
  };
  const recommendationText = (c: FindingCandidate) => c.recommendations.map((r) => [r.title, ...r.steps].join(' ')).join(' ');

  beforeAll(() => {
    ({ runs, out } = analyseScenario(7, allFaults, creepSlo));
  });

  it('names the step that became 6× slower, with baseline, current and onset', () => {
    const c = onlyOne('build-and-test', (c) => c.kind === 'anomaly');
    expect(c.category).toBe('performance');
    expect(c.rootCause.step).toBe('build');
    expect(c.severity).toBe('high');
    const ratio = Number(c.evidence.current['stepP50Ms']) / Number(c.evidence.baseline['stepP50Ms']);
    expect(ratio).toBeGreaterThan(5);
    expect(ratio).toBeLessThan(7);
    expect(Math.abs(Date.parse(c.evidence.onset!) - (END_MS - faultLeadMs))).toBeLessThan(3600_000);
    expect(c.title).toMatch(/^Step `build` of `build-and-test` is \d\.\d× slower since 2026-11-13 \d\d:\d\d UTC \(p50 \d+ s vs \d+(\.\d)? s\)$/);
    expect(recommendationText(c)).toContain('`build`');
  });

  it('ties two workflows timing out on the same downstream host into one finding', () => {
    const shared = out.candidates.filter((c) => touches(c, 'payments-sync') && touches(c, 'invoice-export'));
    expect(shared).toHaveLength(1);
    const c = shared[0]!;
    expect(c.workflows).toEqual(['invoice-export', 'payments-sync']);
    expect(c.rootCause.attributes['downstream.error']).toBe('payments-api.internal');
    expect(['timeout', 'connectivity', 'external_service']).toContain(c.category);
    expect(atLeastMedium(c)).toBe(true);
    expect(c.fingerprint).not.toMatch(/payments-sync|invoice-export/);
    expect(recommendationText(c)).toMatch(/circuit breaker/);
    expect(recommendationText(c)).toContain('payments-api.internal');
    // The traces show the runner retrying the timed-out call in vain.
    expect(c.recommendations.map((r) => r.title)).toContain('Retries of `charge` almost never succeed');
    // The cause is not reported again per workflow.
    for (const w of ['payments-sync', 'invoice-export']) {
      expect(about(w).filter((x) => x !== c && atLeastMedium(x) && x.kind !== 'trend')).toEqual([]);
    }
  });

  it('reports an authentication failure as permissions with credential rotation advice', () => {
    const c = onlyOne('crm-sync', atLeastMedium);
    expect(c.category).toBe('permissions');
    expect(c.severity).toBe('critical');
    expect(c.rootCause.step).toBe('fetch-contacts');
    expect(c.rootCause.pattern).toMatch(/Unauthorized: invalid credentials/);
    expect(c.recommendations[0]!.title).toMatch(/^Rotate or re-scope the credentials/);
    expect(c.evidence.errorLines.length).toBeGreaterThan(0);
    expect(c.evidence.errorLines.length).toBeLessThanOrEqual(5);
  });

  it('names the release that brought a type error and advises rolling it back', () => {
    const c = onlyOne('order-pipeline', atLeastMedium);
    expect(c.kind).toBe('correlation');
    expect(c.category).toBe('logic');
    expect(c.rootCause.attributes['service.version']).toBe('2.4.0');
    expect(c.rootCause.pattern).toMatch(/^TypeError/);
    expect(c.recommendations[0]!.title).toBe('Roll back or pin service.version 2.4.0');
  });

  it('ties validation errors to the one tenant that sends bad data', () => {
    const c = onlyOne('tenant-import', atLeastMedium);
    expect(c.rootCause.attributes['tenant']).toBe('globex');
    expect(c.category).toBe('data');
    expect(c.rootCause.step).toBe('validate');
    expect(recommendationText(c)).toContain('tenant `globex`');
  });

  it('ties OOM kills to the one host they happen on', () => {
    const c = onlyOne('ml-training', atLeastMedium);
    expect(c.rootCause.attributes['host.name']).toBe('worker-3');
    expect(c.category).toBe('resource');
    expect(c.recommendations[0]!.title).toMatch(/Drain `worker-3`/);
  });

  it('finds the duration creep that breaks a 99 % / 300 s SLO', () => {
    const slo = out.slos.find((s) => s.name === 'load-on-time')!;
    expect(slo.state).toBe('critical');
    expect(slo.sli).toBeLessThan(0.99);
    expect(slo.errorBudgetRemaining).toBeLessThan(0);
    const c = onlyOne('warehouse-load', (c) => c.kind === 'sla');
    expect(c.category).toBe('performance');
    expect(c.severity).toBe('critical');
    const trend = onlyOne('warehouse-load', (c) => c.kind === 'trend');
    expect(trend.rootCause.step).toBe('load');
  });

  it('finds the scheduled workflow that stopped, with its last run and expected interval', () => {
    const c = onlyOne('backup-hourly', (c) => c.kind === 'stalled');
    expect(out.cadences.get('backup-hourly')).toBeGreaterThan(3500);
    expect(out.cadences.get('backup-hourly')).toBeLessThan(3700);
    expect(c.evidence.baseline['expectedIntervalSeconds']).toBeCloseTo(3600, -2);
    const last = runs.filter((r) => r.workflow === 'backup-hourly').reduce((a, b) => (a.startMs > b.startMs ? a : b));
    expect(c.evidence.current['lastRun']).toBe(new Date(last.startMs).toISOString());
    // The agent's id of that run, which the API, the app and `flowlens compare` take.
    expect(c.evidence.exampleRunIds).toEqual([last.id]);
    expect(recommendationText(c)).toMatch(/schedule/);
  });

  it('finds the run whose runner died, with the step it was last heard from, and nothing else about its workflow', () => {
    const c = onlyOne('nightly-report', atLeastMedium);
    const hung = runs.find((r) => r.workflow === 'nightly-report' && r.status === 'running')!;
    expect(c).toMatchObject({ kind: 'stalled', category: 'timeout', rootCause: { step: 'query' }, evidence: { exampleRunIds: [hung.id] } });
    expect(c.title).toMatch(/^Run nightly-report-\d+ of `nightly-report` has been running for \d\.\d h \(usually done within \d\.\d min\)$/);
    expect(c.rootCause.attributes['host.name']).toBe(hung.attributes['host.name']);
    expect(recommendationText(c)).toMatch(/still alive/);
  });

  it('names the flaky step, how often it fails or needs a retry, and a failing and a passing run of the same code', () => {
    const c = onlyOne('search-reindex', atLeastMedium);
    expect(c).toMatchObject({ kind: 'flaky', severity: 'medium', category: 'logic', rootCause: { step: 'build-index', attributes: {} } });
    expect(c.rootCause.pattern).toMatch(/^ConcurrentModificationException: segment/);
    const share = Number(c.evidence.current['failureShare']);
    expect(share).toBeGreaterThan(0.05);
    expect(share).toBeLessThan(0.16);
    expect(Number(c.evidence.current['passedOnRetry'])).toBeGreaterThan(Number(c.evidence.current['failed']));
    const failed = runs.find((r) => r.id === c.evidence.changes!.runId)!;
    const passed = runs.find((r) => r.id === c.evidence.changes!.baselineRunId)!;
    expect([failed.status, passed.status]).toEqual(['failure', 'success']);
    expect(passed.attributes['service.version']).toBe(failed.attributes['service.version']);
    expect(passed.startMs).toBeGreaterThan(failed.startMs);
    expect(c.recommendations[0]!.title).toBe('Quarantine and fix flaky step `build-index`');
    // Its failures are not an error pattern as well.
    expect(about('search-reindex').filter((x) => x !== c && x.rootCause.step === 'build-index')).toEqual([]);
  });

  it('names the worker a task needs retries on, though every run passes', () => {
    const c = onlyOne('shipment-tracking', atLeastMedium);
    expect(c).toMatchObject({ kind: 'correlation', category: 'resource', rootCause: { step: 'update-eta', attributes: { 'host.name': 'worker-2' } } });
    expect(c.title).toMatch(/^Step `update-eta` of `shipment-tracking` needs retries on host `worker-2`: it passed only on a retry in \d+ of \d+ runs since 2026-11-13 \d\d:\d\d UTC$/);
    expect(Math.abs(Date.parse(c.evidence.onset!) - (END_MS - faultLeadMs))).toBeLessThan(3600_000);
    expect(c.evidence.current['failed']).toBe(0);
    expect(c.recommendations[0]!.title).toBe('Take `worker-2` out of rotation and find why step `update-eta` needs retries there');
    expect(runs.filter((r) => r.workflow === 'shipment-tracking' && r.startMs >= END_MS - faultLeadMs).every((r) => r.status === 'success' || r.steps.every((s) => s.name !== 'update-eta' || s.status === 'success'))).toBe(true);
  });

  it('does not call a step flaky whose failures an attribute explains since they began, a day into the fault', () => {
    // A day after the onset, the tenant's validation errors and a few old transient ones share the step: the
    // failures since the tenant's began concentrate on it, so this is a correlation, not a flaky step.
    const dayIn = generateScenario({ seed: 7, startMs: START_MS, days: 4, faults: allFaults });
    const cutMs = START_MS + 3 * 86_400_000;
    const early = dayIn.filter((r) => r.endMs <= cutMs);
    const found = analyse({ nowMs: cutMs, runs: early, templateOf: minerTemplateOf(), config: {} }).candidates.filter((c) => touches(c, 'tenant-import'));
    expect(found.filter((c) => c.kind === 'flaky').map((c) => c.title)).toEqual([]);
    expect(found.find((c) => c.kind === 'correlation')?.rootCause.attributes).toMatchObject({ tenant: 'globex' });
  });

  it('names the pool two workflows wait on for workers since the shortage began, in one finding, and calls no step slower', () => {
    const shared = out.candidates.filter((c) => c.kind === 'queue');
    expect(shared.map((c) => c.title)).toHaveLength(1);
    const c = shared[0]!;
    expect(c).toMatchObject({ workflows: ['geo-enrich', 'partner-feeds'], category: 'resource', severity: 'high', rootCause: { attributes: { 'airflow.task.pool': 'etl' } } });
    // Each workflow with its own wait, as `perWorkflow` has it.
    const each = (c.evidence.details!['perWorkflow'] as { workflow: string; baselineMs: number; currentMs: number }[])
      .map((w) => `\`${w.workflow}\` ${formatDuration(w.currentMs)} \\(was ${formatDuration(w.baselineMs)}\\)`);
    expect(c.title).toMatch(new RegExp(`^2 workflows wait for workers since 2026-11-13 \\d\\d:\\d\\d UTC in airflow\\.task\\.pool \`etl\`: ${each.join(', ')}$`));
    expect(new Set(each).size).toBe(2);
    expect(Math.abs(Date.parse(c.evidence.onset!) - (END_MS - faultLeadMs))).toBeLessThan(3600_000);
    // Each task waited about 100× its usual 2 s.
    const steps = c.evidence.details!['steps'] as { step?: string; baselineMs: number; currentMs: number }[];
    expect(steps.map((s) => s.step).sort()).toEqual(['fetch', 'normalise', 'publish']);
    for (const s of steps) expect(s.currentMs / s.baselineMs).toBeGreaterThan(40);
    expect(c.fingerprint).not.toMatch(/geo-enrich|partner-feeds/);
    expect(c.recommendations[0]!.title).toBe('Give airflow.task.pool `etl` the workers it needs, or find what took them');
    // The backfill that began at the onset took the slots: it is named, with how many tasks it starts.
    const demand = c.evidence.details!['demand'] as { workflow: string; beforePerHour: number; sincePerHour: number }[];
    expect(demand).toEqual([{ workflow: 'orders-backfill', beforePerHour: 0, sincePerHour: expect.any(Number) }]);
    expect(demand[0]!.sincePerHour).toBeGreaterThan(20);
    expect(c.rootCause.description).toMatch(/More work arrives than before: `orders-backfill` began to fill it\.$/);
    expect(recommendationText(c)).toMatch(/`orders-backfill` began to fill it when the wait rose: give it a pool of its own/);
    expect(recommendationText(c)).not.toMatch(/memory/);
    // The runs are slower only by their wait: no step of theirs is reported slower, nor anything else.
    for (const w of ['geo-enrich', 'partner-feeds']) expect(about(w).filter((x) => x !== c && atLeastMedium(x))).toEqual([]);
  });

  it('raises nothing medium or worse on healthy workflows with transient failures, and scores them healthy', () => {
    for (const w of healthyWorkflows) {
      expect(about(w).filter(atLeastMedium).map((c) => c.title)).toEqual([]);
      expect(out.health.get(w)!.status).toBe('healthy');
    }
    expect(out.health.get('crm-sync')!.status).toBe('unhealthy');
  });

  it('gives every candidate a readable title, evidence and at least one recommendation', () => {
    for (const c of out.candidates) {
      expect(c.recommendations.length).toBeGreaterThan(0);
      expect(c.evidence.exampleRunIds.length).toBeLessThanOrEqual(5);
      expect(c.confidence).toBeGreaterThanOrEqual(0);
      expect(c.confidence).toBeLessThanOrEqual(1);
      expect(c.firstSeenMs).toBeLessThanOrEqual(c.lastSeenMs);
      expect(c.fingerprint).not.toMatch(/\d{10,}/);
    }
  });
});

describe('stability across passes', () => {
  it('gives the same candidates for the same data, and the same fingerprints when the window moves', () => {
    const a = analyseScenario(7, allFaults, creepSlo);
    const b = analyseScenario(7, allFaults, creepSlo);
    expect(b.out.candidates).toEqual(a.out.candidates);
    // A later pass sees the window without its oldest day: the problems keep their identity.
    const cut = a.runs.filter((r) => r.startMs >= a.runs[0]!.startMs + 86_400_000);
    const later = analyse({ nowMs: newestEnd(a.runs), runs: cut, templateOf: minerTemplateOf(), config: creepSlo });
    const keys = (cs: FindingCandidate[]) => cs.filter(atLeastMedium).map((c) => c.fingerprint).sort();
    expect(keys(later.candidates)).toEqual(keys(a.out.candidates));
  });
});

describe('a downstream timeout recorded only on the failing step', () => {
  it('still ties both workflows to the downstream host their failing step called', () => {
    // Some runners mark the step failed but leave the client span without an error status.
    const runs = generateScenario({ seed: 11, startMs: START_MS, days: DAYS, faults: ['downstream_timeout'] });
    for (const r of runs) for (const s of r.steps) for (const d of s.downstream) d.errors = 0;
    const out = analyse({ nowMs: newestEnd(runs), runs, templateOf: minerTemplateOf(), config: {} });
    const shared = out.candidates.filter((c) => atLeastMedium(c) && touches(c, 'payments-sync') && touches(c, 'invoice-export'));
    expect(shared).toHaveLength(1);
    expect(shared[0]!.rootCause.attributes).toEqual({ 'downstream.failing': 'payments-api.internal' });
    expect(shared[0]!.category).toBe('timeout');
    expect(shared[0]!.title).toContain('in calls to `payments-api.internal`');
  });
});
