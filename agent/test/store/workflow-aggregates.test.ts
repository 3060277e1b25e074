/**
 * The workflow list's figures: counts, nearest-rank percentiles (the same rule as the per-step statistics) and
 * the sparkline's slices, from run heads kept in memory per hour (workflow-aggregator.ts), so also that every
 * way a run changes (written, replayed elsewhere, pruned, written by another connection) shows at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { modelTrace } from '../../src/normalise/model-trace.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { span } from '../normalise/helpers.js';
import { FAILED_STATUSES, type RunRecord } from '../../src/model/workflow.js';
import type { WorkflowAggregate } from '../../src/store/store.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 20, 0);
const stores: SqliteStore[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Run `id` of `workflow` in trace `trace`, starting at hour `hour` and lasting `seconds`. */
const runSpan = (id: number, trace: number, hour: number, seconds: number, result = 'success', workflow = 'deploy') =>
  span({
    id: `a${id}`,
    trace: trace.toString(16).padStart(32, '0'),
    name: `run ${workflow}`,
    start: T0 + hour * HOUR,
    end: T0 + hour * HOUR + seconds * 1000,
    attributes: { 'cicd.pipeline.name': workflow, 'cicd.pipeline.run.id': String(id), 'cicd.pipeline.result': result },
  });

/** The figures of one workflow's runs in a range, worked out the plain way: the test's oracle. */
function expectedFigures(runs: RunRecord[], { fromMs, toMs, slices }: { fromMs: number; toMs: number; slices: number }): WorkflowAggregate {
  const finished = runs.filter((run) => run.status !== 'running');
  const failed = (run: RunRecord) => ['failure', 'error', 'timeout'].includes(run.status);
  const durations = finished.map((run) => run.durationMs).sort((a, b) => a - b);
  const nearestRank = (p: number) => (durations.length === 0 ? null : durations[Math.ceil((p / 100) * durations.length) - 1]!);
  const activity = { runs: new Array<number>(slices).fill(0), failures: new Array<number>(slices).fill(0) };
  for (const run of finished) {
    const slice = Math.min(Math.floor((run.startMs - fromMs) / ((toMs - fromMs) / slices)), slices - 1);
    activity.runs[slice]!++;
    if (failed(run)) activity.failures[slice]!++;
  }
  return {
    workflow: runs[0]!.workflow,
    runner: runs[0]!.runner,
    runs: finished.length,
    failedRuns: finished.filter(failed).length,
    ratedRuns: runs.filter((run) => !['running', 'skipped', 'cancelled'].includes(run.status)).length,
    p50DurationMs: nearestRank(50),
    p95DurationMs: nearestRank(95),
    lastEndMs: Math.max(...runs.map((run) => run.endMs)),
    activity,
  };
}

const write = (store: SqliteStore, spans: ReturnType<typeof span>[]) =>
  store.write({ spans, logs: [], logTemplates: [], templateMerges: [] }, modelTrace, (m) => ({ templateId: 't', template: m }));

