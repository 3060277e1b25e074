import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';
import { AnalysisPass, failureNotes, failureTemplates, type AnalysisConfig } from '../../src/analyse/index.js';
import { allFaults, generateScenario } from '../../src/demo/scenarios.js';
import type { RunRecord } from '../../src/model/workflow.js';
import { creepSlo, DAYS, minerTemplateOf, newestEnd, START_MS } from './scenario.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

// The agent reads a pass's runs a workflow at a time: what a pass keeps of a workflow must not hold its runs, or
// memory grows with the number of workflows (100k runs held took the agent from 200 MB to 430 MB).
it('lets each workflow’s runs go once the workflow is analysed, and still finds every kind of problem', async () => {
  const config: AnalysisConfig = { ...creepSlo, rules: [{ workflow: '*', metric: 'failure_rate', condition: '>', threshold: 0.02, severity: 'high' }] };
  const analysed: WeakRef<RunRecord>[] = [];
  const pass = (() => {
    const runs = generateScenario({ seed: 5, startMs: START_MS, days: DAYS, faults: allFaults });
    const pass = new AnalysisPass(newestEnd(runs), config, failureTemplates(failureNotes(runs), minerTemplateOf()));
    for (const workflow of [...new Set(runs.map((run) => run.workflow))].sort()) {
      const own = runs.filter((run) => run.workflow === workflow);
      for (const _ of pass.workflow(workflow, own));
      for (const run of own) analysed.push(new WeakRef(run));
    }
    return pass;
  })();
  // A new WeakRef keeps its target until the job that made it is over, which Node may tell V8 a few turns late.
  const alive = () => analysed.filter((ref) => ref.deref() !== undefined).length;
  for (let turn = 0; turn < 10 && (turn === 0 || alive() > 0); turn++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    gc();
  }
  expect(analysed.length).toBeGreaterThan(5_000);
  expect(alive()).toBe(0);
  const kinds = new Set(pass.finish().candidates.map((c) => c.kind));
  expect([...kinds].sort()).toEqual(['anomaly', 'correlation', 'error_pattern', 'flaky', 'queue', 'rule', 'sla', 'stalled', 'trend']);
});
