import { describe, expect, it } from 'vitest';
import { analyse } from '../../src/analyse/index.js';
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
    // 5 m holds no run end; it borrows the newest run, which failed.
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
});
