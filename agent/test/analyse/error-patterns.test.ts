import { describe, expect, it } from 'vitest';
import { analyse } from '../../src/analyse/index.js';
import type { FindingCandidate } from '../../src/model/finding.js';
import type { RunRecord, StepRecord } from '../../src/model/workflow.js';
import { pipelineRun } from './pipelines.js';
import { minerTemplateOf, newestEnd } from './scenario.js';

const HOUR = 3600_000;
const failures = (runs: RunRecord[]): FindingCandidate[] =>
  analyse({ nowMs: newestEnd(runs), runs, templateOf: minerTemplateOf(), config: {} }).candidates.filter((c) => c.kind === 'error_pattern' || c.kind === 'correlation');

describe('error patterns of runs longer than a day', () => {
  it('judges recent failures by when the runs ended', () => {
    // A 26-hour job started every 6 hours for 15 days; its last 12 runs fail in `reconcile`.
    const runs = Array.from({ length: 60 }, (_, i) =>
      pipelineRun('ledger-rebuild', i, i * 6 * HOUR, [
        { name: 'snapshot', ms: 2 * HOUR },
        { name: 'reconcile', ms: 24 * HOUR, ...(i >= 48 ? { error: 'DeadlockDetected: transaction aborted while reconciling accounts' } : {}) },
      ]),
    );
    const [c, ...rest] = failures(runs);
    expect(rest).toEqual([]);
    expect(c!.severity).toBe('critical');
    expect(c!.summary).toContain('(100 % of runs since then; 5 of the last 5 runs for `ledger-rebuild`)');
  });
});

describe('a rare error that becomes an outage', () => {
  it('dates it from the outage, and measures it and its cause there', () => {
    // Hourly runs for 14 days: ECONNRESET fails one run in 50, then the last 10 runs, the only ones that read the
    // replica orders-replica-2, all fail with it.
    const runs = Array.from({ length: 336 }, (_, i) => {
      const outage = i >= 326;
      return pipelineRun('order-sync', i, i * HOUR, [
        { name: 'fetch', ms: 20_000, ...(outage || i % 50 === 7 ? { error: 'read ECONNRESET' } : {}) },
        ...(outage || i % 50 === 7 ? [] : [{ name: 'store', ms: 5000 }]),
      ], outage ? { 'db.namespace': 'orders-replica-2' } : { 'db.namespace': 'orders' });
    });
    const [c, ...rest] = failures(runs);
    expect(rest).toEqual([]);
    expect(c).toMatchObject({ kind: 'correlation', severity: 'critical', evidence: { onset: new Date(326 * HOUR).toISOString(), affectedRuns: 10, totalRuns: 10 } });
    expect(c!.rootCause.attributes).toEqual({ 'db.namespace': 'orders-replica-2' });
    expect(c!.summary).toContain('(100 % of runs since then;');
    // What changed is looked for just before the outage, not two weeks before.
    expect(c!.evidence.changes).toMatchObject({ runId: 'order-sync:326', baselineRunId: 'order-sync:325' });
  });
});

describe('error categories', () => {
  it('come from the pattern, not from the numbers in its latest message', () => {
    const row = [403, 504, 17, 2291, 88, 5120, 403];
    const runs = Array.from({ length: 100 }, (_, i) => {
      const n = i - 93;
      return pipelineRun('csv-import', i, i * HOUR, [
        { name: 'parse', ms: 3000, ...(n >= 0 ? { error: `ValidationError: amount is not a number at row ${row[n]}` } : {}) },
      ]);
    });
    const [c] = failures(runs);
    expect(c).toMatchObject({ category: 'data', rootCause: { pattern: 'ValidationError: amount is not a number at row <*>' } });
    expect(c!.recommendations[0]!.title).toBe('Fix the invalid input at its source');
  });
});

describe('the job of a failing step whose runner sent a cycle of parents', () => {
  it('is named from the step the failure was traced to', () => {
    // From run 30 `Run tests` fails in `test (18)`, whose span names `Run tests` as its parent in turn: each has a
    // failed step inside it, and the failure is traced to `Run tests`, listed first.
    const runs = Array.from({ length: 40 }, (_, i) => {
      const run = pipelineRun('CI', i, i * HOUR, []);
      const fails = i >= 30;
      const step = (id: string, name: string, parentId: string): StepRecord => ({
        id, name, parentId, status: fails ? 'failure' : 'success', startMs: run.startMs, endMs: run.startMs + 60_000, durationMs: 60_000,
        attributes: {}, downstream: [], spanIds: [id], ...(fails && { errorMessage: 'AssertionError: expected 200, got 503' }),
      });
      return { ...run, status: fails ? 'failure' : 'success', steps: [step(`${i}:tests`, 'Run tests', `${i}:job`), step(`${i}:job`, 'test (18)', `${i}:tests`)] } as RunRecord;
    });
    const found = failures(runs);
    expect(found.map((c) => c.rootCause.step)).toEqual(['Run tests']);
    expect(found[0]!.rootCause.stepPath).toEqual(['test (18)']);
  });
});
