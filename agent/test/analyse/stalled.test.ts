import { describe, expect, it } from 'vitest';
import { analyse, type AnalysisConfig } from '../../src/analyse/index.js';
import { seededRandom } from '../../src/analyse/prng.js';
import type { FindingCandidate } from '../../src/model/finding.js';
import type { RunRecord } from '../../src/model/workflow.js';
import { hourly, run } from './runs.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A Monday. */
const MONDAY = Date.UTC(2026, 10, 2);
const templateOf = (m: string) => ({ templateId: m, template: m });

/** Runs of about a minute every hour 09:00–17:00 UTC, Monday to Friday, each starting up to `jitterMs` late. */
function businessHours(days: number, jitterMs: number, skip: (startMs: number) => boolean = () => false): RunRecord[] {
  const rand = seededRandom(days);
  const runs: RunRecord[] = [];
  for (let day = 0; day < days; day++) {
    if (day % 7 >= 5) continue;
    for (let hour = 9; hour <= 17; hour++) {
      const startMs = MONDAY + day * DAY + hour * HOUR + jitterMs * rand();
      if (!skip(startMs)) runs.push(run('office-sync', runs.length, startMs, MIN * (0.9 + 0.2 * rand())));
    }
  }
  return runs;
}

/** The analysis at `nowMs`: a run is seen once it has ended. */
function stalledAt(nowMs: number, runs: readonly RunRecord[], windowMs = Infinity): { stalled: FindingCandidate[]; health?: string; cadenceS?: number } {
  const seen = runs.filter((r) => r.endMs <= nowMs && r.startMs >= nowMs - windowMs);
  const out = analyse({ nowMs, runs: seen, templateOf, config: {} });
  const workflow = runs[0]!.workflow;
  return {
    stalled: out.candidates.filter((c) => c.kind === 'stalled' && c.workflow === workflow),
    health: out.health.get(workflow)?.status,
    cadenceS: out.cadences.get(workflow),
  };
}

describe('stalled workflows: a schedule that rests at night and at weekends', () => {
  it('does not call its nights and weekends a stall, nor a first run of the day that starts late', () => {
    // Twelve days from a Monday, starts up to 10 min late; on the second Friday it starts 40 min late.
    const runs = businessHours(12, 10 * MIN).map((r) =>
      r.startMs >= MONDAY + 11 * DAY + 9 * HOUR && r.startMs < MONDAY + 11 * DAY + 10 * HOUR ? { ...r, startMs: r.startMs + 40 * MIN, endMs: r.endMs + 40 * MIN } : r,
    );
    const times = {
      'Wednesday 21:00': MONDAY + 9 * DAY + 21 * HOUR,
      'Thursday 02:00': MONDAY + 10 * DAY + 2 * HOUR,
      'Friday 09:45, its first run late': MONDAY + 11 * DAY + 9 * HOUR + 45 * MIN,
      'Saturday 12:00': MONDAY + 12 * DAY + 12 * HOUR,
      'Sunday 20:00': MONDAY + 13 * DAY + 20 * HOUR,
      'Monday 08:59': MONDAY + 14 * DAY + 8 * HOUR + 59 * MIN,
    };
    for (const [when, nowMs] of Object.entries(times)) {
      const { stalled, health, cadenceS } = stalledAt(nowMs, runs);
      // Hourly is what it learns: most gaps are an hour.
      expect(cadenceS! / 60, when).toBeCloseTo(60, -1);
      expect(stalled.map((c) => c.title), when).toEqual([]);
      expect(health, when).toBe('healthy');
    }
  });

  it('finds it stalled on a working day, counting the runs that day was due', () => {
    // Two weeks and a day; nothing since Tuesday 17:00 of the third week.
    const runs = businessHours(16, 5 * MIN);
    const wednesday = MONDAY + 16 * DAY;
    expect(stalledAt(wednesday + 8 * HOUR + 30 * MIN, runs).stalled).toEqual([]);
    const [morning] = stalledAt(wednesday + 11 * HOUR + 30 * MIN, runs).stalled;
    expect(morning).toMatchObject({ severity: 'medium', evidence: { current: { missedRuns: 3 }, affectedRuns: 3, totalRuns: 3 } });
    expect(morning!.title).toMatch(/^`office-sync` has not run for 18\.\d h \(expected every \d\d\.\d min, 3 runs missed\)$/);
    expect(morning!.summary).toMatch(/the next run was due at 2026-11-18 09:0\d UTC, going by its runs the week before\.$/);
    // Still stalled that night, not resolved: a day's nine runs missed.
    const [night] = stalledAt(wednesday + 23 * HOUR, runs).stalled;
    expect(night).toMatchObject({ severity: 'high', evidence: { current: { missedRuns: 9 } } });
  });

  it('finds it stalled on the Monday after a weekend, going by the Monday before', () => {
    const runs = businessHours(12, 5 * MIN);
    const monday = MONDAY + 14 * DAY;
    expect(stalledAt(monday + 10 * HOUR + 30 * MIN, runs).stalled).toEqual([]);
    const [stalled] = stalledAt(monday + 11 * HOUR + 30 * MIN, runs).stalled;
    expect(stalled).toMatchObject({ severity: 'medium', evidence: { current: { missedRuns: 3 } } });
  });

  it('goes by the day before while its history is shorter than a week', () => {
    const runs = businessHours(3, 5 * MIN);
    expect(stalledAt(MONDAY + 2 * DAY + 23 * HOUR, runs).stalled).toEqual([]);
    expect(stalledAt(MONDAY + 3 * DAY + 3 * HOUR, runs).stalled).toEqual([]);
    const [stalled] = stalledAt(MONDAY + 3 * DAY + 11 * HOUR + 30 * MIN, runs).stalled;
    expect(stalled!.summary).toMatch(/going by its runs the day before\.$/);
  });
});

