/**
 * A new slowdown is dated from its first slow run, from the first pass that finds it: the store keeps the earliest
 * onset any pass gave as the finding's first sighting, so an early guess would stick.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { analyse } from '../../src/analyse/index.js';
import type { RunRecord } from '../../src/model/workflow.js';
import type { SqliteStore } from '../../src/store/sqlite/index.js';
import { tempStores } from '../helpers/store.js';
import { hourly } from './runs.js';

const stores = tempStores('slowdown-onset');
afterEach(() => stores.closeAll());

/** One analysis pass over the runs so far, on event time, its candidates applied to the store as the service does. */
function pass(store: SqliteStore, runs: RunRecord[]): void {
  const nowMs = Math.max(...runs.map((r) => r.endMs));
  const out = analyse({ nowMs, runs, templateOf: (m) => ({ templateId: m, template: m }), config: {} });
  store.applyFindings(out.candidates, nowMs, () => false);
}

/** Hourly runs of one step, `count` of them, 3× slower from run 250 on. */
function slowFrom250(count: number): RunRecord[] {
  return hourly('etl', count, (i, r) => {
    if (i < 250) return r;
    const slow = { ...r.steps[0]!, durationMs: r.durationMs * 3, endMs: r.startMs + r.durationMs * 3 };
    return { ...r, durationMs: slow.durationMs, endMs: slow.endMs, steps: [slow] };
  });
}

describe('a new step slowdown', () => {
  it.each([
    // Two runs early on its first pass, then one, when the level shift is found after three slow runs.
    ['the level shift', 280],
    // Nine hours early when the isolation forest flags a normal run as well as the first two slow ones.
    ['the runs that stand out', 300],
  ])('is first seen at its first slow run, from the first pass that reports it on (%s)', (_, count) => {
    const { store } = stores.open();
    const runs = slowFrom250(count);
    const firstSlow = new Date(runs[250]!.startMs).toISOString();
    const onsets = new Set<string>();
    for (let n = 251; n <= 265; n++) {
      pass(store, runs.slice(0, n));
      for (const f of store.findings({ kind: 'anomaly', limit: 10 })) onsets.add(f.evidence.onset);
    }
    expect(onsets).toEqual(new Set([firstSlow]));
    const found = store.findings({ kind: 'anomaly', limit: 10 });
    expect(found.map((f) => f.fingerprint)).toContain('anomaly|etl|step:work');
    expect(new Set(found.map((f) => f.firstSeen))).toEqual(new Set([firstSlow]));
  });
});
