import { describe, expect, it } from 'vitest';
import { allFaults, faultWorkflows, healthyWorkflows } from '../../src/demo/scenarios.js';
import { analyseScenario, atLeastMedium, creepSlo, touches } from './scenario.js';

/** 100k runs in one pass (timing is the benchmark's business: agent/bench/analysis.js). */
describe('analysis at scale', () => {
  it('analyses 100k runs and still finds every injected fault, and nothing on the healthy workflows', () => {
    const { runs, out } = analyseScenario(7, allFaults, creepSlo, 10);
    expect(runs.length).toBeGreaterThan(100_000);
    for (const fault of allFaults) {
      for (const workflow of faultWorkflows[fault]) {
        expect(out.candidates.filter((c) => touches(c, workflow) && atLeastMedium(c)).length, `${fault} / ${workflow}`).toBeGreaterThan(0);
      }
    }
    for (const workflow of healthyWorkflows) expect(out.candidates.filter((c) => touches(c, workflow) && atLeastMedium(c))).toEqual([]);
    expect(out.candidates.filter((c) => atLeastMedium(c) && touches(c, 'payments-sync') && touches(c, 'invoice-export'))).toHaveLength(1);
  });
});
