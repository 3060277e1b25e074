import { describe, expect, it } from 'vitest';
import type { RunRecord, StepRecord } from '../../src/model/workflow.js';
import { errorOrigins } from '../../src/query/error-origins.js';

const step = (id: string, name: string, extra: Partial<StepRecord> = {}): StepRecord => ({
  id, name, status: 'failure', startMs: 0, endMs: 1000, durationMs: 1000, attributes: {}, downstream: [], spanIds: [id], ...extra,
});

/** Job `build` failed because its step `compile` did; job `package` failed on its own. Neither error has a message. */
const run: RunRecord = {
  id: 'cicd:ci:1', workflow: 'ci', runner: 'cicd', runId: '1', traceId: 't', spanId: 's', status: 'failure', startMs: 0, endMs: 2000, durationMs: 2000,
  errorType: 'java.lang.NullPointerException', attributes: {},
  steps: [
    step('b', 'build', { errorType: 'JobFailed' }),
    step('c', 'compile', { parentId: 'b', errorType: 'java.lang.NullPointerException' }),
    step('p', 'package', { errorType: 'java.lang.OutOfMemoryError' }),
  ],
};

describe('error origins', () => {
  it('gives a run page each error that says only its type, at the step it began in', () => {
    expect(errorOrigins(run, true).map((o) => [o.step?.name, o.step?.errorType, o.message])).toEqual([
      ['compile', 'java.lang.NullPointerException', undefined],
      ['package', 'java.lang.OutOfMemoryError', undefined],
    ]);
  });

  it('gives templates only errors with a message', () => {
    expect(errorOrigins(run)).toEqual([]);
    const said = { ...run, steps: run.steps.map((s) => (s.id === 'c' ? { ...s, errorMessage: 'NPE at Main.java:3' } : s)) };
    expect(errorOrigins(said).map((o) => [o.step?.name, o.message])).toEqual([['compile', 'NPE at Main.java:3']]);
  });
});
