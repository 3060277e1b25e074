import { seededRandom } from '../../src/analyse/prng.js';
import type { RunRecord, RunStatus } from '../../src/model/workflow.js';

const HOUR = 3600_000;

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

/** Hourly runs with 10 % jitter; `shape` may slow or fail any of them. */
export function hourly(workflow: string, count: number, shape: (i: number, r: RunRecord) => RunRecord = (_, r) => r): RunRecord[] {
  const rand = seededRandom(count);
  return Array.from({ length: count }, (_, i) => shape(i, run(workflow, i, i * HOUR, 60_000 * (0.95 + 0.1 * rand()))));
}

