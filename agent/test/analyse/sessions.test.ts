import { beforeAll, describe, expect, it } from 'vitest';
import { createSession, verifySession, type Session } from '../../src/analyse/index.js';
import { allFaults, generateScenario } from '../../src/demo/scenarios.js';
import type { FindingCandidate } from '../../src/model/finding.js';
import type { RunRecord } from '../../src/model/workflow.js';
import { analyseScenario, creepSlo, END_MS, minerTemplateOf } from './scenario.js';

describe('troubleshooting sessions', () => {
  let runs: RunRecord[];
  let session: Session;
  let analysedCandidates: FindingCandidate[];
  const templateOf = minerTemplateOf();

  beforeAll(() => {
    const analysed = analyseScenario(7, allFaults, creepSlo);
    runs = analysed.runs;
    analysedCandidates = analysed.out.candidates;
    const crm = runs.filter((r) => r.workflow === 'crm-sync');
    const pasted = crm.filter((r) => r.status !== 'success').slice(-3).map((r) => r.errorMessage!);
    session = createSession({
      workflow: 'crm-sync',
      nowMs: END_MS,
      runs: crm,
      candidates: analysed.out.candidates,
      errorLogs: pasted.join('\n'),
      metrics: { failedJobs: 48 },
      templateOf,
    });
  });

  it('walks from identification to verification, led by the finding the pasted logs point at', () => {
    expect(session.phases.map((p) => p.name)).toEqual(['identification', 'analysis', 'diagnosis', 'resolution', 'verification']);
    expect(session.hypotheses[0]!.matchesLogs).toBe(true);
    expect(session.hypotheses[0]!.title).toMatch(/Unauthorized/);
    expect(session.logPatterns).toHaveLength(1);
    expect(session.logPatterns[0]!.count).toBe(3);
    expect(session.recommendations[0]!.title).toMatch(/Rotate or re-scope the credentials/);
    expect(session.phases[1]!.items).toContain('reported failedJobs = 48');
    expect(session.baseline.failureRatio).toBeGreaterThan(0.9);
    expect(session.criteria.absentTemplateIds).toContain(session.logPatterns[0]!.templateId);
    // What must not come back is named by its text: a template id means nothing to a reader.
    const verification = session.phases.find((p) => p.name === 'verification')!;
    expect(verification.items).toContain(`the error "${session.logPatterns[0]!.template}" does not come back`);
    expect(verification.items.join('\n')).not.toMatch(/pattern t[0-9a-f]+/);
  });

  it('passes no check before a run since the session started tells it', () => {
    const none = verifySession(session, [], templateOf);
    expect(none.status).toBe('pending');
    expect(none.checks.map((c) => [c.name, c.state, c.passed])).toEqual([
      ['enough_runs', 'waiting', false],
      ['failure_ratio', 'waiting', false],
      ['pattern_absent', 'waiting', false],
    ]);
  });

  it('tells the leading finding\'s evidence in words, its times in their zone', () => {
    const analysis = session.phases[1]!;
    const top = analysedCandidates.find((c) => c.fingerprint === session.hypotheses[0]!.fingerprint)!;
    // The expired token's finding: { runs, failureShare } before, its failures since the onset now.
    expect(top.kind).toBe('correlation');
    const onset = new Date(top.evidence.onset!).toISOString().slice(0, 16).replace('T', ' ');
    expect(analysis.summary).toBe(`Evidence for the leading problem: 48 of 48 runs affected since ${onset} UTC.`);
    expect(analysis.items.slice(0, 3)).toEqual([
      `runs: ${top.evidence.baseline['runs']} before, 48 now`,
      'failure share: 1.4 % before, 100 % now',
      'now: failures 48, recent failures 48, recent runs 49',
    ]);
    expect(analysis.items.filter((i) => i.includes('{'))).toEqual([]);
  });

  it("tells an SLO finding's figures in their units, an overspent budget as such", () => {
    const sla = analysedCandidates.filter((c) => c.kind === 'sla' && c.workflow === 'warehouse-load');
    expect(sla).toHaveLength(1);
    const { current } = sla[0]!.evidence;
    expect(current['errorBudgetRemaining']).toBeLessThan(0);
    const slo = createSession({ workflow: 'warehouse-load', nowMs: END_MS, runs: runs.filter((r) => r.workflow === 'warehouse-load'), candidates: sla, templateOf });
    expect(slo.phases[1]!.items.slice(0, 2)).toEqual([
      'before: objective 99 %, max duration 5.0 min',
      `now: sli ${current['sli']} %, error budget remaining none (${(1 - Number(current['errorBudgetRemaining'])).toFixed(1)}× spent), ` +
        `burn1h ${current['burn1h']}, burn6h ${current['burn6h']}, burn1d ${current['burn1d']}`,
    ]);
  });

  it('compares the newest failed run with the last successful run before it', () => {
    const failed = runs.filter((r) => r.workflow === 'crm-sync' && r.status !== 'success' && r.status !== 'running').at(-1)!;
    const before = runs.filter((r) => r.workflow === 'crm-sync' && r.status === 'success' && r.startMs < failed.startMs).at(-1)!;
    expect(session.compared).toEqual({ runId: failed.id, baselineRunId: before.id });
    const items = session.phases[1]!.items;
    const header = items.findIndex((i) => i.startsWith(`the newest failed run \`${failed.runId}\``));
    expect(items[header]).toContain(`against the last successful run before it, \`${before.runId}\``);
    // The failing step with its error and the service it could not reach.
    const fetch = failed.steps.find((st) => st.name === 'fetch-contacts')!;
    expect(items).toContain(`  - step \`fetch-contacts\` failed: ${fetch.errorType}: ${fetch.errorMessage} (calls to api.crm.example.com failing)`);
    expect(items).toContain('  - step `push` did not run');
  });

  it('verifies the fix only once enough good runs arrived, and fails it when the error returns', () => {
    // After the credentials were rotated: a day of crm-sync without the fault, shifted to after the session start.
    const fixed = generateScenario({ seed: 8, startMs: END_MS, days: 1, faults: [] }).filter((r) => r.workflow === 'crm-sync' && r.status === 'success');
    expect(verifySession(session, fixed.slice(0, 2), templateOf).status).toBe('pending');
    const verified = verifySession(session, fixed.slice(0, 10), templateOf);
    expect(verified.status).toBe('verified');
    expect(verified.checks.every((c) => c.passed)).toBe(true);

    const stillBroken = runs.filter((r) => r.workflow === 'crm-sync' && r.status !== 'success').slice(-6).map((r) => ({ ...r, startMs: r.startMs + 86_400_000 }));
    const failed = verifySession(session, [...fixed.slice(0, 10), ...stillBroken], templateOf);
    expect(failed.status).toBe('failed');
    expect(failed.checks.find((c) => c.name === 'pattern_absent')!.passed).toBe(false);
  });

  it('asks for as many runs as a flaky step would have failed in at least once, before it calls its fix verified', () => {
    const flakyRuns = runs.filter((r) => r.workflow === 'search-reindex');
    const flaky = createSession({ workflow: 'search-reindex', nowMs: END_MS, runs: flakyRuns, candidates: analysedCandidates, templateOf });
    expect(flaky.hypotheses[0]!.title).toMatch(/^Step `build-index` of `search-reindex` is flaky/);
    // A step that fails one run in ten passes five in a row more than half the time: five would prove nothing.
    const share = Number(analysedCandidates.find((c) => c.kind === 'flaky')!.evidence.current['failureShare']);
    expect(flaky.criteria.minRuns).toBe(Math.ceil(Math.log(0.05) / Math.log(1 - share)));
    expect(flaky.criteria.minRuns).toBeGreaterThan(5);
    expect(flaky.criteria.absentTemplateIds).toHaveLength(1);
    expect(flaky.criteria.retriedStep).toBe('build-index');
    const later = (r: RunRecord) => ({ ...r, startMs: r.startMs + 15 * 86_400_000 });
    const atFirstTry = flakyRuns.filter((r) => r.status === 'success' && r.steps.every((s) => (s.attempt ?? 1) === 1)).map(later);
    expect(verifySession(flaky, atFirstTry.slice(0, 5), templateOf).status).toBe('pending');
    expect(verifySession(flaky, atFirstTry.slice(0, flaky.criteria.minRuns), templateOf).status).toBe('verified');
    // Passing only on retries is hiding the failures, not fixing them.
    const onRetry = flakyRuns.filter((r) => r.status === 'success' && r.steps.some((s) => s.name === 'build-index' && (s.attempt ?? 1) > 1)).map(later);
    const hidden = verifySession(flaky, onRetry.slice(0, flaky.criteria.minRuns), templateOf);
    expect(hidden.status).toBe('failed');
    expect(hidden.checks.find((c) => c.name === 'retries')).toMatchObject({ passed: false });
  });

  it('calls more workers a fix only once the runs wait about as little as before the shortage', () => {
    const pooled = runs.filter((r) => r.workflow === 'partner-feeds');
    const waiting = createSession({ workflow: 'partner-feeds', nowMs: END_MS, runs: pooled, candidates: analysedCandidates, templateOf });
    expect(waiting.hypotheses[0]!.title).toMatch(/wait (.* )?for workers since/);
    expect(waiting.recommendations[0]!.title).toBe('Give airflow.task.pool `etl` the workers it needs, or find what took them');
    expect(waiting.phases[4]!.items).toEqual([expect.stringMatching(/^runs wait at most \d+(\.\d)? s for workers \(median\)$/)]);
    const later = (r: RunRecord) => ({ ...r, startMs: r.startMs + 15 * 86_400_000 });
    const onset = Date.parse(analysedCandidates.find((c) => c.kind === 'queue')!.evidence.onset!);
    // Runs as before the shortage pass; runs as since do not, though none of them failed.
    const before = pooled.filter((r) => r.startMs < onset && r.status === 'success').slice(-10).map(later);
    const since = pooled.filter((r) => r.startMs >= onset && r.status === 'success').slice(-10).map(later);
    expect(verifySession(waiting, before, templateOf).status).toBe('verified');
    const still = verifySession(waiting, since, templateOf);
    expect(still.status).toBe('failed');
    expect(still.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual(['wait']);
    // Before any run arrived, the fix is pending, not failed.
    expect(verifySession(waiting, [], templateOf).status).toBe('pending');
    // The other workflow waiting on the pool is held to its own old wait, not the lead's.
    const finding = analysedCandidates.find((c) => c.kind === 'queue')!;
    const own = (finding.evidence.details!['perWorkflow'] as { workflow: string; baselineMs: number; currentMs: number }[]).find((w) => w.workflow === 'geo-enrich')!;
    const other = createSession({ workflow: 'geo-enrich', nowMs: END_MS, runs: runs.filter((r) => r.workflow === 'geo-enrich'), candidates: analysedCandidates, templateOf });
    expect(other.criteria.maxWaitMs).toBe(Math.round(Math.sqrt(Math.max(own.baselineMs, 1000) * own.currentMs)));
    expect(other.criteria.maxWaitMs).not.toBe(waiting.criteria.maxWaitMs);
  });
});

