import type { RunRecord, RunStatus } from '../../src/model/workflow.js';

/** A hand-built run with one step, for tests that need exact counts. */
export function run(workflow: string, n: number, startMs: number, durationMs: number, status: RunStatus = 'success', extra: Partial<RunRecord> = {}): RunRecord {
  return {
    id: `${workflow}:${n}`,
    workflow,
    runner: 'generic',
    runId: `${workflow}-${n}`,
    traceId: n.toString(16).padStart(32, '0'),
    spanId: n.toString(16).padStart(16, '0'),
    status,
    startMs,
    endMs: startMs + durationMs,
    durationMs,
    attributes: {},
    steps: [
      {
        id: `s${n}`,
        name: 'work',
        status,
        startMs,
        endMs: startMs + durationMs,
        durationMs,
        attributes: {},
        downstream: [],
        spanIds: [`s${n}`],
        ...(status === 'success' ? {} : { errorMessage: 'work failed' }),
      },
    ],
    ...extra,
  };
}
