/**
 * A long workflow exported a few spans at a time (thousands of activities in one trace) has its runs re-derived
 * at most every so often once large, instead of on every part: these check that nothing is lost on the way, that
 * the runs end up as if the trace had come whole, and that a stopped agent's pending traces are done on restart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OtlpSpan } from '../../src/model/otlp.js';
import { modelTrace } from '../../src/normalise/model-trace.js';
import { LARGE_TRACE_SPANS } from '../../src/store/sqlite/deferred-traces.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import type { TraceModeller } from '../../src/store/store.js';
import { span, TRACE } from '../normalise/helpers.js';
import { tempStores, templateOf, writeSpans } from '../helpers/store.js';

const T0 = Date.UTC(2026, 10, 20, 9);
const JOBS = LARGE_TRACE_SPANS + 500;
const root = (result: string) =>
  span({ id: 'a1', name: 'run etl', start: T0, end: T0 + 3_600_000, attributes: { 'cicd.pipeline.name': 'etl', 'cicd.pipeline.run.id': '7', 'cicd.pipeline.result': result } });
const job = (i: number): OtlpSpan =>
  span({ id: `b${i}`, parent: 'a1', name: `load ${i}`, start: T0 + i * 1_000, end: T0 + i * 1_000 + 500, attributes: { 'cicd.pipeline.task.name': `load ${i}`, 'cicd.pipeline.task.run.result': 'success' } });
const jobs = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => job(from + k));

const stores = tempStores('large');
const open = stores.open;
const write = writeSpans;
const runsOf = (store: SqliteStore) => store.runs({ fromMs: T0 - 1, toMs: T0 + 3_600_000 });
const stepCount = (store: SqliteStore) => runsOf(store)[0]?.steps.length;

/** The trace's spans in parts of 100, the root (with the run's result) first, as a runner exporting as it goes. */
function sendInParts(store: SqliteStore, model: TraceModeller = modelTrace): void {
  write(store, [root('success')], model);
  for (let i = 0; i < JOBS; i += 100) write(store, jobs(i, Math.min(JOBS, i + 100)), model);
}

/** Two large traces (runs 7 and 8), each in parts, their runs pending. */
const OTHER = 'f'.repeat(32);
function sendTwoInParts(store: SqliteStore): void {
  sendInParts(store);
  const otherRoot = root('success');
  write(store, [{ ...otherRoot, traceId: OTHER, attributes: { ...otherRoot.attributes, 'cicd.pipeline.run.id': '8' } }]);
  for (let i = 0; i < JOBS; i += 500) write(store, jobs(i, i + 500).map((s) => ({ ...s, traceId: OTHER })));
}
const stepsByRunId = (store: SqliteStore) => Object.fromEntries(runsOf(store).map((run) => [run.runId, run.steps.length]));

afterEach(() => stores.closeAll());

