import { describe, expect, it } from 'vitest';
import { stepDuration, stepSeries } from '../../src/analyse/anomaly/features.js';
import { pipelineRun } from './pipelines.js';

describe('a step’s work in a run', () => {
  it('adds up the steps of one name, and is missing when one of them failed or none ran, alike for one run and a series', () => {
    const runs = [
      pipelineRun('ci', 0, 0, [{ name: 'test', ms: 1000 }, { name: 'test', ms: 2000 }, { name: 'lint', ms: 500 }]),
      pipelineRun('ci', 1, 10_000, [{ name: 'test', ms: 1000 }, { name: 'test', ms: 2000, error: 'flaky' }, { name: 'test', ms: 3000 }]),
      pipelineRun('ci', 2, 20_000, [{ name: 'lint', ms: 700 }]),
    ];
    expect(runs.map((r) => [stepDuration(r, 'test'), stepDuration(r, 'lint')])).toEqual([[3000, 500], [undefined, undefined], [undefined, 700]]);
    const series = stepSeries(runs, ['test', 'lint']);
    expect(series.get('test')!.map((p) => [p.run.id, p.ms])).toEqual([['ci:0', 3000]]);
    expect(series.get('lint')!.map((p) => [p.run.id, p.ms])).toEqual([['ci:0', 500], ['ci:2', 700]]);
  });
});
