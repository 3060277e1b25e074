/**
 * Large traces have their runs re-derived between writes, each at most every ten times its own cost. Many of them
 * growing together must still leave the event loop to the senders: re-deriving takes about a tenth of it at most,
 * however many traces are due, and every trace still gets its runs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WriteQueue } from '../../src/ingest/write-queue.js';
import type { OtlpSpan } from '../../src/model/otlp.js';
import { modelTrace } from '../../src/normalise/model-trace.js';
import { LARGE_TRACE_SPANS } from '../../src/store/sqlite/deferred-traces.js';
import type { TraceModeller } from '../../src/store/store.js';
import { span } from '../normalise/helpers.js';
import { tempStores, templateOf, writeSpans } from '../helpers/store.js';

const T0 = Date.UTC(2026, 10, 20, 9);
const TRACES = 4;
const JOBS = LARGE_TRACE_SPANS + 200;
/** What re-deriving one large trace costs here, besides the store's own work. */
const MODEL_MS = 40;

function largeTrace(n: number): OtlpSpan[] {
  const trace = String(n + 1).repeat(32);
  const root = span({ trace, id: 'a1', name: 'run etl', start: T0, end: T0 + 3_600_000, attributes: { 'cicd.pipeline.name': 'etl', 'cicd.pipeline.run.id': String(n), 'cicd.pipeline.result': 'success' } });
  const jobs = Array.from({ length: JOBS }, (_, i) =>
    span({ trace, id: `b${i}`, parent: 'a1', name: `load ${i}`, start: T0 + i * 1_000, end: T0 + i * 1_000 + 500, attributes: { 'cicd.pipeline.task.name': `load ${i}`, 'cicd.pipeline.task.run.result': 'success' } }),
  );
  return [root, ...jobs];
}

const stores = tempStores('share');
afterEach(() => stores.closeAll());

describe('re-deriving large traces', () => {
  it('takes about a tenth of the event loop however many are due, and gives every trace its runs', async () => {
    const { store } = stores.open();
    const slices: { startMs: number; endMs: number }[] = [];
    const slowForLarge: TraceModeller = (spans) => {
      if (spans.length < LARGE_TRACE_SPANS) return modelTrace(spans);
      const startMs = performance.now();
      while (performance.now() - startMs < MODEL_MS);
      slices.push({ startMs, endMs: performance.now() });
      return modelTrace(spans);
    };
    // Each trace in parts of 300 spans: from its fourth part on, its runs are left to be re-derived.
    for (let n = 0; n < TRACES; n++) {
      const spans = largeTrace(n);
      for (let i = 0; i < spans.length; i += 300) writeSpans(store, spans.slice(i, i + 300), slowForLarge);
    }
    expect(store.pendingTraces().traces).toBe(TRACES);

    const queue = new WriteQueue(
      { maxPendingItems: 100_000 },
      {
        store,
        model: slowForLarge,
        mineLog: () => undefined,
        templateOf,
        takeMerges: () => [],
        onWritten: () => {},
        onFailed: () => {},
        onRemodelFailed: () => {},
      },
    );
    try {
      await expect.poll(() => store.pendingTraces().traces, { timeout: 15_000, interval: 50 }).toBe(0);
    } finally {
      await queue.close();
    }
    // All were due together; each slice of work was followed by at least nine times as long for everything else.
    expect(slices).toHaveLength(TRACES);
    for (let i = 1; i < slices.length; i++) {
      const previous = slices[i - 1]!;
      expect(slices[i]!.startMs - previous.endMs).toBeGreaterThanOrEqual(9 * (previous.endMs - previous.startMs) - 2);
    }
    const runs = store.runs({ fromMs: T0 - 1, toMs: T0 + 3_600_000 });
    expect(runs.map((run) => [run.runId, run.steps.length]).sort()).toEqual(Array.from({ length: TRACES }, (_, n) => [String(n), JOBS]));
  });
});
