import { describe, expect, it } from 'vitest';
import { analyse } from '../../src/analyse/index.js';
import { pValue } from '../../src/analyse/format.js';
import { mannKendall, rateRise, stepFitsBetter, theilSenSlope } from '../../src/analyse/stats.js';
import { seededRandom } from '../../src/analyse/prng.js';
import type { RunRecord } from '../../src/model/workflow.js';
import { run } from './runs.js';

const HOUR = 3600_000;
const templateOf = (m: string) => ({ templateId: m, template: m });

function durations(shape: (i: number) => number, seed = 1): RunRecord[] {
  const rand = seededRandom(seed);
  return Array.from({ length: 300 }, (_, i) => run('etl', i, i * HOUR, shape(i) * (0.9 + 0.2 * rand())));
}

describe('trend statistics', () => {
  it('Theil–Sen ignores outliers and Mann–Kendall tells a trend from noise', () => {
    const xs = Array.from({ length: 50 }, (_, i) => i);
    const ys = xs.map((x) => 2 * x + 1);
    ys[10] = 1000;
    ys[40] = -1000;
    expect(theilSenSlope(xs, ys)).toBeCloseTo(2, 6);
    expect(mannKendall(xs).p).toBeLessThan(1e-6);
    const rand = seededRandom(3);
    expect(mannKendall(xs.map(() => rand())).p).toBeGreaterThan(0.05);
  });

  it('tells an abrupt shift from a gradual creep', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i);
    expect(stepFitsBetter(xs, xs.map((x) => (x < 70 ? 10 : 60)))).toBe(true);
    expect(stepFitsBetter(xs, xs.map((x) => 10 + x))).toBe(false);
  });
});

describe('trend detector', () => {
  it('reports a gradual slowdown with its rate, and nothing for jitter or an abrupt shift', () => {
    const creep = analyse({ nowMs: 300 * HOUR, runs: durations((i) => 100_000 + i * 500), templateOf, config: {} });
    const trend = creep.candidates.find((c) => c.kind === 'trend')!;
    expect(trend.fingerprint).toBe('trend|etl|duration');
    expect(trend.category).toBe('performance');
    expect(Number(trend.evidence.current['slopeMsPerDay'])).toBeGreaterThan(10_000);
    expect(Number(trend.evidence.current['slopeMsPerDay'])).toBeLessThan(14_000);
    expect(trend.summary).toMatch(/Mann–Kendall p < 0\.001\.$/);

    const flat = analyse({ nowMs: 300 * HOUR, runs: durations(() => 100_000), templateOf, config: {} });
    expect(flat.candidates.filter((c) => c.kind === 'trend')).toEqual([]);

    const shifted = analyse({ nowMs: 300 * HOUR, runs: durations((i) => (i < 250 ? 100_000 : 400_000)), templateOf, config: {} });
    expect(shifted.candidates.filter((c) => c.kind === 'trend')).toEqual([]);
    expect(shifted.candidates.find((c) => c.kind === 'anomaly')!.rootCause.step).toBe('work');
  });
});

describe('trend onset', () => {
  it.each([1, 2, 3])('dates a creep from where it began, mid-window or at its start (seed %i)', (seed) => {
    // Steady at 100 s for 100 hourly runs, then 1 s slower each run: the creep began at run 100.
    const midway = analyse({ nowMs: 300 * HOUR, runs: durations((i) => 100_000 + Math.max(0, i - 100) * 1000, seed), templateOf, config: {} });
    const late = midway.candidates.find((c) => c.kind === 'trend')!;
    expect(Math.abs(Date.parse(late.evidence.onset) - 100 * HOUR)).toBeLessThanOrEqual(3 * HOUR);
    expect(late.firstSeenMs).toBe(Date.parse(late.evidence.onset));
    expect(late.summary).toContain(`since ${late.evidence.onset.slice(0, 16).replace('T', ' ')} UTC`);
    // The runs it hit are those since it began, of every successful run.
    const runs = durations((i) => 100_000 + Math.max(0, i - 100) * 1000, seed);
    expect(late.evidence.affectedRuns).toBe(runs.filter((r) => r.startMs >= Date.parse(late.evidence.onset)).length);
    expect(late.evidence.totalRuns).toBe(runs.length);
    // 24 s a day since it began, not the window's average.
    expect(Number(late.evidence.current['slopeMsPerDay'])).toBeGreaterThan(21_000);
    expect(Number(late.evidence.current['slopeMsPerDay'])).toBeLessThan(27_000);

    const throughout = analyse({ nowMs: 300 * HOUR, runs: durations((i) => 100_000 + i * 500, seed), templateOf, config: {} });
    expect(throughout.candidates.find((c) => c.kind === 'trend')!.evidence.onset).toBe(new Date(0).toISOString());
  });
});

describe('p-values in summaries', () => {
  it('says p < 0.001 for anything smaller, and gives two figures otherwise', () => {
    expect([0, 1e-12, 0.00099, 0.001, 0.01234, 0.5].map(pValue)).toEqual(['p < 0.001', 'p < 0.001', 'p < 0.001', 'p = 0.001', 'p = 0.012', 'p = 0.5']);
  });
});

describe('failure-rate trend', () => {
  it('reports failures growing steadily, and not a failure rate that jumped once', () => {
    const rand = seededRandom(5);
    const rising = Array.from({ length: 336 }, (_, i) => run('etl', i, i * HOUR, 60_000, rand() < (0.4 * i) / 336 ? 'failure' : 'success'));
    const out = analyse({ nowMs: 336 * HOUR, runs: rising, templateOf, config: {} });
    const trend = out.candidates.find((c) => c.fingerprint === 'trend|etl|failure_rate')!;
    expect(Number(trend.evidence.current['failureRate'])).toBeGreaterThan(Number(trend.evidence.baseline['failureRate']) + 0.2);
    expect(trend.title).toMatch(/fails more and more often/);

    const jumped = Array.from({ length: 336 }, (_, i) => run('etl', i, i * HOUR, 60_000, i > 290 && rand() < 0.4 ? 'failure' : 'success'));
    const after = analyse({ nowMs: 336 * HOUR, runs: jumped, templateOf, config: {} });
    expect(after.candidates.filter((c) => c.kind === 'trend')).toEqual([]);
  });
});

describe('rateRise', () => {
  it('finds where outcomes began to say yes more often, and nothing in a steady rate', () => {
    const rand = seededRandom(3);
    const rising = Array.from({ length: 300 }, (_, i) => rand() < (i >= 200 ? 0.6 : 0.02));
    const at = rateRise(rising)!;
    expect(Math.abs(at - 200)).toBeLessThan(5);
    expect(rateRise(Array.from({ length: 300 }, () => rand() < 0.3))).toBeUndefined();
    // A rate that fell is not a rise.
    expect(rateRise(Array.from({ length: 300 }, (_, i) => rand() < (i >= 200 ? 0.02 : 0.6)))).toBeUndefined();
  });
});
