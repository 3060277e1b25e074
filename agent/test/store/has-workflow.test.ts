/**
 * Whether a workflow has runs (the API's 404) is asked hour by hour, newest first: these check the answer at both
 * ends of the store and for a name it never saw.
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

const run = (workflow: string, hour: number, trace: number) =>
  span({
    id: `a${trace}`,
    trace: trace.toString(16).padStart(32, '0'),
    name: `run ${workflow}`,
    start: T0 + hour * HOUR,
    end: T0 + hour * HOUR + 60_000,
    attributes: { 'cicd.pipeline.name': workflow, 'cicd.pipeline.run.id': String(trace) },
  });

describe('whether a workflow has runs', () => {
  it('finds one that ran only in the oldest hour or only in the newest, and not one never seen', () => {
    const store = new SqliteStore(':memory:');
    stores.push(store);
    expect(store.hasWorkflow('deploy')).toBe(false);
    const spans = [run('nightly', 0, 1), ...Array.from({ length: 48 }, (_, i) => run('deploy', i, 100 + i)), run('hotfix', 72, 2)];
    store.write({ spans, logs: [], logTemplates: [], templateMerges: [] }, modelTrace, (m) => ({ templateId: 't', template: m }));
    expect(store.hasWorkflow('nightly')).toBe(true);
    expect(store.hasWorkflow('hotfix')).toBe(true);
    expect(store.hasWorkflow('deploy')).toBe(true);
    expect(store.hasWorkflow('never')).toBe(false);
  });
});
