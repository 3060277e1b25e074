/**
 * A finding's lifecycle through the analysis service and a real store: an error pattern's finding resolves itself
 * once five runs of its workflow have passed without it, and reopens when the error returns.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/runtime/logger.js';
import { AnalysisService } from '../../src/service/analysis-service.js';
import type { SqliteStore } from '../../src/store/sqlite/index.js';
import { etlRun } from '../helpers/etl-runs.js';
import { tempStores, templateOf, writeSpans } from '../helpers/store.js';

const stores = tempStores('lifecycle');
afterEach(() => stores.closeAll());

/** Hourly run `i` of `etl`, failing with the same error when asked. */
const job = (i: number, failed: boolean) => etlRun(i, failed ? 'connection refused: warehouse-db:5432' : undefined);

async function errorFinding(store: SqliteStore, service: AnalysisService) {
  await service.run();
  const found = store.findings({ limit: 100 }).filter((f) => f.kind === 'error_pattern' || f.kind === 'correlation');
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('an error pattern finding', () => {
  it('resolves five runs after the error stopped, and reopens when it returns', async () => {
    const { store } = stores.open();
    const service = new AnalysisService(store, resolveConfig({ analysis: { enabled: false } }), templateOf, [], createLogger('error'));
    // Two weeks of hourly runs; runs 300–319 fail the same way, then the runs pass.
    writeSpans(store, Array.from({ length: 320 }, (_, i) => job(i, i >= 300)));
    expect(await errorFinding(store, service)).toMatchObject({ status: 'open', severity: 'critical' });
    writeSpans(store, [320, 321, 322, 323].map((i) => job(i, false)));
    expect((await errorFinding(store, service)).status).toBe('open');
    writeSpans(store, [job(324, false)]);
    const resolved = await errorFinding(store, service);
    expect(resolved).toMatchObject({ status: 'resolved', resolvedBy: 'flowlens' });
    expect(resolved.evidence.resolution).toMatch(/^Condition cleared: no longer seen in the runs after 2026-11-14T07:01:00/);
    writeSpans(store, [job(325, true), job(326, true), job(327, true)]);
    expect((await errorFinding(store, service)).status).toBe('open');
  });
});

describe('a critical finding resolved by hand', () => {
  it("stops capping its workflow's health until the error is seen again", async () => {
    const { store } = stores.open();
    const service = new AnalysisService(store, resolveConfig({ analysis: { enabled: false } }), templateOf, [], createLogger('error'));
    // The last five runs fail: a critical finding, in a day whose other runs passed.
    writeSpans(store, Array.from({ length: 320 }, (_, i) => job(i, i >= 315)));
    const opened = await errorFinding(store, service);
    expect(opened).toMatchObject({ status: 'open', severity: 'critical' });
    expect(service.output!.health.get('etl')).toMatchObject({ status: 'unhealthy', cappedBy: 'critical_finding' });

    // Someone fixed it and says so before any run proves it: the pass still sees the failures, the finding stays
    // resolved, and the workflow's health is its figures', not a cap for a finding its list no longer shows.
    store.setFindingStatus(opened.id, 'resolved', 'alice', Date.parse('2026-11-14T08:00:00Z'));
    expect(await errorFinding(store, service)).toMatchObject({ status: 'resolved', resolvedBy: 'alice' });
    const health = service.output!.health.get('etl')!;
    expect(health.cappedBy).toBeUndefined();
    expect(health.status).not.toBe('unhealthy');
    expect(health.factors.find((f) => f.name === 'problems')).toMatchObject({ detail: expect.stringMatching(/^0 open problem/) });

    writeSpans(store, [job(320, true)]);
    expect(await errorFinding(store, service)).toMatchObject({ status: 'open' });
    expect(service.output!.health.get('etl')).toMatchObject({ status: 'unhealthy', cappedBy: 'critical_finding' });
  });
});
