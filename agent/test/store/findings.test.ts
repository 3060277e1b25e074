/**
 * When a resolved finding opens again: a rule's not within its cooldown, one a person resolved only on new evidence.
 * Candidates come from the analysis over hand-built runs, and are applied to a real store as the analysis service
 * applies them: a finding not seen any more resolves once five runs ended after its last sighting (one if stalled).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { analyse, type AnalysisConfig } from '../../src/analyse/index.js';
import type { Finding, FindingCandidate, Severity } from '../../src/model/finding.js';
import type { RunRecord } from '../../src/model/workflow.js';
import type { SqliteStore } from '../../src/store/sqlite/index.js';
import { run } from '../analyse/runs.js';
import { tempStores } from '../helpers/store.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const stores = tempStores('findings');
afterEach(() => stores.closeAll());

/**
 * One analysis pass over the runs so far, on event time, its candidates applied to the store; `kept`: the kinds of
 * those that the health of their workflow does not count (`keptResolved`, asked before they are applied).
 */
function pass(store: SqliteStore, runs: RunRecord[], config: AnalysisConfig = {}) {
  const nowMs = Math.max(...runs.map((r) => r.endMs));
  const out = analyse({ nowMs, runs, templateOf: (m) => ({ templateId: m, template: m }), config });
  const kept = store.keptResolved(out.candidates);
  const kinds = out.candidates.filter((c) => kept.has(c.fingerprint)).map((c) => c.kind);
  return { kept: kinds, ...store.applyFindings(out.candidates, Date.now(), (finding) => {
    const ended = runs.filter((r) => r.endMs > Date.parse(finding.lastSeen)).length;
    return ended >= (finding.kind === 'stalled' ? 1 : 5);
  }) };
}

