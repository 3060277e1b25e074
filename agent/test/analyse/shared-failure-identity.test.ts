/**
 * A failure finding shared by several workflows is keyed on what they share (the downstream, host, tenant… that
 * explains their failures), not on which workflows fail: as workflows join or leave it stays one finding, open,
 * instead of resolving and opening again mid-incident. Candidates are applied to a real store as the analysis
 * service applies them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { analyse, CLEAR_AFTER_RUNS } from '../../src/analyse/index.js';
import type { RunRecord } from '../../src/model/workflow.js';
import type { SqliteStore } from '../../src/store/sqlite/index.js';
import { tempStores } from '../helpers/store.js';
import { pipelineRun } from './pipelines.js';
import { minerTemplateOf, newestEnd } from './scenario.js';

const HOUR = 3600_000;
const stores = tempStores('shared-failures');
afterEach(() => stores.closeAll());

/**
 * Hourly runs of a workflow up to `now` (in hours), each calling payments.internal in its step `step`; those from
 * `from` to `to` fail there, refused.
 */
function caller(workflow: string, step: string, offsetMin: number, now: number, from: number, to = Infinity): RunRecord[] {
  return Array.from({ length: now }, (_, i) => {
    const fails = i >= from && i < to;
    return pipelineRun(workflow, i, i * HOUR + offsetMin * 60_000, [
      { name: 'prepare', ms: 2000 },
      { name: step, ms: 4000, calls: ['payments.internal'], ...(fails ? { error: 'dial tcp 10.4.0.7:443: connect: connection refused', failingCalls: ['payments.internal'] } : {}) },
    ]);
  }).filter((r) => r.endMs <= now * HOUR);
}

/** One analysis pass at `now`, applied to the store: a finding not seen clears once five runs of each workflow passed. */
function pass(store: SqliteStore, runs: RunRecord[]): void {
  const nowMs = newestEnd(runs);
  const out = analyse({ nowMs, runs, templateOf: minerTemplateOf(), config: {} });
  store.applyFindings(out.candidates, nowMs, (finding) =>
    (finding.workflows ?? [finding.workflow]).every((w) => runs.filter((r) => r.workflow === w && r.endMs > Date.parse(finding.lastSeen)).length >= CLEAR_AFTER_RUNS),
  );
}

describe('a failure finding shared by workflows failing on one downstream', () => {
  it('stays one open finding as workflows join and leave', () => {
    const { store } = stores.open();
    // payments.internal refuses checkout and orders from hour 280, refunds from hour 292; orders recovers at hour 300,
    // refunds at hour 320.
    const at = (now: number) => [
      ...caller('checkout', 'charge', 5, now, 280),
      ...caller('orders', 'capture', 10, now, 281, 300),
      ...caller('refunds', 'refund', 15, now, 292, 320),
    ];
    const seen: { workflows: string[]; open: number; resolved: number }[] = [];
    const ids = new Set<string>();
    for (const now of [290, 300, 312, 330]) {
      pass(store, at(now));
      const found = store.findings({ limit: 100 }).filter((f) => f.kind === 'correlation' || f.kind === 'error_pattern');
      for (const f of found) ids.add(f.id);
      const open = found.filter((f) => f.status === 'open');
      seen.push({ workflows: open.flatMap((f) => f.workflows ?? [f.workflow]).sort(), open: open.length, resolved: found.length - open.length });
    }
    expect(seen).toEqual([
      { workflows: ['checkout', 'orders'], open: 1, resolved: 0 },
      { workflows: ['checkout', 'orders', 'refunds'], open: 1, resolved: 0 },
      { workflows: ['checkout', 'refunds'], open: 1, resolved: 0 },
      { workflows: ['checkout'], open: 1, resolved: 0 },
    ]);
    expect(ids.size).toBe(1);
  });

  it('stays one open finding down to one workflow when nothing but the message and the step tie them', () => {
    const { store } = stores.open();
    // A runner's generic message in step `build` of api from hour 280 and of web from hour 281 to 300.
    const builds = (workflow: string, offsetMin: number, now: number, from: number, to = Infinity) =>
      Array.from({ length: now }, (_, i) =>
        pipelineRun(workflow, i, i * HOUR + offsetMin * 60_000, [
          { name: 'prepare', ms: 2000 },
          { name: 'build', ms: 4000, ...(i >= from && i < to ? { error: 'Process completed with exit code 1.' } : {}) },
        ]),
      );
    const seen: string[][] = [];
    for (const now of [295, 330]) {
      pass(store, [...builds('api', 5, now, 280), ...builds('web', 10, now, 281, 300)]);
      seen.push(store.findings({ limit: 100 }).map((f) => `${f.status} ${(f.workflows ?? [f.workflow]).join(',')}`));
    }
    expect(seen).toEqual([['open api,web'], ['open api']]);
  });
});

