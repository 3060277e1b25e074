/**
 * SLOs are judged on every stored run of their own window, counted by the store, through the agent's analysis
 * service: not on the newest 5,000 runs of a workflow a pass reads, nor only on `analysis.window`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { outcomesOf } from '../../src/analyse/slo/outcomes.js';
import { resolveConfig } from '../../src/config/load.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { createLogger } from '../../src/runtime/logger.js';
import { AnalysisService } from '../../src/service/analysis-service.js';
import type { SqliteStore } from '../../src/store/sqlite/index.js';
import { span } from '../normalise/helpers.js';
import { tempStores, templateOf, writeSpans } from '../helpers/store.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 10, 1);
const stores = tempStores('slo');
afterEach(() => stores.closeAll());

/** Run `i` of `workflow`, a CI/CD pipeline run in a trace of its own. */
const runSpan = (workflow: string, i: number, startMs: number, durationMs: number, result = 'success') =>
  span({
    id: `${i + 1}`,
    trace: `${workflow.length}${i.toString(16).padStart(31, '0')}`,
    name: `run ${workflow}`,
    start: startMs,
    end: startMs + durationMs,
    attributes: { 'cicd.pipeline.name': workflow, 'cicd.pipeline.run.id': String(i), 'cicd.pipeline.result': result },
  });

async function analysed(store: SqliteStore, slos: ConfigInput['slos']) {
  const config = resolveConfig({ analysis: { enabled: false }, slos });
  const service = new AnalysisService(store, config, templateOf, [], createLogger('error'));
  await service.run();
  return service.output!;
}

describe('SLO figures from the store', () => {
  it('count every run of the SLO window, past the 5,000 runs a pass reads of a workflow', async () => {
    // A run a minute for 7 days; the first 200 failed, on day 1, before the newest 5,000 runs.
    const { store } = stores.open();
    writeSpans(store, Array.from({ length: 7 * 24 * 60 }, (_, i) => runSpan('ingest', i, T0 + i * MIN, 30_000, i < 200 ? 'failure' : 'success')));
    const output = await analysed(store, [{ workflow: 'ingest', objective: 99, window: '7d' }]);
    const [slo] = output.slos;
    expect(slo).toMatchObject({ totalRuns: 10_080, goodRuns: 9_880, state: 'warning', firing: 'error budget spent' });
    expect(slo!.sli).toBeCloseTo(0.98, 3);
    expect(slo!.errorBudgetRemaining).toBeCloseTo(1 - 200 / 10_080 / 0.01, 6);
    const finding = output.candidates.find((c) => c.kind === 'sla')!;
    expect(finding.title).toBe('SLO ingest-99 of `ingest` has spent its error budget (98 % good vs 99 %)');
    expect(finding.evidence).toMatchObject({ affectedRuns: 200, totalRuns: 10_080, onset: new Date(T0 + 30_000).toISOString() });
  }, 60_000);

  it('count a 30-day SLO over 30 days, past the 14 days of analysis.window', async () => {
    const { store } = stores.open();
    writeSpans(store, Array.from({ length: 360 }, (_, i) => runSpan('nightly', i, T0 + i * 2 * HOUR, 30_000, i % 40 === 0 ? 'failure' : 'success')));
    const [slo] = (await analysed(store, [{ workflow: 'nightly', objective: 95, window: '30d' }])).slos;
    expect(slo).toMatchObject({ totalRuns: 360, goodRuns: 351 });
  });

  it('count a run in the window its end falls in, however long before the window it started', async () => {
    const { store } = stores.open();
    // A daily run for 7 days, and a long-running workflow run (a Temporal one running for weeks) started 40 days
    // before the last daily run, failing on day 5: it ended in the 7-day window, so it counts there.
    const daily = Array.from({ length: 7 }, (_, i) => runSpan('reconcile', i, T0 + i * DAY, HOUR));
    const long = runSpan('reconcile', 99, T0 + 6 * DAY - 40 * DAY, 40 * DAY - 2 * DAY + 5 * HOUR, 'failure');
    // And one started the very moment the window opens (7 days before the newest run's end), counted once.
    const onTheEdge = runSpan('reconcile', 50, T0 + 6 * DAY + HOUR - 7 * DAY, 2 * HOUR);
    writeSpans(store, [...daily, long, onTheEdge]);
    const [slo] = (await analysed(store, [{ workflow: 'reconcile', objective: 99, window: '7d' }])).slos;
    expect(slo).toMatchObject({ totalRuns: 9, goodRuns: 8 });
    const query = { workflow: 'reconcile', toMs: T0 + 6 * DAY + HOUR, windowsMs: [7 * DAY, DAY, 3 * DAY] };
    const runs = store.runs({ workflow: 'reconcile', fromMs: T0 - 60 * DAY, toMs: query.toMs });
    expect(store.runOutcomes(query)).toEqual(outcomesOf(runs, query));
    expect(store.runOutcomes(query).map((counts) => counts.runs)).toEqual([9, 1, 4]);
  });

  it('count as the SLO counts the runs themselves: by end, decided runs only, slow runs bad', () => {
    const { store } = stores.open();
    const results = ['success', 'failure', 'success', 'cancellation', 'timeout', 'success', 'in_progress', 'error'];
    // Every 7 minutes for 4 days, of two workflows in turn, lasting from 30 s to 3 h.
    const spans = Array.from({ length: 4 * 24 * 9 }, (_, i) =>
      runSpan(i % 2 ? 'load' : 'export', i, T0 + i * 7 * MIN, 30_000 + ((i * 7_919) % 360) * 30_000, results[i % results.length]),
    );
    writeSpans(store, spans);
    const toMs = T0 + 3 * DAY + 17 * MIN;
    const runs = store.runs({ workflow: 'load', fromMs: T0 - DAY, toMs: T0 + 5 * DAY });
    for (const maxDurationMs of [undefined, 3_600_000]) {
      // In any order, and twice, as a 1-day SLO asks for its period beside the 1d burn window.
      const query = { workflow: 'load', toMs, windowsMs: [DAY, 5 * MIN, HOUR, 3 * DAY, 6 * HOUR, DAY], ...(maxDurationMs && { maxDurationMs }) };
      const counts = store.runOutcomes(query);
      expect(counts).toEqual(outcomesOf(runs, query));
      const widest = counts[3];
      expect(widest!.failedRuns).toBeGreaterThan(0);
      // Bad runs that did not fail were too slow.
      expect(widest!.runs - widest!.goodRuns - widest!.failedRuns > 0).toBe(maxDurationMs !== undefined);
    }
  });
});