/** Run i of `deploy` starts at hour i and lasts (i + 1) × 10 s; every fourth fails. */
function storeWithRuns(count: number, path = ':memory:'): SqliteStore {
  const store = new SqliteStore(path);
  stores.push(store);
  write(store, Array.from({ length: count }, (_, i) => runSpan(i, i, i, (i + 1) * 10, i % 4 === 3 ? 'failure' : 'success')));
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

  it('give each of several workflows the figures of its own runs, over ranges that cut hours', () => {
    const store = new SqliteStore(':memory:');
    stores.push(store);
    const names = ['build', 'deploy', 'test'];
    const results = ['success', 'success', 'failure', 'success', 'cancelled', 'success', 'timeout'];
    // A run every quarter of an hour for ten hours, the workflows in turn, and one still running.
    const spans = Array.from({ length: 40 }, (_, q) => runSpan(q, q, q / 4, 30 + ((q * 37) % 300), results[q % results.length], names[q % names.length]));
    spans.push(runSpan(40, 40, 3.1, 60, 'in_progress', 'build'));
    write(store, spans);
    for (const [from, to] of [[0, 24], [1.3, 7.6], [2.5, 2.9]] as const) {
      const query = { fromMs: T0 + from * HOUR, toMs: T0 + to * HOUR, slices: 5 };
      const expected = names
        .map((workflow) => store.runs({ workflow, fromMs: query.fromMs, toMs: query.toMs }))
        .filter((runs) => runs.length > 0)
        .map((runs) => expectedFigures(runs, query));
      const actual = store.workflowAggregates(query).sort((a, b) => (a.workflow < b.workflow ? -1 : 1));
      expect(actual, `hours ${from}–${to}`).toEqual(expected);
      for (const aggregate of actual) expect(store.workflowAggregates({ ...query, workflow: aggregate.workflow })).toEqual([aggregate]);
    }
  });

  it('give many workflows of many runs each their own figures, list after list', () => {
    const store = new SqliteStore(':memory:');
    stores.push(store);
    // 30 workflows × 60 runs over 30 hours, durations in no order: more durations, workflows and slices than the
    // first list's room for them, and more runs per workflow than an insertion sort takes.
    const names = Array.from({ length: 30 }, (_, w) => `pipeline-${w}`);
    const spans = Array.from({ length: 1_800 }, (_, i) =>
      runSpan(i, i + 1, (i % 1_777) / 60, 5 + ((i * 7_919) % 997), i % 9 === 0 ? 'failure' : 'success', names[i % names.length]),
    );
    write(store, spans);
    const small = { fromMs: T0 + 2 * HOUR, toMs: T0 + 3 * HOUR, slices: 4 };
    const wide = { fromMs: T0, toMs: T0 + 30 * HOUR, slices: 24 };
    for (const query of [small, wide, small]) {
      const expected = names.map((workflow) => expectedFigures(store.runs({ workflow, fromMs: query.fromMs, toMs: query.toMs }), query));
      const actual = store.workflowAggregates(query).sort((a, b) => (a.workflow < b.workflow ? -1 : 1));
      expect(actual).toEqual(expected.sort((a, b) => (a.workflow < b.workflow ? -1 : 1)));
    }
  });

  it('show a run written after its hour was read', () => {
    const store = storeWithRuns(10);
    const range = { fromMs: T0, toMs: T0 + 24 * HOUR };
    expect(store.workflowAggregates(range)[0]).toMatchObject({ runs: 10, p95DurationMs: 100_000 });
    write(store, [runSpan(10, 10, 2, 500, 'failure')]);
    expect(store.workflowAggregates(range)[0]).toMatchObject({ runs: 11, failedRuns: 3, p95DurationMs: 500_000 });
  });

  it('move a run replayed in another trace out of the hour it left', () => {
    const store = storeWithRuns(10);
    write(store, [runSpan(10, 10, 3, 1)]);
    const hour3 = { fromMs: T0 + 3 * HOUR, toMs: T0 + 4 * HOUR - 1 };
    expect(store.workflowAggregates(hour3)[0]).toMatchObject({ runs: 2, failedRuns: 1 });
    write(store, [runSpan(3, 99, 20, 5)]);
    expect(store.workflowAggregates(hour3)[0]).toMatchObject({ runs: 1, failedRuns: 0 });
    expect(store.workflowAggregates({ fromMs: T0, toMs: T0 + 24 * HOUR })[0]).toMatchObject({ runs: 11, failedRuns: 1 });
  });

  it('drop runs removed by retention', () => {
    const store = storeWithRuns(10);
    write(store, [runSpan(10, 10, 0, 10 * 3600)]); // still running at the cut-off: kept
    const range = { fromMs: T0, toMs: T0 + 24 * HOUR };
    expect(store.workflowAggregates(range)[0]).toMatchObject({ runs: 11 });
    store.pruneChunk(T0 + 5 * HOUR);
    expect(store.workflowAggregates(range)[0]).toMatchObject({ runs: 6, p50DurationMs: 80_000 });
  });

  it('show runs another connection wrote to the same file', () => {
    const path = join(dirs[dirs.push(mkdtempSync(join(tmpdir(), 'flowlens-aggregates-'))) - 1]!, 'store.db');
    const reader = storeWithRuns(10, path);
    const range = { fromMs: T0, toMs: T0 + 24 * HOUR };
    expect(reader.workflowAggregates(range)[0]).toMatchObject({ runs: 10 });
    const writer = new SqliteStore(path);
    stores.push(writer);
    write(writer, [runSpan(10, 10, 1, 30)]);
    expect(reader.workflowAggregates(range)[0]).toMatchObject({ runs: 11 });
  });
});

describe('run queries', () => {
  it('give only failed runs, the newest first, when asked', () => {
    const store = storeWithRuns(40);
    const query = { workflow: 'deploy', fromMs: T0, toMs: T0 + 48 * HOUR };
    const runIds = (runs: RunRecord[]) => runs.map((run) => run.runId);
    // Every fourth run fails: 3, 7, … 39.
    expect(runIds(store.runs({ ...query, statuses: FAILED_STATUSES, limit: 3 }))).toEqual(['39', '35', '31']);
    expect(runIds(store.runs({ fromMs: query.fromMs, toMs: query.toMs, statuses: FAILED_STATUSES }))).toEqual(Array.from({ length: 10 }, (_, i) => String(39 - 4 * i)));
    // Whole runs, as the plain query gives them.
    expect(store.runs({ ...query, statuses: FAILED_STATUSES })[0]).toEqual(store.runs({ ...query, limit: 1 })[0]);
  });
});
