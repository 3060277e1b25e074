import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../src/analyse/format.js';
import { foldRetryCosts } from '../../src/analyse/flaky/retry-cost.js';
import { analyse } from '../../src/analyse/index.js';
import { seededRandom } from '../../src/analyse/prng.js';
import { median } from '../../src/analyse/stats.js';
import type { FindingCandidate } from '../../src/model/finding.js';
import type { RunRecord, StepRecord } from '../../src/model/workflow.js';
import { pipelineRun } from './pipelines.js';
import { minerTemplateOf, newestEnd, START_MS } from './scenario.js';

const TEN_MINUTES = 600_000;
const ONSET = 400;

/**
 * Runs of `shipment-tracking` on five workers, as in the demo; from run 400, `update-eta` fails its first try on
 * `worker-2` most of the time and passes on a retry, the two tries taking twice as long as one. `slowFrom`: from that
 * run on, the step is slower everywhere as well.
 */
function shipments(slowFrom = Infinity): RunRecord[] {
  const rand = seededRandom(3);
  const jitter = () => 0.85 + 0.3 * rand();
  return Array.from({ length: 600 }, (_, i) => {
    const host = `worker-${1 + Math.floor(rand() * 5)}`;
    const retried = i >= ONSET && host === 'worker-2' && rand() < 0.7;
    const eta = 1500 * jitter() * (retried ? 2 : 1) * (i >= slowFrom ? 1.6 : 1);
    return pipelineRun('shipment-tracking', i, START_MS + i * TEN_MINUTES, [
      { name: 'poll-carrier', ms: 3000 * jitter() },
      { name: 'update-eta', ms: eta, ...(retried && { attempt: 2 }) },
      { name: 'notify', ms: 800 * jitter() },
    ], { 'host.name': host, 'service.version': '1.8.2' });
  });
}

const analyseRuns = (runs: RunRecord[]) => analyse({ nowMs: newestEnd(runs), runs, templateOf: minerTemplateOf(), config: {} }).candidates;

describe('a slowdown that is the cost of retries', () => {
  it('is told in the retries finding, not as an anomaly of its own', () => {
    const runs = shipments();
    const found = analyseRuns(runs);
    expect(found.filter((c) => c.kind === 'anomaly')).toEqual([]);
    const about = found.filter((c) => c.rootCause.step === 'update-eta');
    expect(about).toHaveLength(1);
    const c = about[0]!;
    expect(c.title).toMatch(/^Step `update-eta` of `shipment-tracking` needs retries on host `worker-2`/);
    const since = runs.filter((r) => r.startMs >= c.firstSeenMs);
    const retried = since.filter((r) => r.steps[1]!.attempt === 2);
    const eta = (list: RunRecord[]) => median(list.map((r) => r.steps[1]!.durationMs));
    const cost = c.evidence.details?.['retryCost'] as Record<string, number>;
    expect(cost).toEqual({ retriedStepP50Ms: Math.round(eta(retried)), firstTryStepP50Ms: Math.round(eta(since.filter((r) => !retried.includes(r)))), retriedRuns: retried.length });
    expect(cost['retriedStepP50Ms']! / cost['firstTryStepP50Ms']!).toBeGreaterThan(1.8);
    expect(c.summary).toContain(`The retries cost time too: step \`update-eta\` takes ${formatDuration(cost['retriedStepP50Ms']!)} (median) in the ${retried.length} passing runs that retried it, against ${formatDuration(cost['firstTryStepP50Ms']!)} at the first try`);
  });

  it('is still reported when the step is slow in the runs that did not retry it as well', () => {
    const found = analyseRuns(shipments(580));
    const slower = found.filter((c) => c.kind === 'anomaly');
    expect(slower).toHaveLength(1);
    expect(slower[0]!.rootCause.step).toBe('update-eta');
    expect(slower[0]!.title).toMatch(/^Step `update-eta` of `shipment-tracking` is 1\.\d× slower since /);
    const retries = found.find((c) => c.kind === 'correlation' && c.rootCause.step === 'update-eta')!;
    expect(retries.title).toMatch(/needs retries on host `worker-2`/);
    expect(retries.evidence.details?.['retryCost']).toBeUndefined();
  });
});

describe('a slowdown of one job of a matrix', () => {
  it('stays its own finding beside retries of the step in another job', () => {
    // From run 10, `Run tests` takes 15 minutes instead of 5 in `test (22)`, and needs a retry in `test (18)` in
    // almost every run (its two tries taking twice as long): the runs that retried it are the slow ones over the run,
    // but the job's slowdown is its own, read on its own figures.
    const HOUR = 3600_000;
    const runs = Array.from({ length: 30 }, (_, i) => {
      const start = START_MS + i * HOUR;
      const retried = i >= 10 && i % 10 !== 5;
      const steps = (['18', '22'] as const).flatMap((version): StepRecord[] => {
        const ms = version === '22' && i >= 10 ? 900_000 : version === '18' && retried ? 600_000 : 300_000;
        const job: StepRecord = { id: `${i}:${version}`, name: `test (${version})`, status: 'success', startMs: start, endMs: start + ms, durationMs: ms, attributes: {}, downstream: [], spanIds: [`${i}:${version}`] };
        const tests: StepRecord = { ...job, id: `${job.id}:tests`, name: 'Run tests', parentId: job.id, spanIds: [`${job.id}:tests`], ...(version === '18' && retried && { attempt: 2 }) };
        return [job, tests];
      });
      return { ...pipelineRun('CI', i, start, []), endMs: start + 900_000, durationMs: 900_000, steps };
    });
    const onset = runs[10]!.startMs;
    const candidate = (kind: FindingCandidate['kind'], rest: Partial<FindingCandidate>): FindingCandidate => ({
      fingerprint: kind, kind, workflow: 'CI', severity: 'medium', category: 'performance', confidence: 0.9, title: kind, summary: kind,
      rootCause: { step: 'Run tests', attributes: {}, description: kind },
      evidence: { baseline: {}, current: {}, affectedRuns: 20, totalRuns: 20, onset: new Date(onset).toISOString(), exampleRunIds: [], errorLines: [] },
      recommendations: [], firstSeenMs: onset, lastSeenMs: runs.at(-1)!.endMs, ...rest,
    });
    const retries = candidate('flaky', { category: 'logic' });
    const slowdown = candidate('anomaly', {
      rootCause: { step: 'Run tests', stepPath: ['test (22)'], attributes: {}, description: 'slower' },
      evidence: { ...retries.evidence, baseline: { stepP50Ms: 300_000 }, current: { stepP50Ms: 900_000 }, details: { placeOnly: true } },
    });
    expect(foldRetryCosts([retries], [slowdown], runs, 3)).toEqual([retries, slowdown]);
  });
});
