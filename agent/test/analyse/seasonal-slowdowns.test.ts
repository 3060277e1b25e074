/**
 * A step that is slow every weekend or every night is following its usual pattern: passes over a 14-day window
 * (the agent's default), on event time, report nothing when the window holds earlier occurrences of the same season
 * that were just as slow, and still report a new slowdown, judged against its season.
 */
import { describe, expect, it } from 'vitest';
import { analyse } from '../../src/analyse/index.js';
import { seededRandom } from '../../src/analyse/prng.js';
import type { RunRecord } from '../../src/model/workflow.js';
import { pipelineRun } from './pipelines.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const WINDOW = 14 * DAY;
const MONDAY = Date.UTC(2026, 10, 2);
const SATURDAY = MONDAY + 12 * DAY;
const templateOf = (m: string) => ({ templateId: m, template: m });

/** Runs `everyMs` apart from two weeks before `MONDAY` for eight weeks: `dump` takes 20 s, `step` takes `ms(t)`, with 10 % jitter. */
function runsOf(workflow: string, step: string, everyMs: number, ms: (startMs: number) => number): RunRecord[] {
  const rand = seededRandom(7);
  const runs: RunRecord[] = [];
  for (let t = MONDAY - WINDOW, i = 0; t < MONDAY + 3 * WINDOW; t += everyMs, i++) {
    runs.push(pipelineRun(workflow, i, t, [{ name: 'dump', ms: Math.round(20_000 * (0.95 + 0.1 * rand())) }, { name: step, ms: Math.round(ms(t) * (0.95 + 0.1 * rand())) }]));
  }
  return runs;
}

/** The slowdown findings of passes every `everyMs` from `fromMs` to `toMs`, each over the runs ended in the window before it. */
function passes(runs: RunRecord[], fromMs: number, toMs: number, everyMs: number): string[] {
  const titles = new Set<string>();
  for (let nowMs = fromMs; nowMs <= toMs; nowMs += everyMs) {
    const inWindow = runs.filter((r) => r.endMs <= nowMs && r.startMs >= nowMs - WINDOW);
    for (const c of analyse({ nowMs, runs: inWindow, templateOf, config: {} }).candidates) {
      if (c.kind === 'anomaly' || c.kind === 'trend') titles.add(c.title);
    }
  }
  return [...titles];
}

const weekend = (t: number) => [0, 6].includes(new Date(t).getUTCDay());
const atNight = (t: number) => new Date(t).getUTCHours() >= 1 && new Date(t).getUTCHours() < 4;

describe('a step slow every weekend', () => {
  it('is not reported when the window holds an earlier weekend as slow', () => {
    const runs = runsOf('backup', 'backup', HOUR, (t) => (weekend(t) ? 180_000 : 60_000));
    expect(passes(runs, SATURDAY, SATURDAY + 3 * DAY, 6 * HOUR)).toEqual([]);
  });

  it('is reported when it gets slower still from a Saturday, against what it takes at weekends', () => {
    const runs = runsOf('backup', 'backup', HOUR, (t) => (weekend(t) ? 180_000 : 60_000) * (t >= SATURDAY ? 3 : 1));
    const found = passes(runs, SATURDAY + 18 * HOUR, SATURDAY + 18 * HOUR, HOUR);
    expect(found).toEqual([expect.stringMatching(/^Step `backup` of `backup` is 3\.0× slower since 2026-11-14 00:00 UTC \(p50 9\.\d min vs 3\.0 min\)$/)]);
  });
});

describe('a new slowdown that starts on a weekend', () => {
  it('is reported from the Saturday it started', () => {
    const runs = runsOf('export', 'export', HOUR, (t) => (t >= SATURDAY ? 180_000 : 60_000));
    const found = passes(runs, SATURDAY + 12 * HOUR, SATURDAY + 12 * HOUR, HOUR);
    expect(found).toEqual([expect.stringMatching(/^Step `export` of `export` is (2\.9|3\.0)× slower since 2026-11-14 00:00 UTC \(p50 3\.0 min vs 60 s\)$/)]);
  });
});

describe('a step slow every night at the same hours', () => {
  it('is not reported, during the night or after it', () => {
    const runs = runsOf('compact', 'compact', HOUR / 4, (t) => (atNight(t) ? 180_000 : 60_000));
    expect(passes(runs, MONDAY + WINDOW, MONDAY + WINDOW + DAY, HOUR)).toEqual([]);
  });

  it('is reported when it gets slower still one night', () => {
    const from = MONDAY + WINDOW + HOUR;
    const runs = runsOf('compact', 'compact', HOUR / 4, (t) => (atNight(t) ? 180_000 : 60_000) * (t >= from ? 3 : 1));
    const found = passes(runs, from + 3 * HOUR, from + 3 * HOUR, HOUR);
    expect(found).toEqual([expect.stringMatching(/^Step `compact` of `compact` is 3\.0× slower since 2026-11-16 01:00 UTC \(p50 9\.\d min vs 3\.0 min\)$/)]);
  });
});
