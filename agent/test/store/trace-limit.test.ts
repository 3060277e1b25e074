/**
 * A trace holds at most `maxSpansPerTrace` spans: re-deriving its runs is linear in it and holds up every other
 * write meanwhile, so a trace that never ends (a workflow kept in one trace for weeks) must not grow without
 * bound. Later spans are refused (their senders are told), re-sent ones are still duplicates, and the run span
 * that ends a run whose trace is full is still taken, whether it is the trace's root or the parent its steps await.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OtlpSpan } from '../../src/model/otlp.js';
import { LARGE_TRACE_SPANS } from '../../src/store/sqlite/deferred-traces.js';
import type { SqliteStore } from '../../src/store/sqlite/index.js';
import { modelTrace } from '../../src/normalise/model-trace.js';
import { span } from '../normalise/helpers.js';
import { tempStores, templateOf, writeSpans as write } from '../helpers/store.js';

const T0 = Date.UTC(2026, 10, 20, 9);
const root = span({ id: 'a1', name: 'run etl', start: T0, end: T0 + 3_600_000, attributes: { 'cicd.pipeline.name': 'etl', 'cicd.pipeline.run.id': '7', 'cicd.pipeline.result': 'success' } });
const job = (i: number): OtlpSpan =>
  span({ id: `b${i}`, parent: 'a1', name: `load ${i}`, start: T0 + i * 1_000, end: T0 + i * 1_000 + 500, attributes: { 'cicd.pipeline.task.name': `load ${i}`, 'cicd.pipeline.task.run.result': 'success' } });
const jobs = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => job(from + k));
const refusedIds = (result: { spansRefused: readonly OtlpSpan[] }) => result.spansRefused.map((s) => s.spanId);
const idsOf = (spans: OtlpSpan[]) => spans.map((s) => s.spanId);
const theRun = (store: SqliteStore) => store.runs({ fromMs: T0 - 1, toMs: T0 + 3_600_000 })[0];

const stores = tempStores('limit');
afterEach(() => stores.closeAll());

describe('the most spans a trace may hold', () => {
  it('takes a trace up to its limit, refuses the rest request by request, and still takes the run span', () => {
    const { store } = stores.open(undefined, { maxSpansPerTrace: 50 });
    expect(write(store, jobs(0, 30))).toMatchObject({ spansAccepted: 30, spansRefused: [] });
    const crossing = write(store, jobs(30, 60));
    expect(crossing.spansAccepted).toBe(20);
    expect(refusedIds(crossing)).toEqual(idsOf(jobs(50, 60)));
    // A refused span sent again is refused again, not taken for a duplicate; a stored one sent again is one.
    expect(refusedIds(write(store, jobs(55, 60)))).toEqual(idsOf(jobs(55, 60)));
    expect(write(store, jobs(0, 10))).toMatchObject({ spansAccepted: 0, spansDuplicate: 10, spansRefused: [] });
    // The run span (the trace's root) ends last: the run still finishes, with the steps the trace holds.
    expect(write(store, [root])).toMatchObject({ spansAccepted: 1, spansRefused: [] });
    const run = theRun(store)!;
    expect(run).toMatchObject({ workflow: 'etl', status: 'success' });
    expect(run.steps.map((s) => s.name)).toEqual(jobs(0, 50).map((s) => s.name));
    // Each refusal is counted against the trace, for whoever looks at its run, and kept across a restart.
    expect(store.spansRefused(run.traceId)).toBe(15);
    expect(store.spansRefused('f'.repeat(32))).toBe(0);
  });

  it('keeps the count of a trace\'s refused spans across a restart, and forgets it with the trace', async () => {
    const { store, path } = stores.open(undefined, { maxSpansPerTrace: 10 });
    write(store, jobs(0, 12));
    const traceId = jobs(0, 1)[0]!.traceId;
    await store.close();
    const { store: reopened } = stores.open(path, { maxSpansPerTrace: 10 });
    expect(reopened.spansRefused(traceId)).toBe(2);
    // Retention deletes the trace's spans (they ended before the cut-off): its count goes with them.
    while (reopened.pruneChunk(T0 + 86_400_000) > 0);
    expect(reopened.spansRefused(traceId)).toBe(0);
  });

  it('holds a large trace, whose runs are re-derived later, to its limit too', () => {
    const limit = LARGE_TRACE_SPANS + 200;
    const { store } = stores.open(undefined, { maxSpansPerTrace: limit });
    write(store, [root]);
    let accepted = 1;
    const refused: string[] = [];
    for (let i = 0; i < limit + 300; i += 100) {
      const result = write(store, jobs(i, i + 100));
      accepted += result.spansAccepted;
      refused.push(...refusedIds(result));
    }
    expect(accepted).toBe(limit);
    expect(refused).toEqual(idsOf(jobs(limit - 1, limit + 300)));
    store.remodelDeferred(modelTrace, templateOf, Infinity);
    expect(theRun(store)!.steps).toHaveLength(limit - 1);
  });

  describe("a run span under another span (Temporal's RunWorkflow, sent when the workflow ends)", () => {
    const ids = { temporalWorkflowID: 'order-7', temporalRunID: 'r7' };
    const starter = span({ id: 's1', name: 'StartWorkflow:Order', start: T0, end: T0 + 5, attributes: ids });
    const runSpan = span({ id: 'rw', parent: 's1', name: 'RunWorkflow:Order', start: T0 + 10, end: T0 + 3_600_000, attributes: ids });
    const activities = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, k) =>
        span({ id: `act${from + k}`, parent: 'rw', name: `StartActivity:Charge${from + k}`, start: T0 + (from + k) * 1_000, end: T0 + (from + k) * 1_000 + 500, attributes: ids }),
      );

    it.each([
      ['read back on each request', 50],
      ['kept as span ids (a large trace)', LARGE_TRACE_SPANS + 200],
    ])('is taken past the limit when the trace is %s, and ends the run that was running', (_, limit) => {
      const { store } = stores.open(undefined, { maxSpansPerTrace: limit });
      write(store, [starter]);
      for (let i = 0; i < limit + 100; i += 100) write(store, activities(i, Math.min(i + 100, limit + 100)));
      store.remodelDeferred(modelTrace, templateOf, Infinity);
      expect(theRun(store)).toMatchObject({ workflow: 'Order', runId: 'r7', status: 'running' });
      // A span the trace's spans do not name as their parent is refused; the run span they do is taken.
      const unrelated = span({ id: 'x1', parent: 's1', name: 'QueryWorkflow:Order', start: T0 + 20, end: T0 + 21 });
      expect(refusedIds(write(store, [...activities(limit + 100, limit + 110), unrelated, runSpan]))).toEqual([
        ...idsOf(activities(limit + 100, limit + 110)),
        unrelated.spanId,
      ]);
      store.remodelDeferred(modelTrace, templateOf, Infinity);
      const run = theRun(store)!;
      expect(run).toMatchObject({ workflow: 'Order', runId: 'r7', status: 'success' });
      expect(run.steps).toHaveLength(limit - 1);
    });
  });

  it('takes at most a hundred root spans past the limit', () => {
    const { store } = stores.open(undefined, { maxSpansPerTrace: 10 });
    write(store, jobs(0, 10));
    const roots = Array.from({ length: 150 }, (_, k) => span({ id: `c${k}`, name: `root ${k}`, start: T0, end: T0 + 1 }));
    const result = write(store, roots);
    expect(result.spansAccepted).toBe(100);
    expect(refusedIds(result)).toEqual(idsOf(roots.slice(100)));
  });
});
