/**
 * The miner merges templates as lines generalise them: what was counted under the retired id moves to its
 * successor, and the retired id, which findings stored before the merge still name, answers as the successor.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TemplateMerge } from '../../src/store/store.js';
import { modelTrace } from '../../src/normalise/model-trace.js';
import { span } from '../normalise/helpers.js';
import { tempStores, templateOf } from '../helpers/store.js';
import type { SqliteStore } from '../../src/store/sqlite/index.js';

const T0 = Date.UTC(2026, 10, 20, 9);
const failedRun = [
  span({ id: 'a1', name: 'run deploy', start: T0, end: T0 + 60_000, attributes: { 'cicd.pipeline.name': 'deploy', 'cicd.pipeline.run.id': '7', 'cicd.pipeline.result': 'failure' } }),
  span({ id: 'b1', parent: 'a1', name: 'test', start: T0 + 1_000, end: T0 + 11_000, status: 2, message: 'order 1 not found',
    attributes: { 'cicd.pipeline.task.name': 'test', 'cicd.pipeline.task.run.result': 'failure' } }),
];

const stores = tempStores('merges');
afterEach(() => stores.closeAll());

const merge = (store: SqliteStore, ...templateMerges: TemplateMerge[]) =>
  store.write({ spans: [], logs: [], logTemplates: [], templateMerges }, modelTrace, templateOf);

describe('a template merged into another', () => {
  it('answers as its successor, through every merge since', () => {
    const { store } = stores.open();
    store.write({ spans: failedRun, logs: [], logTemplates: [], templateMerges: [] }, modelTrace, templateOf);
    const runs = store.runsOfPattern('t', 10);
    expect(runs).toEqual([{ runId: expect.any(String), workflow: 'deploy', step: 'test', count: 1 }]);

    merge(store, { from: 't', to: 'order-*' });
    expect(store.currentTemplateId('t')).toBe('order-*');
    expect(store.runsOfPattern('order-*', 10)).toEqual(runs);
    expect(store.runsOfPattern('t', 10)).toEqual(runs);

    merge(store, { from: 'order-*', to: 'order-*-*' });
    expect(store.currentTemplateId('t')).toBe('order-*-*');
    expect(store.currentTemplateId('order-*')).toBe('order-*-*');
    expect(store.runsOfPattern('t', 10)).toEqual(runs);
    // An id never merged is its own.
    expect(store.currentTemplateId('order-*-*')).toBe('order-*-*');
    expect(store.currentTemplateId('unknown')).toBe('unknown');
  });
});
