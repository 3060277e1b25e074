/**
 * An outage longer than the analysis window whose messages changed on the way: once the window has slid past the
 * message it began with, it is still the finding that was opened for it, not a second one paging again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/runtime/logger.js';
import { AnalysisService } from '../../src/service/analysis-service.js';
import type { SqliteStore } from '../../src/store/sqlite/index.js';
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
