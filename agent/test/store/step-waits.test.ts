import { describe, expect, it } from 'vitest';
import { runFromRow, runToValues } from '../../src/store/sqlite/codec.js';
import type { RunRecord, RunnerKind, StepRecord } from '../../src/model/workflow.js';

function run(runner: RunnerKind, steps: StepRecord[]): RunRecord {
  return { id: `${runner}:w:1`, workflow: 'w', runner, runId: '1', traceId: 't'.repeat(32), spanId: 's'.repeat(16), status: 'success', startMs: 0, endMs: 60_000, durationMs: 60_000, attributes: {}, steps };
}

const step = (id: string, extra: Partial<StepRecord>): StepRecord => ({ id, name: id, status: 'success', startMs: 0, endMs: 10_000, durationMs: 10_000, attributes: {}, downstream: [], spanIds: [id], ...extra });

describe("a stored step's wait", () => {
  it('keeps whether the step\'s time holds its wait, only on steps that waited', () => {
    const stored = runToValues(run('github-actions', [step('within', { queueMs: 3000, queueWithin: true }), step('before', { queueMs: 3000 }), step('none', {})]));
    const back = runFromRow(stored, () => ({}));
    expect(back.steps.map((s) => [s.name, s.queueMs, s.queueWithin])).toEqual([
      ['within', 3000, true],
      ['before', 3000, undefined],
      ['none', undefined, undefined],
    ]);
    // Steps that never waited carry nothing more in the row than before.
    expect(JSON.parse(stored[16] as string)[2]).toHaveLength(14);
  });

  it("reads rows written before it was kept as the runner made them: Temporal's and Airflow's waits are in the step's time", () => {
    const legacy = (runner: RunnerKind) => {
      const row = runToValues(run(runner, [step('a', { queueMs: 3000 })]));
      // A step tuple as it was written then: 14 elements.
      row[16] = JSON.stringify((JSON.parse(row[16] as string) as unknown[][]).map((s) => s.slice(0, 14)));
      return runFromRow(row, () => ({})).steps[0]!;
    };
    expect(legacy('temporal').queueWithin).toBe(true);
    expect(legacy('airflow').queueWithin).toBe(true);
    expect(legacy('github-actions').queueWithin).toBeUndefined();
  });
});
