/**
 * Templates the miner merges while a write stores runs' errors reach the store with the next write. An agent
 * stopping before one still hands them over: the miner it saves no longer knows the retired ids.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TemplateMiner } from '../../src/analyse/templates/index.js';
import { TemplateTracker } from '../../src/ingest/template-tracker.js';
import { WriteQueue } from '../../src/ingest/write-queue.js';
import { modelTrace } from '../../src/normalise/model-trace.js';
import { etlRun } from '../helpers/etl-runs.js';
import { tempStores } from '../helpers/store.js';

const stores = tempStores('merges-on-close');
afterEach(() => stores.closeAll());

describe('the template merges made since the last write', () => {
  it('reach the store when the agent stops, or when it saves its miner (after each analysis pass)', async () => {
    const { store } = stores.open();
    // The store's writes fail while `diskFull` holds (a full disk), as SQLite reports it.
    let diskFull = false;
    const disk = new Proxy(store, {
      get(target, key) {
        if (key === 'write' && diskFull) return () => { throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }); };
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const templates = new TemplateTracker(new TemplateMiner());
    const templateOf = (message: string) => templates.of(message);
    const queue = new WriteQueue(
      { maxPendingItems: 1_000 },
      { store: disk, model: modelTrace, mineLog: () => undefined, templateOf, takeMerges: () => templates.takeMerges(),
        onWritten: () => {}, onFailed: () => {}, onRemodelFailed: () => {} },
    );
    const replicas = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
    const spans = replicas.map((replica, i) => etlRun(i, `lost connection to replica ${replica}`));
    await queue.consumeTraces({ resourceSpans: [{ resource: {}, scopes: [{ scopeName: 'ci', scopeVersion: '', spans }] }], spanCount: spans.length, rejected: { count: 0, reasons: [] } });
    // The fifth replica made the position a variable while the write stored the runs' errors: the store counts
    // the four others under their retired templates until it is told.
    const { templateId: merged } = templateOf('lost connection to replica zeta');
    expect(store.runsOfPattern(merged, 10)).toHaveLength(1);
    // The disk is full: they are not written, and not saved as written (the miner is not saved then either)…
    diskFull = true;
    expect(queue.writeMerges()).toBe(false);
    diskFull = false;
    // …but kept for the next write.
    expect(queue.writeMerges()).toBe(true);
    expect(store.runsOfPattern(merged, 10)).toHaveLength(5);
    // Five disks fill up: merged as the write stores them, and written when the agent stops.
    const disks = replicas.map((replica, i) => etlRun(10 + i, `disk full on ${replica}`));
    await queue.consumeTraces({ resourceSpans: [{ resource: {}, scopes: [{ scopeName: 'ci', scopeVersion: '', spans: disks }] }], spanCount: 5, rejected: { count: 0, reasons: [] } });
    const { templateId: full } = templateOf('disk full on zeta');
    expect(store.runsOfPattern(full, 10)).toHaveLength(1);
    await queue.close();
    expect(store.runsOfPattern(full, 10)).toHaveLength(5);
  });
});
