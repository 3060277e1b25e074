import { describe, expect, it } from 'vitest';
import { analyse } from '../../src/analyse/index.js';
import { seededRandom } from '../../src/analyse/prng.js';
import type { FindingCandidate } from '../../src/model/finding.js';
import type { RunRecord } from '../../src/model/workflow.js';
import { pipelineRun, type StepSpec } from './pipelines.js';
import { atLeastMedium, newestEnd } from './scenario.js';

const HOUR = 3600_000;
const templateOf = (m: string) => ({ templateId: m, template: m });
const anomalies = (runs: RunRecord[]): FindingCandidate[] =>
  analyse({ nowMs: newestEnd(runs), runs, templateOf, config: {} }).candidates.filter((c) => c.kind === 'anomaly');

/** `count` runs `everyMs` apart whose steps each take `ms(step, i)` with 10 % jitter. */
function runsOf(workflow: string, count: number, everyMs: number, steps: string[], ms: (step: string, i: number) => number, seed = 1): RunRecord[] {
  const rand = seededRandom(seed);
  return Array.from({ length: count }, (_, i) =>
    pipelineRun(workflow, i, i * everyMs, steps.map((name): StepSpec => ({ name, ms: Math.round(ms(name, i) * (0.95 + 0.1 * rand())) }))),
  );
}

describe('step slowdowns', () => {
  it('are found in a workflow with too few runs for the isolation forest', () => {
    // A daily job with 25 runs: `export` is 5× slower in its last 8.
    const runs = runsOf('nightly-export', 25, 24 * HOUR, ['query', 'export'], (step, i) => (step === 'query' ? 60_000 : i >= 17 ? 600_000 : 120_000));
    const [c, ...rest] = anomalies(runs);
    expect(rest).toEqual([]);
    expect(c).toMatchObject({ severity: 'high', rootCause: { step: 'export' }, evidence: { onset: new Date(17 * 24 * HOUR).toISOString(), affectedRuns: 8 } });
    expect(c!.title).toMatch(/^Step `export` of `nightly-export` is 5\.\d× slower since/);
  });

  it('are found in any step of a long pipeline, not only in the twelve most common names', () => {
    // 15 steps in every run; `upload-artifacts`, last in the alphabet, goes from 30 s to 300 s.
    const steps = ['checkout', 'setup-node', 'restore-cache', 'install', 'lint', 'typecheck', 'unit-tests', 'build', 'integration-tests', 'e2e-tests', 'package', 'sign', 'publish-docs', 'save-cache', 'upload-artifacts'];
    const runs = runsOf('release-pipeline', 300, HOUR, steps, (step, i) => (step === 'upload-artifacts' && i >= 250 ? 300_000 : 30_000));
    const [c, ...rest] = anomalies(runs);
    expect(rest).toEqual([]);
    expect(c).toMatchObject({ severity: 'high', rootCause: { step: 'upload-artifacts' } });
    expect(c!.title).toMatch(/^Step `upload-artifacts` of `release-pipeline` is (9\.\d|10\.\d)× slower since/);
  });

  it('are each reported, when two steps of one workflow became slower at different times', () => {
    const runs = runsOf('build-and-test', 300, HOUR, ['checkout', 'build', 'test'], (step, i) =>
      step === 'build' ? (i >= 150 ? 90_000 : 30_000) : step === 'test' ? (i >= 250 ? 160_000 : 40_000) : 5000,
    );
    const found = anomalies(runs).filter(atLeastMedium).map((c) => [c.fingerprint, c.rootCause.step, c.evidence.onset]);
    expect(found.sort()).toEqual([
      ['anomaly|build-and-test|step:build', 'build', new Date(150 * HOUR).toISOString()],
      ['anomaly|build-and-test|step:test', 'test', new Date(250 * HOUR).toISOString()],
    ]);
  });

  it.each(Array.from({ length: 20 }, (_, seed) => seed + 1))('are not found in a step with a steady cache hit rate (seed %i)', (seed) => {
    // 20 s on a cache hit, 240 s on a miss, misses at a fixed rate between 35 and 55 %.
    const rand = seededRandom(1000 + seed);
    const missRate = 0.35 + 0.2 * rand();
    const runs = runsOf('web-ci', 300, HOUR, ['checkout', 'build', 'test'], (step) => (step === 'build' ? (rand() < missRate ? 240_000 : 20_000) : step === 'test' ? 60_000 : 5000), seed);
    expect(anomalies(runs).filter(atLeastMedium).map((c) => c.title)).toEqual([]);
  });
});

