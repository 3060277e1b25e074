/**
 * The workflow list's figures come from one grouped scan: counts, nearest-rank percentiles (the same rule as
 * the per-step statistics) and the sparkline's slices.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { modelTrace } from '../../src/normalise/model-trace.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { span } from '../normalise/helpers.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 20, 0);
const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

/** Run i of `deploy` starts at hour i and lasts (i + 1) × 10 s; every fourth fails. */
function storeWithRuns(count: number): SqliteStore {
  const store = new SqliteStore(':memory:');
  stores.push(store);
  const spans = Array.from({ length: count }, (_, i) =>
    span({
      id: `a${i}`,
      trace: i.toString(16).padStart(32, '0'),
      name: 'run deploy',
      start: T0 + i * HOUR,
      end: T0 + i * HOUR + (i + 1) * 10_000,
      attributes: {
        'cicd.pipeline.name': 'deploy',
        'cicd.pipeline.run.id': String(i),
        'cicd.pipeline.result': i % 4 === 3 ? 'failure' : 'success',
      },
    }),
  );
  store.write({ spans, logs: [], logTemplates: [], templateMerges: [] }, modelTrace, (m) => ({ templateId: 't', template: m }));
  return store;
}

describe('workflow aggregates', () => {
  it('count finished runs and failures, and give nearest-rank p50 and p95 of finished runs', () => {
    const [deploy] = storeWithRuns(10).workflowAggregates({ fromMs: T0, toMs: T0 + 24 * HOUR });
    expect(deploy).toMatchObject({ workflow: 'deploy', runs: 10, failedRuns: 2, ratedRuns: 10 });
    // Durations 10 … 100 s: nearest rank is the 5th and the 10th (interpolating rules give 55 s, or 90 s for p95).
    expect(deploy!.p50DurationMs).toBe(50_000);
    expect(deploy!.p95DurationMs).toBe(100_000);
    expect(deploy!.lastEndMs).toBe(T0 + 9 * HOUR + 100_000);
  });

  it('count finished runs and failures per slice of the range for the sparkline', () => {
    const [deploy] = storeWithRuns(10).workflowAggregates({ fromMs: T0, toMs: T0 + 12 * HOUR, slices: 4 });
    // Slices of 3 hours: runs 0–2, 3–5, 6–8, 9; failures are runs 3 and 7.
    expect(deploy!.activity).toEqual({ runs: [3, 3, 3, 1], failures: [0, 1, 1, 0] });
  });

  it('read one workflow through the hour index with the same figures', () => {
    const store = storeWithRuns(10);
    const [all] = store.workflowAggregates({ fromMs: T0 + 2 * HOUR, toMs: T0 + 7 * HOUR });
    expect(store.workflowAggregates({ fromMs: T0 + 2 * HOUR, toMs: T0 + 7 * HOUR, workflow: 'deploy' })).toEqual([all]);
    expect(all).toMatchObject({ runs: 6, p50DurationMs: 50_000, p95DurationMs: 80_000 });
  });
});
