import { describe, expect, it } from 'vitest';
import { shiftPlace } from '../../src/analyse/anomaly/shift-place.js';
import type { RunRecord, StepRecord } from '../../src/model/workflow.js';
import { pipelineRun } from './pipelines.js';

const HOUR = 3600_000;
const ONSET = 50;

/** Hourly runs of a matrix: `Run tests` in `test (<version>)` of each version, taking `testsMs(version, i)`. */
function matrixRuns(testsMs: (version: string, i: number) => number, versions = ['18', '20']): RunRecord[] {
  return Array.from({ length: 100 }, (_, i) => {
    const start = i * HOUR;
    const steps = versions.flatMap((version): StepRecord[] => {
      const ms = testsMs(version, i);
      const job: StepRecord = { id: `${i}:${version}`, name: `test (${version})`, status: 'success', startMs: start, endMs: start + ms, durationMs: ms, attributes: {}, downstream: [], spanIds: [`${i}:${version}`] };
      return [job, { ...job, id: `${job.id}:tests`, name: 'Run tests', parentId: job.id, spanIds: [`${job.id}:tests`] }];
    });
    return { ...pipelineRun('CI', i, start, []), steps };
  });
}

/** The rise of the step's time over the run (its jobs together), as the detector gives it. */
const riseOf = (runs: RunRecord[]) => {
  const sum = (run: RunRecord) => run.steps.filter((s) => s.name === 'Run tests').reduce((total, s) => total + s.durationMs, 0);
  return sum(runs.at(-1)!) - sum(runs[0]!);
};

describe('where a step of a matrix slowed', () => {
  it('names the job that took the rise, with its own figures', () => {
    const runs = matrixRuns((version, i) => (version === '18' ? (i >= ONSET ? 1_400_000 : 900_000) : i >= ONSET ? 120_000 : 100_000));
    expect(shiftPlace(runs, 'Run tests', ONSET * HOUR, riseOf(runs), 1.5)).toEqual({ path: ['test (18)'], figures: { baselineMs: 900_000, currentMs: 1_400_000 } });
  });

  it('names no job whose own time rose by less than a slowdown, though it took most of the rise', () => {
    // 900 s to 1,300 s (1.44×) in one job: the sum over the jobs rose by 1.42×, the job by too little to be named as
    // slower on its own figures.
    const runs = matrixRuns((version, i) => (version === '18' ? (i >= ONSET ? 1_300_000 : 900_000) : i >= ONSET ? 120_000 : 100_000));
    expect(shiftPlace(runs, 'Run tests', ONSET * HOUR, riseOf(runs), 1.5)).toBeUndefined();
  });

  it('names no job when the rise is spread over the jobs', () => {
    const runs = matrixRuns((_, i) => (i >= ONSET ? 900_000 : 300_000));
    expect(shiftPlace(runs, 'Run tests', ONSET * HOUR, riseOf(runs), 1.5)).toBeUndefined();
  });

  it('names the job of a step that runs in one job only, without figures of its own', () => {
    const runs = matrixRuns((_, i) => (i >= ONSET ? 900_000 : 300_000), ['18']);
    expect(shiftPlace(runs, 'Run tests', ONSET * HOUR, riseOf(runs), 1.5)).toEqual({ path: ['test (18)'] });
  });
});