describe('large traces arriving in parts', () => {
  it('re-derives the runs once due, not on every part, and ends with the run the whole trace gives', () => {
    const { store } = open();
    const modelled: number[] = [];
    const counting: TraceModeller = (spans) => {
      modelled.push(spans.length);
      return modelTrace(spans);
    };
    sendInParts(store, counting);
    // Every part is modelled until the trace is large; none after.
    expect(modelled.every((n) => n < LARGE_TRACE_SPANS)).toBe(true);
    expect(stepCount(store)).toBeLessThan(LARGE_TRACE_SPANS);
    expect(store.nextRemodelMs()).toBeGreaterThan(Date.now());
    expect(store.remodelDeferred(counting, templateOf, Date.now())).toBeUndefined();
    const pending = store.pendingTraces();
    expect(pending.traces).toBe(1);
    expect(pending.sinceMs).toBeLessThanOrEqual(Date.now());

    const failed = write(store, [root('failure')], counting);
    expect(failed).toMatchObject({ spansAccepted: 0, spansDuplicate: 1, transitions: [] });
    expect(write(store, [job(JOBS)], counting).spansAccepted).toBe(1);

    const done = store.remodelDeferred(counting, templateOf, store.nextRemodelMs()!);
    expect(modelled.at(-1)).toBe(JOBS + 2);
    expect(done?.failures).toEqual([]);
    // The same run, still a success, re-derived with the step that came late.
    expect(done?.written.transitions.map((t) => [t.previousStatus, t.run.status, t.run.steps.length])).toEqual([['success', 'success', JOBS + 1]]);
    expect(store.nextRemodelMs()).toBeUndefined();
    expect(store.pendingTraces()).toEqual({ traces: 0, sinceMs: undefined });
    expect(store.remodelDeferred(counting, templateOf, Infinity)).toBeUndefined();

    const { store: whole } = open();
    write(whole, [root('success'), ...jobs(0, JOBS + 1)]);
    expect(runsOf(store)).toEqual(runsOf(whole));
    expect(stepCount(store)).toBe(JOBS + 1);
  });

  it('keeps every span of a trace of more spans than are kept in memory, and drops those sent again', () => {
    const { store } = open();
    const total = 12_000;
    write(store, [root('success')]);
    for (let i = 0; i < total; i += 1_000) write(store, jobs(i, i + 1_000));
    expect(write(store, jobs(500, 1_500))).toMatchObject({ spansAccepted: 0, spansDuplicate: 1_000 });
    store.remodelDeferred(modelTrace, templateOf, Infinity);
    expect(stepCount(store)).toBe(total);
  });

  it('counts a run that fails late once, when its runs are re-derived', () => {
    const { store } = open();
    write(store, jobs(0, LARGE_TRACE_SPANS));
    write(store, jobs(LARGE_TRACE_SPANS, JOBS));
    expect(runsOf(store).map((run) => run.status)).not.toContain('failure');
    write(store, [root('failure')]);
    const done = store.remodelDeferred(modelTrace, templateOf, Infinity);
    expect(done?.written.transitions.map((t) => t.run.status)).toEqual(['failure']);
    expect(runsOf(store)).toHaveLength(1);
    expect(runsOf(store)[0]).toMatchObject({ status: 'failure', runId: '7' });
  });

  it('drops re-sent spans of a large trace, and takes them after a write that rolled back', () => {
    const { store } = open();
    sendInParts(store);
    expect(write(store, jobs(JOBS - 100, JOBS))).toMatchObject({ spansAccepted: 0, spansDuplicate: 100 });

    const other = span({ id: 'c1', name: 'run lint', start: T0, end: T0 + 1_000, trace: 'f'.repeat(32), attributes: { 'cicd.pipeline.name': 'lint', 'cicd.pipeline.run.id': '1' } });
    const failing: TraceModeller = (spans) => {
      if (spans[0]!.traceId !== TRACE) throw new Error('disk full');
      return modelTrace(spans);
    };
    expect(() => write(store, [...jobs(JOBS, JOBS + 10), other], failing)).toThrow('disk full');
    expect(write(store, jobs(JOBS, JOBS + 10))).toMatchObject({ spansAccepted: 10, spansDuplicate: 0 });
    expect(write(store, jobs(JOBS, JOBS + 10))).toMatchObject({ spansAccepted: 0, spansDuplicate: 10 });
    store.remodelDeferred(modelTrace, templateOf, Infinity);
    expect(stepCount(store)).toBe(JOBS + 10);
  });

  it('re-derives the other traces when one fails, and tries that one again later, later each time', () => {
    const { store } = open();
    sendTwoInParts(store);
    const broken: TraceModeller = (spans) => {
      if (spans[0]!.traceId === OTHER) throw new Error('a bug in a runner rule');
      return modelTrace(spans);
    };
    const now = Date.now() + 60_000;
    const first = store.remodelDeferred(broken, templateOf, now);
    expect(first?.failures.map((e) => e.message)).toEqual(['a bug in a runner rule']);
    expect(stepsByRunId(store)['7']).toBe(JOBS);
    expect(stepsByRunId(store)['8']).toBeLessThan(JOBS);
    expect(store.nextRemodelMs()).toBe(now + 5_000);
    // Still pending, and since it first was: the lag an operator is shown keeps growing.
    const since = store.pendingTraces();
    expect(since.traces).toBe(1);
    expect(since.sinceMs).toBeLessThanOrEqual(Date.now());
    store.remodelDeferred(broken, templateOf, now + 5_000);
    expect(store.pendingTraces()).toEqual(since);
    expect(store.nextRemodelMs()).toBe(now + 15_000);
    expect(store.remodelDeferred(modelTrace, templateOf, now + 15_000)?.failures).toEqual([]);
    expect(stepsByRunId(store)).toEqual({ 7: JOBS, 8: JOBS });
    expect(store.nextRemodelMs()).toBeUndefined();
  });

  it('begins no trace past its time budget but the first, and leaves the rest due', () => {
    const { store } = open();
    sendTwoInParts(store);
    const now = Date.now() + 60_000;
    store.remodelDeferred(modelTrace, templateOf, now, 0);
    expect(Object.values(stepsByRunId(store)).filter((steps) => steps === JOBS)).toHaveLength(1);
    expect(store.nextRemodelMs()).toBeLessThanOrEqual(now);
    store.remodelDeferred(modelTrace, templateOf, now, 0);
    expect(stepsByRunId(store)).toEqual({ 7: JOBS, 8: JOBS });
    expect(store.nextRemodelMs()).toBeUndefined();
  });

  it('does not re-derive a pending trace that retention deleted, in this agent or the next', async () => {
    const { store, path } = open();
    sendInParts(store);
    expect(store.nextRemodelMs()).toBeDefined();
    while (store.pruneChunk(T0 + 7_200_000) > 0);
    expect(runsOf(store)).toEqual([]);
    expect(store.nextRemodelMs()).toBeUndefined();
    await store.close();
    expect(open(path).store.nextRemodelMs()).toBeUndefined();
  });

  it('leaves the runs of a stopped agent’s pending traces to the next agent, which re-derives them at once', async () => {
    const { store, path } = open();
    sendInParts(store);
    await store.close();

    const { store: next } = open(path);
    expect(next.nextRemodelMs()).toBeLessThanOrEqual(Date.now());
    expect(stepCount(next)).toBeLessThan(JOBS);
    next.remodelDeferred(modelTrace, templateOf, Date.now());
    expect(stepCount(next)).toBe(JOBS);
    expect(next.nextRemodelMs()).toBeUndefined();
  });
});
