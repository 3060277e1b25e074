/**
 * An outage longer than the analysis window whose messages changed on the way: once the window has slid past the
 * message it began with, it is still the finding that was opened for it, not a second one paging again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/runtime/logger.js';
import { AnalysisService } from '../../src/service/analysis-service.js';
import type { SqliteStore } from '../../src/store/sqlite/index.js';
import { TemplateMiner } from '../../src/analyse/templates/index.js';
import { TemplateTracker } from '../../src/ingest/template-tracker.js';
import { modelTrace } from '../../src/normalise/model-trace.js';
import { minerTemplateOf } from '../analyse/scenario.js';
import { etlRun } from '../helpers/etl-runs.js';
import { tempStores, writeSpans } from '../helpers/store.js';

const REFUSED = 'connection refused: warehouse-db:5432';
const DEADLINE = 'context deadline exceeded';
const stores = tempStores('outage-identity');
afterEach(() => stores.closeAll());

/** From run 100 the warehouse refuses connections; from run 105 calls also time out, from 120 they only time out. */
const errorOf = (i: number) => (i < 100 ? undefined : i < 105 ? REFUSED : i < 120 ? (i % 3 === 0 ? DEADLINE : REFUSED) : DEADLINE);

const errorFindings = (store: SqliteStore) => store.findings({ limit: 100 }).filter((f) => f.kind === 'error_pattern' || f.kind === 'correlation');

describe('an outage whose first message has left the analysis window', () => {
  it('stays the finding opened for it', async () => {
    const { store } = stores.open();
    // Two days of window: 48 hourly runs.
    const service = new AnalysisService(store, resolveConfig({ analysis: { enabled: false, window: '2d' } }), minerTemplateOf(), [], createLogger('error'));
    writeSpans(store, Array.from({ length: 126 }, (_, i) => etlRun(i, errorOf(i))));
    await service.run();
    const [opened, ...others] = errorFindings(store);
    expect(others).toEqual([]);
    expect((opened!.evidence.details!['messages'] as { pattern: string }[]).map((m) => m.pattern).sort()).toEqual(['connection refused: warehouse-db:<*>', DEADLINE]);
    // 60 hours on, the window holds only timeouts.
    writeSpans(store, Array.from({ length: 60 }, (_, k) => etlRun(126 + k, errorOf(126 + k))));
    await service.run();
    const found = errorFindings(store);
    expect(found.map((f) => [f.id, f.status, f.rootCause.pattern])).toEqual([[opened!.id, 'open', DEADLINE]]);
  });
});

describe('an outage whose message the log miner generalised since its finding was opened', () => {
  /**
   * Four replicas of the warehouse go down together: four messages, which the miner keeps apart (it makes a position
   * a variable at its fifth value), and one finding. Then a fifth goes too: one template for all, "replica <*>",
   * under a new id, of which the store learns with the next write. `pass` runs one that knows of the merges since
   * the last write (`mergedSince`: as the running agent's does) or not (as an agent's restarted since).
   */
  async function merged(mergedSince: boolean) {
    const { store } = stores.open();
    // The agent's own miner, which tells the store of each merge with its next write.
    const templates = new TemplateTracker(new TemplateMiner());
    const templateOf = (message: string) => templates.of(message);
    const config = resolveConfig({ analysis: { enabled: false, window: '2d' } });
    const service = (since: boolean) =>
      new AnalysisService(store, config, templateOf, [], createLogger('error'), ...(since ? [(id: string) => templates.current(id)] : []));
    const write = (from: number, to: number, error: (i: number) => string | undefined) => {
      const spans = Array.from({ length: to - from }, (_, k) => etlRun(from + k, error(from + k)));
      store.write({ spans, logs: [], logTemplates: [], templateMerges: templates.takeMerges() }, modelTrace, templateOf);
    };
    const replicas = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
    write(0, 126, (i) => (i < 100 ? undefined : `lost connection to replica ${replicas[i % 4]}`));
    await service(true).run();
    const [opened, ...others] = errorFindings(store);
    expect(others).toEqual([]);
    expect(opened!.evidence.details!['messages']).toHaveLength(4);
    write(126, 140, (i) => `lost connection to replica ${replicas[i % 5]}`);
    return { store, opened: opened!, pass: () => service(mergedSince).run(), write };
  }

  const continued = (f: { id: string }) => [[f.id, 'open', 'lost connection to replica <*>']];
  const found = (store: SqliteStore) => errorFindings(store).map((f) => [f.id, f.status, f.rootCause.pattern]);

  it('stays the finding opened for it, in a pass before the store is told of the merge', async () => {
    const { store, opened, pass } = await merged(true);
    await pass();
    expect(found(store)).toEqual(continued(opened));
  });

  it('stays the finding opened for it, in a pass of an agent restarted since, from the store alone', async () => {
    const { store, opened, pass, write } = await merged(false);
    write(140, 141, () => 'lost connection to replica beta');
    await pass();
    expect(found(store)).toEqual(continued(opened));
  });
});