const only = (store: SqliteStore, kind: Finding['kind']): Finding => {
  const found = store.findings({ kind, limit: 10 });
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe('a rule finding', () => {
  const rules: AnalysisConfig = {
    rules: [{ workflow: 'deploy', metric: 'consecutive_failures', condition: '>=', threshold: 2, severity: 'high', cooldown: '6h', window: '1h' }],
  };

  it('does not open again within its cooldown after it opened, and opens once the cooldown is over if the rule still holds', () => {
    const { store } = stores.open();
    // A run every half hour: runs 20 and 21 fail, the next five pass, and from run 27 on every run fails.
    const runs = Array.from({ length: 40 }, (_, i) => run('deploy', i, i * 30 * MIN, MIN, i === 20 || i === 21 || i >= 27 ? 'failure' : 'success'));
    const statusAfter: string[] = [];
    const keptAfter: string[][] = [];
    for (let n = 18; n <= runs.length; n++) {
      keptAfter[n - 1] = pass(store, runs.slice(0, n), rules).kept;
      statusAfter[n - 1] = store.findings({ kind: 'rule', limit: 10 })[0]?.status ?? 'none';
    }
    // Held back by its cooldown, the rule still holds: its workflow's health counts it.
    expect(keptAfter.slice(28, 33)).toEqual(Array(5).fill([]));
    expect(statusAfter[21]).toBe('open');
    expect(statusAfter[26]).toBe('resolved');
    // The rule holds again from run 28, 3.5 h after the finding opened, until run 33 ends six hours after that.
    const reopenedAt = runs.findIndex((r) => r.endMs - runs[21]!.endMs >= 6 * HOUR);
    expect(reopenedAt).toBe(33);
    expect(statusAfter.slice(28, 33)).toEqual(Array(5).fill('resolved'));
    expect(statusAfter[33]).toBe('open');
    expect(Date.parse(only(store, 'rule').firstSeen)).toBe(runs[33]!.endMs);
  });
});

describe('a finding resolved by hand', () => {
  // An hourly job that stops after run 99; another job runs every 10 minutes, so event time goes on.
  const nightly = Array.from({ length: 100 }, (_, i) => run('nightly', i, i * HOUR, MIN));
  const busy = (untilMs: number) => Array.from({ length: Math.floor(untilMs / (10 * MIN)) }, (_, i) => run('busy', i, i * 10 * MIN, MIN));

  it('stays resolved while nothing new happens, and opens again when the workflow stalls anew', () => {
    const { store } = stores.open();
    pass(store, [...nightly, ...busy(105 * HOUR)]);
    const stalled = only(store, 'stalled');
    expect(stalled.status).toBe('open');
    store.setFindingStatus(stalled.id, 'resolved', 'alice', Date.now(), 'workflow retired');
    for (const hours of [106, 110, 130]) {
      expect(pass(store, [...nightly, ...busy(hours * HOUR)]).reopened).toBe(0);
      expect(only(store, 'stalled')).toMatchObject({ status: 'resolved', resolvedBy: 'alice' });
    }
    // It runs again every hour from hour 131 to 160, then stops again.
    const resumed = [...nightly, ...Array.from({ length: 30 }, (_, i) => run('nightly', 131 + i, (131 + i) * HOUR, MIN))];
    pass(store, [...resumed, ...busy(161 * HOUR)]);
    expect(pass(store, [...resumed, ...busy(166 * HOUR)]).reopened).toBe(1);
    expect(only(store, 'stalled').status).toBe('open');
    const stalledAgain = only(store, 'stalled');
    // Once it runs again, it resolves itself, dated by the run that cleared it, not by the last pass that saw it.
    pass(store, [...resumed, run('nightly', 170, 170 * HOUR, MIN), ...busy(171 * HOUR)]);
    expect(only(store, 'stalled')).toMatchObject({
      status: 'resolved',
      evidence: { resolution: `Condition cleared: a run ended after ${stalledAgain.firstSeen}, when it began; resolved automatically.` },
    });
  });

  it('opens again when the error returns after the resolution, not for the failures the person had seen', () => {
    const { store } = stores.open();
    const failing = (i: number) => i >= 90 && i < 95;
    const jobs = (count: number, back = false) =>
      Array.from({ length: count }, (_, i) => run('nightly', i, i * HOUR, MIN, failing(i) || (back && i >= 110) ? 'failure' : 'success'));
    pass(store, jobs(97));
    const pattern = only(store, 'error_pattern');
    expect(pattern.status).toBe('open');
    store.setFindingStatus(pattern.id, 'resolved', 'alice', Date.now(), 'fixed the credentials');
    expect(pass(store, jobs(98))).toMatchObject({ reopened: 0, kept: ['error_pattern'] });
    expect(only(store, 'error_pattern').status).toBe('resolved');
    expect(pass(store, jobs(112, true))).toMatchObject({ reopened: 1, kept: [] });
    expect(only(store, 'error_pattern').status).toBe('open');
  });

  it('opens again when another run hangs, not while the run the person had seen still hangs', () => {
    const { store } = stores.open();
    // Hourly runs of a minute; run 24's runner died after its first minute, so it reads running for ever.
    const hung = (i: number) => ({ ...run('release', i, i * HOUR, MIN), status: 'running' as const });
    const base = [...Array.from({ length: 24 }, (_, i) => run('release', i, i * HOUR, MIN)), hung(24)];
    const later = (count: number) => Array.from({ length: count }, (_, i) => run('release', 25 + i, (25 + i) * HOUR, MIN));
    pass(store, [...base, ...later(2)]);
    const finding = only(store, 'stalled');
    expect(finding).toMatchObject({ status: 'open', category: 'timeout' });
    store.setFindingStatus(finding.id, 'resolved', 'alice', Date.now(), 'killed the run by hand');
    expect(pass(store, [...base, ...later(5)]).reopened).toBe(0);
    // Run 30 hangs too, an hour and a half before event time.
    expect(pass(store, [...base, ...later(5), hung(30), run('release', 31, 31 * HOUR + 30 * MIN, MIN)]).reopened).toBe(1);
    expect(only(store, 'stalled').status).toBe('open');
  });

  it('opens again once its hung run holds the schedule back, and stays resolved when resolved after that', () => {
    const { store } = stores.open();
    // Hourly runs of a minute; run 24 never ends and none follows it.
    const release = [...Array.from({ length: 24 }, (_, i) => run('release', i, i * HOUR, MIN)), { ...run('release', 24, 24 * HOUR, MIN), status: 'running' as const }];
    pass(store, [...release, ...busy(25.5 * HOUR)]);
    const finding = only(store, 'stalled');
    expect(finding).toMatchObject({ status: 'open', category: 'timeout' });
    store.setFindingStatus(finding.id, 'resolved', 'alice', Date.now(), 'restarting the runner');
    expect(pass(store, [...release, ...busy(27 * HOUR)])).toMatchObject({ reopened: 0, kept: ['stalled'] });
    // Six hours on, the hung run holds five runs of the schedule back: worse than what was resolved.
    expect(pass(store, [...release, ...busy(30 * HOUR)])).toMatchObject({ reopened: 1, kept: [] });
    expect(only(store, 'stalled')).toMatchObject({ status: 'open', evidence: { current: { missedRuns: 5 } } });
    // Resolved again, knowing of the hold: it stays so, and its workflow's health leaves it out, while the hold goes on.
    store.setFindingStatus(finding.id, 'resolved', 'alice', Date.now(), 'runner replaced, schedule paused');
    for (const hours of [31, 32]) expect(pass(store, [...release, ...busy(hours * HOUR)])).toMatchObject({ reopened: 0, kept: ['stalled'] });
  });

  it('keeps reopening by itself after it resolved itself', () => {
    const { store } = stores.open();
    const jobs = (count: number) => Array.from({ length: count }, (_, i) => run('nightly', i, i * HOUR, MIN, (i >= 90 && i < 95) || i >= 110 ? 'failure' : 'success'));
    pass(store, jobs(97));
    pass(store, jobs(100));
    expect(only(store, 'error_pattern')).toMatchObject({ status: 'resolved', resolvedBy: 'flowlens' });
    expect(pass(store, jobs(112)).reopened).toBe(1);
  });
});

describe("a finding's peak severity", () => {
  /** The same SLO burn, at a severity, seen up to `lastSeenMs`. */
  const burn = (severity: Severity, lastSeenMs: number): FindingCandidate => ({
    fingerprint: 'sla|ledger|ledger-99',
    kind: 'sla',
    workflow: 'ledger',
    severity,
    category: 'external_service',
    confidence: 0.9,
    title: 'SLO ledger-99 of ledger is burning its error budget',
    summary: 'Burning.',
    rootCause: { attributes: {}, description: 'Runs fail.' },
    evidence: { baseline: {}, current: {}, affectedRuns: 3, totalRuns: 10, exampleRunIds: [], errorLines: [] },
    recommendations: [],
    firstSeenMs: HOUR,
    lastSeenMs,
  });

  it('is the highest severity since the finding opened, kept by the store, and starts over when it opens again', () => {
    const { store } = stores.open();
    /** One pass's candidates applied; `cleared` says whether a finding not seen has cleared. */
    const pass = (candidates: FindingCandidate[], cleared = false) => {
      store.applyFindings(candidates, Date.now(), () => cleared);
      return only(store, 'sla');
    };
    expect(pass([burn('high', 2 * HOUR)])).toMatchObject({ severity: 'high', peakSeverity: 'high' });
    expect(pass([burn('critical', 3 * HOUR)])).toMatchObject({ severity: 'critical', peakSeverity: 'critical' });
    // The burn eases: its alert stays the page it was, whatever the agent's restarts since.
    expect(pass([burn('medium', 4 * HOUR)])).toMatchObject({ severity: 'medium', peakSeverity: 'critical' });
    // Not seen, and cleared: resolved. It returns, less severe: a new problem, from its own severity.
    expect(pass([], true).status).toBe('resolved');
    expect(pass([burn('medium', 9 * HOUR)])).toMatchObject({ status: 'open', severity: 'medium', peakSeverity: 'medium' });
  });
});

describe('a stall its hung run turns out to hold', () => {
  it('resolves once the hung run is found, naming the finding that tells them both', () => {
    const { store } = stores.open();
    // A job every 2 minutes, one at a time; its 201st run starts and never ends.
    const every = 2 * MIN;
    const settled = Array.from({ length: 200 }, (_, i) => run('tick', i, i * every, MIN * (0.9 + (0.1 * ((i * 7) % 10)) / 10)));
    const hung: RunRecord = { ...run('tick', 200, 200 * every, MIN, 'running') };
    const kinds = (status: 'open' | 'resolved') => store.findings({ status, kind: 'stalled', limit: 10 }).map((f) => f.fingerprint);
    let stallOpened = false;
    for (let minute = 1; minute <= 30; minute++) {
      const nowMs = 200 * every + minute * MIN;
      const out = analyse({ nowMs, runs: [...settled, hung], templateOf: (m) => ({ templateId: m, template: m }), config: {} });
      store.applyFindings(out.candidates, Date.now(), () => false);
      stallOpened ||= kinds('open').includes('stalled|tick|cadence');
    }
    // The stall came first (three runs missed before the run counted as hung); then the hung run told both.
    expect(stallOpened).toBe(true);
    expect(kinds('open')).toEqual(['stalled|tick|hung-run']);
    const hungId = store.findings({ status: 'open', kind: 'stalled', limit: 1 })[0]!.id;
    const [stall] = store.findings({ status: 'resolved', kind: 'stalled', limit: 10 });
    expect(stall).toMatchObject({ fingerprint: 'stalled|tick|cadence', resolvedBy: 'flowlens' });
    expect(stall!.evidence.resolution).toMatch(new RegExp(`^Now told by finding ${hungId} \\("Run tick-200 of \`tick\` has been running for .*"\\); resolved automatically\\.$`));
  });
});
