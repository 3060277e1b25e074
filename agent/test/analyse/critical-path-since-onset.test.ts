import { describe, expect, it } from 'vitest';
import { analyse } from '../../src/analyse/index.js';
import { pipelineRun } from './pipelines.js';
import { minerTemplateOf, newestEnd } from './scenario.js';

const HOUR = 3600_000;

describe('critical-path advice after a slowdown', () => {
  it('names the step that became 6× slower, by its share of the runs since the onset, not of the runs before', () => {
    // Three steps of 20 s (a third of the run each); from run 250 of 300, `load` takes 2 min: 75 % of a run since,
    // though its median share over the 200 newest runs, 150 of them from before, is still a third.
    const runs = Array.from({ length: 300 }, (_, i) =>
      pipelineRun('etl', i, i * HOUR, [
        { name: 'extract', ms: 20_000 },
        { name: 'transform', ms: 20_000 },
        { name: 'load', ms: (i >= 250 ? 120_000 : 20_000) + (i % 7) * 100 },
      ]),
    );
    const config = { slos: [{ workflow: 'etl', objective: 99, window: '30d', maxDuration: '100s' }] };
    const out = analyse({ nowMs: newestEnd(runs), runs, templateOf: minerTemplateOf(), config });
    const slo = out.candidates.find((c) => c.kind === 'sla')!;
    expect(slo).toMatchObject({ category: 'performance' });
    expect(slo.recommendations.map((r) => r.title)).toContain('Shorten the critical path: `load` takes 75 % of a run');
  });

  it('gives a step that began to time out no critical-path advice, but what to look for in its wait', () => {
    // From run 250 of 300 `load` runs into its 2-minute timeout every time: 75 % of a run since.
    const runs = Array.from({ length: 300 }, (_, i) =>
      pipelineRun('etl', i, i * HOUR, [
        { name: 'extract', ms: 20_000 },
        { name: 'transform', ms: 20_000 },
        i >= 250 ? { name: 'load', ms: 120_000, error: 'Task timed out after 120 s', status: 'timeout' } : { name: 'load', ms: 20_000 + (i % 7) * 100 },
      ]),
    );
    const out = analyse({ nowMs: newestEnd(runs), runs, templateOf: minerTemplateOf(), config: {} });
    const timeout = out.candidates.find((c) => c.kind === 'error_pattern')!;
    expect(timeout).toMatchObject({ category: 'timeout', rootCause: { step: 'load' } });
    // The step is long because it waits for its deadline: shortening it is not the fix.
    expect(timeout.recommendations.map((r) => r.title)).not.toContainEqual(expect.stringMatching(/critical path/));
    expect(timeout.recommendations.map((r) => r.title)).toContain('Find what step `load` waits on before raising its timeout');
  });
});