describe('stalled workflows: one that stopped for good', () => {
  it('is reported with a count that only grows while its runs leave a 14-day window, until too few are left to show a cadence', () => {
    const runs = hourly('backup', 14 * 24);
    const lastStartMs = runs[runs.length - 1]!.startMs;
    let previous = 0;
    for (let hours = 4; hours <= 14 * 24; hours += 6) {
      const nowMs = lastStartMs + hours * HOUR;
      const { stalled } = stalledAt(nowMs, runs, 14 * DAY);
      // A cadence needs 8 gaps, so 9 runs.
      if (runs.filter((r) => r.startMs >= nowMs - 14 * DAY).length < 9) {
        expect(stalled, `${hours} h`).toEqual([]);
        continue;
      }
      const missed = Number(stalled[0]?.evidence.current['missedRuns']);
      expect(missed, `${hours} h`).toBeGreaterThanOrEqual(previous);
      expect(Math.abs(missed - (hours - 1)), `${hours} h`).toBeLessThanOrEqual(1);
      previous = missed;
    }
  });
});

describe('stalled workflows: an outage the week before', () => {
  it('does not teach that the hours it left empty are idle, when the history holds the week before that', () => {
    // Hourly around the clock from the Sunday before a Monday; down from the second Monday 00:00 to Wednesday
    // 00:00 (found then); down again from the second Sunday 23:00.
    const down = (startMs: number) => (startMs >= MONDAY + 7 * DAY && startMs < MONDAY + 9 * DAY) || startMs >= MONDAY + 13 * DAY + 23 * HOUR;
    const runs = hourly('clock', 17 * 24)
      .map((r) => ({ ...r, startMs: MONDAY - DAY + r.startMs, endMs: MONDAY - DAY + r.endMs }))
      .filter((r) => !down(r.startMs));
    expect(stalledAt(MONDAY + 8 * DAY, runs).stalled).toHaveLength(1);
    // Tuesday 00:00: a day without a run, the hours the first outage left empty the week before.
    const { stalled } = stalledAt(MONDAY + 15 * DAY, runs);
    expect(stalled.map((c) => c.title)).toEqual([expect.stringMatching(/^`clock` has not run for 2\d\.0 h \(expected every 60\.0 min, 2\d runs missed\)$/)]);
  });
});

describe("stalled workflows: a schedule on a zone's clocks", () => {
  // Every 15 minutes from 09:00 to 16:45 in Berlin, Monday to Friday, for three weeks; the clocks go forward on
  // Sunday 29 March 2026, so the same hours are 08:00–15:45 UTC before and 07:00–14:45 UTC after.
  const FIRST_MONDAY = Date.UTC(2026, 2, 9);
  const CLOCKS_FORWARD = Date.UTC(2026, 2, 29, 1);
  const runs: RunRecord[] = [];
  for (let day = 0; day <= 21; day++) {
    if (day % 7 >= 5) continue;
    for (let quarter = 9 * 4; quarter < 17 * 4; quarter++) {
      const local = FIRST_MONDAY + day * DAY + quarter * 15 * MIN;
      const startMs = local - (local >= CLOCKS_FORWARD ? 2 : 1) * HOUR;
      runs.push(run('berlin-sync', runs.length, startMs, MIN));
    }
  }
  // The Monday after, 15:40 UTC: its last run began at 16:45 in Berlin, an hour ago.
  const nowMs = FIRST_MONDAY + 21 * DAY + 15 * HOUR + 40 * MIN;
  const stalledIn = (config: AnalysisConfig) =>
    analyse({ nowMs, runs: runs.filter((r) => r.endMs <= nowMs), templateOf, config }).candidates.filter((c) => c.kind === 'stalled');

  it('is not stalled at its end of day once the clocks went forward, going by the week before on those clocks', () => {
    expect(stalledIn({ timeZone: 'Europe/Berlin' })).toEqual([]);
  });

  it('would be, on UTC clocks: the week before, it ran until 15:45 UTC', () => {
    expect(stalledIn({}).map((c) => c.title)).toEqual([expect.stringMatching(/^`berlin-sync` has not run for .* 3 runs missed\)$/)]);
  });

  it('is not due at the times the clocks skip, on the night they go forward', () => {
    // Every 15 minutes around the clock, on Berlin's clocks: 01:45 is followed by 03:00 (01:00 UTC), which is late.
    // At 01:12 UTC one run is missed, not five: 02:00–02:45, due by the week before, never come that night.
    const every15: RunRecord[] = [];
    for (let startMs = CLOCKS_FORWARD - 14 * DAY; startMs < CLOCKS_FORWARD; startMs += 15 * MIN) every15.push(run('round-the-clock', every15.length, startMs, 5 * MIN));
    const at = CLOCKS_FORWARD + 12 * MIN;
    const stalled = (config: AnalysisConfig) =>
      analyse({ nowMs: at, runs: every15.filter((r) => r.endMs <= at), templateOf, config }).candidates.filter((c) => c.kind === 'stalled');
    expect(stalled({ timeZone: 'Europe/Berlin' })).toEqual([]);
  });
});
