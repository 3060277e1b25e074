import { expect, it } from 'vitest';
import { AnalysisPass, failureNotes, failureTemplates } from '../../src/analyse/index.js';
import type { RunRecord } from '../../src/model/workflow.js';
import { minerTemplateOf, newestEnd } from './scenario.js';
import { hourly } from './runs.js';

const MESSAGES = ['disk quota exceeded on volume data-7', 'TLS handshake failed with registry.example.com', 'lock file is held by another build', 'schema validation failed for manifest.yaml', 'exit status 137 in step package'];

/**
 * The failed runs all ran on one builder, so the step is not flaky; each message is a pattern of its own, which
 * that builder alone does not explain. Each error pattern compares its first failure with the last success, which takes a while for runs of thousands
 * of steps: the pass gives way to other work after each, not once after all of a workflow's patterns.
 */
it("gives way after each of a workflow's error patterns", () => {
  const runs: RunRecord[] = hourly('release', 400, (i, r) =>
    i % 4 === 1 ? { ...r, status: 'failure', attributes: { 'host.name': 'builder-9' }, errorMessage: MESSAGES[Math.floor(i / 4) % MESSAGES.length]!, steps: r.steps.map((s) => ({ ...s, status: 'failure', errorMessage: MESSAGES[Math.floor(i / 4) % MESSAGES.length]! })) } : r,
  );
  const pass = new AnalysisPass(newestEnd(runs), {}, failureTemplates(failureNotes(runs), minerTemplateOf()));
  let breaks = 0;
  for (const _ of pass.workflow('release', runs)) breaks++;
  const patterns = pass.finish().candidates.filter((c) => c.kind === 'error_pattern');
  expect(patterns).toHaveLength(MESSAGES.length);
  // One break per pattern, on top of one per other detector (anomaly, trend, rules).
  expect(breaks).toBeGreaterThanOrEqual(MESSAGES.length + 3);
});
