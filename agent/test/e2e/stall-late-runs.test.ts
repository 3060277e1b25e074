/**
 * A schedule reported stalled whose runs were made on time but reached the agent late (a runner's exporter
 * down, then catching up): once they are stored, the stall is over, whatever the time they arrived.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/runtime/logger.js';
import { AnalysisService } from '../../src/service/analysis-service.js';
import { minerTemplateOf } from '../analyse/scenario.js';
import { etlRun } from '../helpers/etl-runs.js';
import { tempStores, writeSpans } from '../helpers/store.js';
import { span } from '../normalise/helpers.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 1);
const stores = tempStores('stall-late');
afterEach(() => stores.closeAll());

/** Hourly run `i` of `billing`, which keeps the agent's event time moving on. */
const billingRun = (i: number) =>
  span({ id: `b${i}`, trace: (i + 1).toString(16).padStart(32, 'b'), name: 'run billing', start: T0 + i * HOUR, end: T0 + i * HOUR + 60_000,
    attributes: { 'cicd.pipeline.name': 'billing', 'cicd.pipeline.run.id': String(i) } });

describe('a stalled schedule whose runs arrive late', () => {
  it('is resolved once they are stored', async () => {
    const { store } = stores.open();
    const service = new AnalysisService(store, resolveConfig({ analysis: { enabled: false } }), minerTemplateOf(), [], createLogger('error'));
    // `etl` ran every hour for two days, then nothing reached the agent for eight hours.
    writeSpans(store, [...Array.from({ length: 48 }, (_, i) => etlRun(i)), ...Array.from({ length: 56 }, (_, i) => billingRun(i))]);
    await service.run();
    const stalled = () => store.findings({ limit: 100 }).filter((f) => f.kind === 'stalled' && f.workflow === 'etl');
    expect(stalled().map((f) => f.status)).toEqual(['open']);
    await service.run();
    expect(stalled().map((f) => f.status)).toEqual(['open']);

    // The runs of those hours come in, all but the newest older than the pass that last saw the stall.
    writeSpans(store, Array.from({ length: 8 }, (_, k) => etlRun(48 + k)));
    await service.run();
    expect(stalled().map((f) => [f.status, f.evidence.resolution !== undefined])).toEqual([['resolved', true]]);
  });
});
