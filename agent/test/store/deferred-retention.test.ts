/**
 * Retention and a large trace whose runs are not re-derived yet: deleting its oldest spans must not cancel the
 * re-derivation, or the run its newest spans finished never appears.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OtlpSpan } from '../../src/model/otlp.js';
import { modelTrace } from '../../src/normalise/model-trace.js';
import { LARGE_TRACE_SPANS } from '../../src/store/sqlite/deferred-traces.js';
import { span } from '../normalise/helpers.js';
import { tempStores, templateOf, writeSpans } from '../helpers/store.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);
const END = T0 + 10 * DAY;
const PART = LARGE_TRACE_SPANS / 2 + 100;

const stores = tempStores('deferred-retention');
afterEach(() => stores.closeAll());

/** `count` tasks of the ten-day pipeline run, a second apart from `startMs`. */
const tasks = (first: number, count: number, startMs: number): OtlpSpan[] =>
  Array.from({ length: count }, (_, k) =>
    span({
      id: `b${first + k}`,
      parent: 'a1',
      name: `load ${first + k}`,
      start: startMs + k * 1_000,
      end: startMs + k * 1_000 + 500,
      attributes: { 'cicd.pipeline.task.name': `load ${first + k}`, 'cicd.pipeline.task.run.result': 'success' },
    }),
  );

describe('retention of a large trace whose runs are pending', () => {
  it('still re-derives its runs from the spans left', () => {
    const { store } = stores.open();
    // A ten-day pipeline exported as it goes: tasks on its first day, tasks on its last, then its root as it ends.
    writeSpans(store, tasks(0, PART, T0));
    writeSpans(store, tasks(PART, PART, END - DAY));
    writeSpans(store, [
      span({ id: 'a1', name: 'run backfill', start: T0, end: END, attributes: { 'cicd.pipeline.name': 'backfill', 'cicd.pipeline.run.id': '1', 'cicd.pipeline.result': 'success' } }),
    ]);
    expect(store.pendingTraces().traces).toBe(1);

    // Retention reaches the first day's tasks before the run was re-derived.
    while (store.pruneChunk(T0 + 5 * DAY) > 0);
    store.remodelDeferred(modelTrace, templateOf, Infinity);

    const runs = store.runs({ workflow: 'backfill', fromMs: T0 - DAY, toMs: END });
    expect(runs.map((run) => [run.runId, run.status, run.steps.length])).toEqual([['1', 'success', PART]]);
    expect(store.pendingTraces().traces).toBe(0);
  });
});
