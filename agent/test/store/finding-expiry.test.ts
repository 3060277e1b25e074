/**
 * Retention resolves a finding not seen within it even when its lastSeen lies in the future (its runs came from a
 * sender whose clock ran ahead): a sighting counts no later than the pass that saw it. Candidates come from the
 * analysis over hand-built runs, applied to a real store as the analysis service applies them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { analyse, type AnalysisConfig } from '../../src/analyse/index.js';
import type { RunRecord } from '../../src/model/workflow.js';
import type { SqliteStore } from '../../src/store/sqlite/index.js';
import { run } from '../analyse/runs.js';
import { tempStores } from '../helpers/store.js';

const MIN = 60_000;
const DAY = 86_400_000;
const RETENTION = 14 * DAY;
const stores = tempStores('finding-expiry');
afterEach(() => stores.closeAll());

const rules: AnalysisConfig = {
  rules: [{ workflow: 'deploy', metric: 'consecutive_failures', condition: '>=', threshold: 2, severity: 'high', window: '1h' }],
};

/** Runs of `deploy` from a sender whose clock is a year ahead: the last three fail. */
const aheadRuns = (): RunRecord[] => {
  const start = Date.now() + 365 * DAY;
  return Array.from({ length: 10 }, (_, i) => run('deploy', i, start + i * 5 * MIN, MIN, i >= 7 ? 'failure' : 'success'));
};

/** A pass at wall time `atMs` over the runs (on their event time); findings it no longer sees do not clear. */
function pass(store: SqliteStore, runs: RunRecord[], atMs: number) {
  const out = analyse({ nowMs: Math.max(...runs.map((r) => r.endMs)), runs, templateOf: (m) => ({ templateId: m, template: m }), config: rules });
  store.applyFindings(out.candidates, atMs, () => false);
}

/** One retention turn of the agent: its cut-off is the newest event time, clamped to the wall clock, less the retention. */
function retention(store: SqliteStore) {
  while (store.pruneChunk(Date.now() - RETENTION) > 0);
}

describe('retention of a finding last seen in the future', () => {
  it('resolves it once the pass that last saw it is older than the retention', () => {
    const { store } = stores.open();
    pass(store, aheadRuns(), Date.now() - 30 * DAY);
    const [before] = store.findings({ kind: 'rule', limit: 10 });
    expect(Date.parse(before!.lastSeen)).toBeGreaterThan(Date.now());
    // Passes since then did not see it (its runs left their window): they leave its sighting where it was.
    pass(store, [run('other', 1, Date.now() - DAY, MIN)], Date.now() - DAY);
    retention(store);
    const [after] = store.findings({ kind: 'rule', limit: 10 });
    expect(after).toMatchObject({ status: 'resolved', resolvedBy: 'flowlens' });
    expect(after!.evidence.resolution).toMatch(/storage\.retention/);
  });

  it('keeps it while a pass within the retention still sees it', () => {
    const { store } = stores.open();
    const runs = aheadRuns();
    pass(store, runs, Date.now() - 30 * DAY);
    pass(store, runs, Date.now() - DAY);
    retention(store);
    expect(store.findings({ kind: 'rule', limit: 10 })[0]!.status).toBe('open');
  });

  it('deletes it once resolved longer ago than the retention', () => {
    const { store } = stores.open();
    pass(store, aheadRuns(), Date.now() - 60 * DAY);
    const [finding] = store.findings({ kind: 'rule', limit: 10 });
    store.setFindingStatus(finding!.id, 'resolved', 'ops', Date.now() - 30 * DAY);
    retention(store);
    expect(store.finding(finding!.id)).toBeUndefined();
  });
});