describe('a step of a matrix that slowed in one of its jobs', () => {
  /**
   * Hourly runs of jobs side by side (`versions(i)`, three by default), each `Set up job` then `Run tests`;
   * `testsMs(version, i)` gives the tests' time, `ownMs` the job's own time after them.
   */
  function matrixRuns(
    count: number,
    testsMs: (version: string, i: number) => number,
    { versions = () => ['18', '20', '22'], ownMs = () => 0, seed = 7 }: { versions?: (i: number) => string[]; ownMs?: (version: string, i: number) => number; seed?: number } = {},
  ): RunRecord[] {
    const rand = seededRandom(seed);
    return Array.from({ length: count }, (_, i) => {
      const start = i * HOUR;
      const steps = versions(i).flatMap((version): RunRecord['steps'] => {
        const tests = Math.round(testsMs(version, i) * (0.95 + 0.1 * rand()));
        const jobMs = 60_000 + tests + ownMs(version, i);
        const job = { id: `${i}:${version}`, name: `test (${version})`, status: 'success' as const, startMs: start, endMs: start + jobMs, durationMs: jobMs, attributes: {}, downstream: [], spanIds: [`${i}:${version}`] };
        return [
          job,
          { ...job, id: `${i}:${version}:setup`, name: 'Set up job', parentId: job.id, endMs: start + 60_000, durationMs: 60_000, spanIds: [`${i}:${version}:setup`] },
          { ...job, id: `${i}:${version}:tests`, name: 'Run tests', parentId: job.id, startMs: start + 60_000, endMs: start + 60_000 + tests, durationMs: tests, spanIds: [`${i}:${version}:tests`] },
        ];
      });
      const end = Math.max(...steps.map((s) => s.endMs));
      return { ...pipelineRun('CI', i, start, []), endMs: end, durationMs: end - start, steps };
    });
  }

  it("names the job and gives the step's figures there, not its sum over the jobs", () => {
    // The tests take 5 minutes in every job; from run 250 they take 15 on Node 22, whose job the slower tests carry
    // (the job is not a finding of its own), however its steps are ordered among the others'.
    const runs = matrixRuns(300, (version, i) => (version === '22' && i >= 250 ? 900_000 : 300_000));
    const found = anomalies(runs).filter(atLeastMedium);
    expect(found.map((c) => c.rootCause), JSON.stringify(found.map((c) => c.title))).toEqual([
      expect.objectContaining({ step: 'Run tests', stepPath: ['test (22)'] }),
    ]);
    expect(found[0]!.title).toMatch(/^Step `test \(22\) › Run tests` of `CI` is (2\.\d|3\.\d)× slower since .* \(p50 15\.\d min vs 5\.\d min\)$/);
  });

  it('names no job for a job added to the matrix, and tells the sum as it is', () => {
    // From run 250 the matrix runs Node 20 besides 18: the tests take 10 minutes over the run instead of 5.
    for (let seed = 1; seed <= 8; seed++) {
      const runs = matrixRuns(300, () => 300_000, { versions: (i) => (i >= 250 ? ['18', '20'] : ['18']), seed });
      const tests = anomalies(runs).filter((x) => x.rootCause.step === 'Run tests');
      expect(tests, `seed ${seed}`).toHaveLength(1);
      expect(tests[0]!.rootCause.stepPath, `seed ${seed}: ${tests[0]!.title}`).toBeUndefined();
      expect(tests[0]!.title).toMatch(/2\.0× slower .*\(p50 10\.\d min vs 5\.\d min\)$/);
    }
  });

  it("names a job that slowed by itself beside another job's slower step", () => {
    // From run 250 the tests take 15 minutes on Node 22, and the Node 18 job spends 10 minutes more after its tests.
    const runs = matrixRuns(300, (version, i) => (version === '22' && i >= 250 ? 900_000 : 300_000), { ownMs: (version, i) => (version === '18' && i >= 250 ? 600_000 : 0) });
    const found = anomalies(runs).filter(atLeastMedium).map((c) => [c.rootCause.step, c.rootCause.stepPath]);
    expect(found.sort()).toEqual([['Run tests', ['test (22)']], ['test (18)', undefined]]);
  });

  it('names no job when the step slowed in all of them', () => {
    const runs = matrixRuns(300, (_, i) => (i >= 250 ? 900_000 : 300_000));
    const steps = anomalies(runs).filter(atLeastMedium).map((c) => c.rootCause);
    expect(steps).toContainEqual(expect.objectContaining({ step: 'Run tests' }));
    for (const cause of steps) expect(cause.stepPath).toBeUndefined();
  });
});
