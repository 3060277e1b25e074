/**
 * The store lists findings of several statuses in one query, in the order it lists each status (open, then
 * acknowledged, then resolved; by severity, then recency), as the API's live-finding lists need, and without
 * preparing its statement anew at each call.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { analyse, type AnalysisConfig } from '../../src/analyse/index.js';
import type { Severity } from '../../src/model/finding.js';
import type { RunRecord } from '../../src/model/workflow.js';
import type { SqliteStore } from '../../src/store/sqlite/index.js';
import { run } from '../analyse/runs.js';
import { tempStores } from '../helpers/store.js';

const MIN = 60_000;
const stores = tempStores('finding-query');
afterEach(() => stores.closeAll());

const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'critical', 'high', 'medium', 'low', 'high'];

/** A failing workflow per severity above, each with a rule finding (and others); a third acknowledged, a third resolved. */
function storeWithFindings(): SqliteStore {
  const { store } = stores.open();
  const workflows = SEVERITIES.map((_, i) => `wf-${i}`);
  const config: AnalysisConfig = {
    rules: workflows.map((workflow, i) => ({ workflow, metric: 'consecutive_failures', condition: '>=', threshold: 2, severity: SEVERITIES[i]!, window: '1h' })),
  };
  const t0 = Date.UTC(2026, 10, 1);
  // Each workflow fails a minute after the one before, so findings differ in lastSeen too.
  const runs: RunRecord[] = workflows.flatMap((workflow, w) => [0, 1, 2].map((i) => run(workflow, w * 10 + i, t0 + w * MIN + i * 10 * MIN, MIN, 'failure')));
  const out = analyse({ nowMs: Math.max(...runs.map((r) => r.endMs)), runs, templateOf: (m) => ({ templateId: m, template: m }), config });
  store.applyFindings(out.candidates, t0, () => false);
  const all = store.findings({ limit: 100 });
  expect(all.length).toBeGreaterThanOrEqual(SEVERITIES.length);
  all.forEach((finding, i) => {
    if (i % 3 === 1) store.setFindingStatus(finding.id, 'acknowledged', 'ops', t0);
    if (i % 3 === 2) store.setFindingStatus(finding.id, 'resolved', 'ops', t0);
  });
  return store;
}

describe('findings of several statuses', () => {
  it('come in one list, in the order of each status listed alone, cut at the limit', () => {
    const store = storeWithFindings();
    const ids = (status: Parameters<SqliteStore['findings']>[0]['status'], limit = 100) => store.findings({ status, limit }).map((f) => f.id);
    const open = ids('open');
    const acknowledged = ids('acknowledged');
    const resolved = ids('resolved');
    expect(Math.min(open.length, acknowledged.length, resolved.length)).toBeGreaterThanOrEqual(3);
    expect(ids(['acknowledged', 'open'])).toEqual([...open, ...acknowledged]);
    expect(ids(['resolved', 'open', 'open'])).toEqual([...open, ...resolved]);
    expect(ids(['open', 'acknowledged', 'resolved'])).toEqual(ids(undefined));
    expect(ids(['open', 'acknowledged'], open.length + 1)).toEqual([...open, acknowledged[0]]);
    expect(ids([])).toEqual([]);
    // With the other filters too.
    const critical = store.findings({ status: ['open', 'acknowledged'], severity: 'critical', limit: 100 });
    expect(critical.map((f) => f.status)).toEqual([
      ...critical.filter((f) => f.status === 'open').map(() => 'open'),
      ...critical.filter((f) => f.status === 'acknowledged').map(() => 'acknowledged'),
    ]);
    expect(critical.map((f) => f.id)).toEqual(
      store.findings({ status: 'open', severity: 'critical', limit: 100 }).concat(store.findings({ status: 'acknowledged', severity: 'critical', limit: 100 })).map((f) => f.id),
    );
    const ofWf2 = store.findings({ status: ['open', 'resolved'], workflow: 'wf-2', limit: 100 });
    expect(ofWf2.length).toBeGreaterThan(0);
    expect(ofWf2.every((f) => (f.workflows ?? [f.workflow]).includes('wf-2') && f.status !== 'acknowledged')).toBe(true);
  });

  it('are read by a statement prepared once for each shape of query', () => {
    const store = storeWithFindings();
    const shapes = [{ status: ['open', 'acknowledged'] as const }, { status: 'open' as const, workflow: 'wf-1' }, {}];
    for (const shape of shapes) store.findings({ ...shape, limit: 10 });
    const prepare = vi.spyOn(store.db, 'prepare');
    for (const shape of shapes) store.findings({ ...shape, limit: 10 });
    // The same shape with other values.
    store.findings({ status: ['resolved', 'open'], limit: 5 });
    store.findings({ status: 'acknowledged', workflow: 'wf-4', limit: 5 });
    expect(prepare).not.toHaveBeenCalled();
  });
});
