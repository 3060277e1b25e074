import { describe, expect, it } from 'vitest';
import { analyse } from '../../src/analyse/index.js';
import { utcTime } from '../../src/analyse/format.js';
import type { RunRecord } from '../../src/model/workflow.js';
import { run } from './runs.js';

const MIN = 60_000;
const DAY = 86_400_000;
const templateOf = (m: string) => ({ templateId: m, template: m });

/** Runs every 10 minutes for `days`; `bad(i, startMs)` picks the failing ones. */
function series(days: number, endMs: number, bad: (startMs: number) => boolean): RunRecord[] {
  const out: RunRecord[] = [];
  const count = (days * DAY) / (10 * MIN);
  for (let i = 0; i < count; i++) {
    const startMs = endMs - (count - i) * 10 * MIN;
    out.push(run('etl', i, startMs, MIN, bad(startMs) ? 'failure' : 'success'));
  }
  return out;
}

describe('SLO burn rates and multiwindow alerting', () => {
  const endMs = Date.UTC(2026, 10, 20);
  const nowMs = endMs - 9 * MIN; // the newest run ends one minute after it starts

  it('computes SLI, budget and burn per window on event time, and pages on a fast burn', () => {
    // 99 % over 7 d; everything in the last 2 h fails (12 runs of 1008).
    const runs = series(7, endMs, (s) => s >= endMs - 2 * 3600_000);
    const out = analyse({ nowMs, runs, templateOf, config: { slos: [{ workflow: 'etl', objective: 99, window: '7d' }] } });
    const [slo] = out.slos;
    expect(slo!.totalRuns).toBe(1008);
    expect(slo!.sli).toBeCloseTo(996 / 1008, 6);
    expect(slo!.errorBudgetRemaining).toBeCloseTo(1 - 12 / 1008 / 0.01, 6);
    expect(slo!.burnRates['1h']).toBeCloseTo(100, 6);
    expect(slo!.burnRates['2h']).toBeCloseTo(100, 6);
    expect(slo!.burnRates['6h']).toBeCloseTo((12 / 36) * 100, 6);
    expect(slo!.burnRates['1d']).toBeCloseTo((12 / 144) * 100, 6);
    // The newest run, which failed, ended at nowMs: in the 5m window.
    expect(slo!.burnRates['5m']).toBeCloseTo(100, 6);
    expect(slo!.state).toBe('critical');
    // 14.4 scaled to a 7-day period: 14.4 × 7/30.
    expect(slo!.firing).toBe('1h+5m > 3.36');
    const finding = out.candidates.find((c) => c.kind === 'sla')!;
    expect(finding.severity).toBe('critical');
    expect(finding.fingerprint).toBe('sla|etl|slo:etl-99');
  });

  it('opens a ticket-level warning on a slow burn and stays ok when the burn stopped', () => {
    // 30 d SLO at 99 %: one failure every 10 h over the last 3 days (the newest 50 min ago) → 3d burn 1.85 and
    // 6h burn 2.8 exceed 1 (ticket); 1d burn 2.1 stays under 3, and the newest run succeeded (no page).
    const slowBurn = series(30, endMs, (s) => Math.round((endMs - s) / (10 * MIN)) % 60 === 5 && s >= endMs - 3 * DAY);
    const a = analyse({ nowMs, runs: slowBurn, templateOf, config: { slos: [{ workflow: 'etl', objective: 99, window: '30d' }] } });
    expect(a.slos[0]!.burnRates['3d']).toBeCloseTo((8 / 432) * 100, 6);
    expect(a.slos[0]!.firing).toBe('3d+6h > 1.00');
    expect(a.slos[0]!.state).toBe('warning');
    expect(a.candidates.find((c) => c.kind === 'sla')!.severity).toBe('medium');

    // A burst three days ago that has stopped: budget partly spent, no alert.
    const past = series(30, endMs, (s) => s >= endMs - 3 * DAY - 3600_000 && s < endMs - 3 * DAY);
    const b = analyse({ nowMs, runs: past, templateOf, config: { slos: [{ workflow: 'etl', objective: 99, window: '30d' }] } });
    expect(b.slos[0]!.state).toBe('ok');
    expect(b.slos[0]!.errorBudgetRemaining).toBeGreaterThan(0.8);
    expect(b.candidates.filter((c) => c.kind === 'sla')).toEqual([]);
  });

  it('counts a run slower than maxDuration as bad', () => {
    const runs = series(7, endMs, () => false).map((r, i) => (i % 2 ? { ...r, durationMs: 400_000, endMs: r.startMs + 400_000 } : r));
    // The agent's config hands windows over in seconds.
    const out = analyse({ nowMs: endMs, runs, templateOf, config: { slos: [{ workflow: 'etl', objective: 99, window: '604800s', maxDuration: '300s' }] } });
    expect(out.slos[0]!.window).toBe('7d');
    expect(out.slos[0]!.sli).toBeCloseTo(0.5, 2);
    expect(out.slos[0]!.maxDurationSeconds).toBe(300);
    expect(out.candidates.find((c) => c.kind === 'sla')!.category).toBe('performance');
  });

  it('reads a window without runs as no burn: a pause, a retired workflow or an idle daily one does not page', () => {
    const slos = [{ workflow: 'etl', objective: 99, window: '30d' }];
    // Only the newest run failed (it ended at nowMs); then etl pauses while another workflow moves event time on.
    const runs = series(7, endMs, (s) => s === endMs - 10 * MIN);
    const other = (untilMs: number) => Array.from({ length: (untilMs - nowMs) / (10 * MIN) }, (_, i) => run('other', i, nowMs + i * 10 * MIN, 10 * MIN));
    const paused = analyse({ nowMs: nowMs + 90 * MIN, runs: [...runs, ...other(nowMs + 90 * MIN)], templateOf, config: { slos } });
    expect(paused.slos[0]!.burnRates).toMatchObject({ '5m': 0, '30m': 0, '1h': 0 });
    expect(paused.slos[0]!.state).toBe('ok');
    expect(paused.candidates.filter((c) => c.kind === 'sla')).toEqual([]);
    // Retired after that run: five days on, no window holds a run.
    const retired = analyse({ nowMs: nowMs + 5 * DAY, runs: [...runs, ...other(nowMs + 5 * DAY)], templateOf, config: { slos } });
    expect(Object.values(retired.slos[0]!.burnRates)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(retired.slos[0]!.state).toBe('ok');

    // A daily workflow whose newest run failed two days ago, against a 1-day SLO: nothing in its period.
    const daily = Array.from({ length: 10 }, (_, i) => run('etl', i, endMs - (10 - i) * DAY, MIN, i === 9 ? 'failure' : 'success'));
    const idle = analyse({ nowMs: endMs - DAY + MIN + 2 * DAY, runs: daily, templateOf, config: { slos: [{ workflow: 'etl', objective: 99, window: '1d' }] } });
    expect(idle.slos[0]).toMatchObject({ totalRuns: 0, sli: 1, errorBudgetRemaining: 1, state: 'ok' });
    expect(idle.candidates.filter((c) => c.kind === 'sla')).toEqual([]);
  });

  it('still pages a workflow running every 15 minutes, its 5m window empty, on its newest run within the hour', () => {
    // Every 15 minutes for 7 days; the last four runs (the last hour) failed; the newest ended 6 minutes ago.
    const runs = Array.from({ length: 7 * 96 }, (_, i) => run('etl', i, endMs - (7 * 96 - i) * 15 * MIN, MIN, i >= 7 * 96 - 4 ? 'failure' : 'success'));
    const out = analyse({ nowMs: endMs - 14 * MIN + 6 * MIN, runs, templateOf, config: { slos: [{ workflow: 'etl', objective: 99, window: '30d' }] } });
    expect(out.slos[0]!.burnRates['5m']).toBe(0);
    expect(out.slos[0]!.burnRates['1h']).toBeCloseTo(100, 6);
    expect(out.slos[0]).toMatchObject({ state: 'critical', firing: '1h+5m > 14.40' });
  });

  it('dates a burn from its first bad run within the window that alerts, not an old failure', () => {
    // 30 d at 99 %: one failure 9 days ago, then every run of the last 2 h fails; 1h+5m pages.
    const runs = series(14, endMs, (s) => s === endMs - 9 * DAY || s >= endMs - 2 * 3600_000);
    const out = analyse({ nowMs, runs, templateOf, config: { slos: [{ workflow: 'etl', objective: 99, window: '30d' }] } });
    const finding = out.candidates.find((c) => c.kind === 'sla')!;
    expect(out.slos[0]!.firing).toBe('1h+5m > 14.40');
    // The runs ending in the last hour, the first 50 minutes before nowMs.
    expect(finding.evidence.onset).toBe(new Date(nowMs - 50 * MIN).toISOString());
    expect(finding.firstSeenMs).toBe(nowMs - 50 * MIN);
    expect(finding.summary).toContain(`Over the last 1h: 6 failed runs, the first at ${utcTime(nowMs - 50 * MIN)}.`);
    expect(finding.summary).not.toContain(utcTime(endMs - 9 * DAY + MIN));
  });

  it('says how many times over an exhausted error budget was spent, where a partly spent one says what is left', () => {
    // Everything in the last 2 h fails: 12 of 1,008 runs over 7 d.
    const runs = series(7, endMs, (s) => s >= endMs - 2 * 3600_000);
    const finding = (objective: number) =>
      analyse({ nowMs, runs, templateOf, config: { slos: [{ workflow: 'etl', objective, window: '7d' }] } }).candidates.find((c) => c.kind === 'sla')!;
    // 99.9 %: 12 failures where 1.008 were allowed, 11.9× the budget.
    const overspent = finding(99.9);
    expect(overspent.title).toBe('SLO etl-99.9 of `etl` is burning its error budget 1000.0× too fast over 1h (budget exhausted, 11.9× spent)');
    expect(overspent.rootCause.description).toBe('6 failed runs in the last 1h; the 7d error budget is exhausted (11.9× spent).');
    // 95 %: 12 of the 50.4 allowed, 24 % spent.
    const partly = finding(95);
    expect(partly.title).toBe('SLO etl-95 of `etl` is burning its error budget 20.0× too fast over 1h (76 % left)');
    expect(partly.rootCause.description).toBe('6 failed runs in the last 1h; 24 % of the 7d error budget is spent.');
  });

  it('names two SLOs of one workflow with the same objective by their windows, each with its own finding', () => {
    const runs = series(7, endMs, (s) => s >= endMs - 2 * 3600_000);
    const config = { slos: [{ workflow: 'etl', objective: 99, window: '7d' }, { workflow: 'etl', objective: 99, window: '1d' }, { workflow: 'etl', objective: 95 }] };
    const out = analyse({ nowMs, runs, templateOf, config });
    expect(out.slos.map((s) => s.name)).toEqual(['etl-99-7d', 'etl-99-1d', 'etl-95']);
    expect(out.candidates.filter((c) => c.kind === 'sla').map((c) => c.fingerprint).sort()).toEqual(['sla|etl|slo:etl-95', 'sla|etl|slo:etl-99-1d', 'sla|etl|slo:etl-99-7d']);
  });

  it('shows the SLI of a spent budget with enough digits to tell it from the objective', () => {
    // 7 d, 1,008 runs; the first few (6 days ago) failed, so no burn window alerts, but the budget is spent.
    const title = (objective: number, failures: number) => {
      const runs = series(7, endMs, (s) => s < endMs - 7 * DAY + failures * 10 * MIN);
      const out = analyse({ nowMs, runs, templateOf, config: { slos: [{ workflow: 'etl', objective, window: '7d' }] } });
      expect(out.slos[0]!.firing).toBe('error budget spent');
      return out.candidates.find((c) => c.kind === 'sla')!.title;
    };
    expect(title(99.5, 6)).toBe('SLO etl-99.5 of `etl` has spent its error budget (99.4 % good vs 99.5 %)');
    expect(title(99.8, 3)).toBe('SLO etl-99.8 of `etl` has spent its error budget (99.7 % good vs 99.8 %)');
    expect(title(99, 11)).toBe('SLO etl-99 of `etl` has spent its error budget (98.9 % good vs 99 %)');
  });
});
