import { config } from '@grafana/runtime';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { RunStep } from '../api/types.js';
import { byShare, describeChange, errorText, failedMoreAfter, formatBudget, formatDuration, formatDurationChange, formatMeasure, formatPercent, formatTime, statusTone, toNestedItems, toStepTree } from './format.js';

const step = (id: string, startTime: string, parentId?: string): RunStep => ({
  id,
  name: id,
  parentId,
  status: 'success',
  startTime,
  endTime: startTime,
  durationSeconds: 1,
  attributes: {},
  downstream: [],
});

describe('view formatting', () => {
  it.each([
    [0.0424, '42 ms'],
    [4.25, '4.3 s'],
    [59.4, '59 s'],
    [61, '1m 01s'],
    [3605, '1h 00m'],
    [undefined, '–'],
    [Number.NaN, '–'],
  ])('formats %s seconds as %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it.each([
    [1987, 3.66, '+33m 07s, 3.7×'],
    [-90, 0.25, '-1m 30s, 0.3×'],
    [4, null, '+4.0 s'],
    [0, 1, '0 ms, 1.0×'],
  ])('formats a duration change of %s seconds (ratio %s) as %s', (delta, ratio, text) => {
    expect(formatDurationChange(delta, ratio)).toBe(text);
  });

  it('formats ratios as percentages, negative budgets included', () => {
    expect(formatPercent(0.979)).toBe('97.9%');
    expect(formatPercent(-2.1, 0)).toBe('-210%');
  });

  it.each([
    [0.62, '62%'],
    [0, '0%'],
    [-2.1, 'exhausted (3.1× spent)'],
    [-39.625, 'exhausted (40.6× spent)'],
  ])('gives an error budget of %s left as %s', (remaining, text) => {
    expect(formatBudget(remaining)).toBe(text);
  });

  it.each([
    [0.5, 0.7, true],
    [0, 0.75, true],
    [0.1, 0.29, false],
    [0.5, 0.1, false],
    [null, 0.9, false],
    [0.1, null, false],
  ])('marks a change whose failure share went from %s to %s as harmful: %s', (before, after, harmful) => {
    const side = (failureShare: number | null) => ({ runs: 10, failed: 0, failureShare });
    expect(failedMoreAfter({ before: side(before), after: side(after) })).toBe(harmful);
  });

  it.each([
    ['2.3.0', '2.4.0', 'deployment.version 2.3.0 → 2.4.0 at 2026-11-21 12:04:00 UTC'],
    [null, 3, 'deployment.version — → 3 at 2026-11-21 12:04:00 UTC'],
    [true, null, 'deployment.version true → — at 2026-11-21 12:04:00 UTC'],
  ])('describes a change from %s to %s in one line', (from, to, text) => {
    expect(describeChange({ key: 'deployment.version', from, to, at: '2026-11-21T12:04:00.000Z' })).toBe(text);
  });

  it('orders steps as a tree by start time and keeps steps whose parent is missing at the top level', () => {
    const tree = toStepTree([
      step('deploy', '2026-01-01T00:00:03Z'),
      step('unit', '2026-01-01T00:00:02Z', 'test'),
      step('test', '2026-01-01T00:00:01Z'),
      step('lint', '2026-01-01T00:00:01.5Z', 'test'),
      step('orphan', '2026-01-01T00:00:04Z', 'not-in-run'),
    ]);
    expect(tree.map(({ step: s, depth }) => `${'  '.repeat(depth)}${s.name}`).join('\n')).toBe(
      ['test', '  lint', '  unit', 'deploy', 'orphan'].join('\n')
    );
  });

  it('puts the steps with the most failures first, then the most time, a step nested in another (no time share) after', () => {
    const base = { runs: 1, failures: 0, p50DurationSeconds: 0, p95DurationSeconds: 0, totalDurationSeconds: 0, downstream: [] };
    const steps = byShare([
      { ...base, name: 'nested', timeShare: null, failureShare: 0 },
      { ...base, name: 'slow', timeShare: 0.7, failureShare: 0 },
      { ...base, name: 'failing', timeShare: 0.1, failureShare: 1 },
      { ...base, name: 'quick', timeShare: 0.2, failureShare: 0 },
    ]);
    expect(steps.map((s) => s.name)).toEqual(['failing', 'slow', 'quick', 'nested']);
  });

  it.each([
    ['success', 'succeeded'],
    ['failure', 'failed'],
    ['error', 'failed'],
    ['timeout', 'failed'],
    ['running', 'running'],
    ['cancelled', 'muted'],
    ['skipped', 'muted'],
    ['degraded', undefined],
  ])("groups a run's or a step's status %s as %s", (status, tone) => {
    expect(statusTone(status)).toBe(tone);
  });

  it('nests the lines starting with `  - ` under the line before them, and keeps one with nothing before it', () => {
    expect(toNestedItems(['  - orphan', 'run `r-1`: 2 change(s)', '  - `version`: 1 → 2', '  - step `push` did not run', 'reported x = 1'])).toEqual([
      { text: 'orphan', children: [] },
      { text: 'run `r-1`: 2 change(s)', children: ['`version`: 1 → 2', 'step `push` did not run'] },
      { text: 'reported x = 1', children: [] },
    ]);
  });
});

describe("times in the Grafana user's time zone", () => {
  const userPrefers = (timezone: string) => {
    config.bootData.user.timezone = timezone;
  };
  afterEach(() => {
    userPrefers('utc');
    vi.unstubAllEnvs();
  });

  it('shows a UTC user UTC, saying so', () => {
    userPrefers('utc');
    expect(formatTime('2026-11-21T12:04:00.000Z')).toBe('2026-11-21 12:04:00 UTC');
    expect(formatTime(Date.parse('2026-07-01T12:04:00Z'))).toBe('2026-07-01 12:04:00 UTC');
  });

  it.each([
    ['Europe/Berlin', '2026-11-21T12:04:00.000Z', '2026-11-21 13:04:00 CET'],
    ['Europe/Berlin', '2026-07-01T12:04:00.000Z', '2026-07-01 14:04:00 CEST'],
    // The night New York's clocks go forward: a second apart, an hour and a second apart on the clock.
    ['America/New_York', '2026-03-08T06:59:59.000Z', '2026-03-08 01:59:59 EST'],
    ['America/New_York', '2026-03-08T07:00:00.000Z', '2026-03-08 03:00:00 EDT'],
    ['Asia/Kolkata', '2026-11-21T12:04:00.000Z', '2026-11-21 17:34:00 IST'],
  ])('shows a user who prefers %s the time %s as %s', (zone, time, text) => {
    userPrefers(zone);
    expect(formatTime(time)).toBe(text);
    expect(formatTime(Date.parse(time))).toBe(text);
  });

  it.each(['browser', ''])("shows a user whose preference is %j the browser's zone, named", (preference) => {
    vi.stubEnv('TZ', 'Asia/Tokyo');
    userPrefers(preference);
    expect(formatTime('2026-11-21T12:04:00.000Z')).toBe('2026-11-21 21:04:00 JST');
  });

  it('shows a missing time as a dash and text that is no time as it is', () => {
    userPrefers('Europe/Berlin');
    expect(formatTime(undefined)).toBe('–');
    expect(formatTime('')).toBe('–');
    expect(formatTime('soon')).toBe('soon');
  });
});

describe('durations', () => {
  it('rounds before it splits minutes from seconds, and keeps the sign', () => {
    expect(formatDuration(3599.6)).toBe('1h 00m');
    expect(formatDuration(59.7)).toBe('1m 00s');
    expect(formatDuration(9.96)).toBe('10 s');
    expect(formatDuration(-5)).toBe('-5.0 s');
  });
});

describe("a finding's measures", () => {
  it('reads the unit from the key: durations in ms or seconds, shares as percentages, the rest as given', () => {
    expect(formatMeasure('stepP50Ms', 59_000)).toEqual({ label: 'step p50', text: '59 s' });
    expect(formatMeasure('waitP50Ms', 656_150)).toEqual({ label: 'wait p50', text: '10m 56s' });
    expect(formatMeasure('p95DurationSeconds', 3605)).toEqual({ label: 'p95 duration', text: '1h 00m' });
    expect(formatMeasure('failureShare', 0.375)).toEqual({ label: 'failure share', text: '37.5%' });
    expect(formatMeasure('failures', 9)).toEqual({ label: 'failures', text: '9' });
    expect(formatMeasure('stepP50Ms', undefined).text).toBe('–');
    expect(formatMeasure('resolution', 'five runs passed').text).toBe('five runs passed');
    expect(formatMeasure('slopeMsPerDay', 35_000)).toEqual({ label: 'slope per day', text: '35 s/day' });
    expect(formatMeasure('secondsSinceLastRun', 7200)).toEqual({ label: 'since last run', text: '2h 00m' });
    // An SLO's: its budget as the SLO table says it, its own figures in percent, its burn rates as multiples.
    expect(formatMeasure('errorBudgetRemaining', -39.625)).toEqual({ label: 'error budget remaining', text: 'exhausted (40.6× spent)' });
    expect(formatMeasure('errorBudgetRemaining', 0.62).text).toBe('62%');
    expect(formatMeasure('sli', 59.375)).toEqual({ label: 'SLI', text: '59.375%' });
    expect(formatMeasure('objective', 99)).toEqual({ label: 'objective', text: '99%' });
    expect(formatMeasure('burn1h', 100)).toEqual({ label: 'burn rate 1h', text: '100×' });
    // A table asks for the label alone, with no value.
    expect(['sli', 'burn6h', 'errorBudgetRemaining'].map((key) => formatMeasure(key, undefined).label)).toEqual(['SLI', 'burn rate 6h', 'error budget remaining']);
    // A custom rule's figures, named by its metric.
    expect(formatMeasure('failure_rate', 0.25)).toEqual({ label: 'failure rate', text: '25.0%' });
    expect(formatMeasure('p95_duration', 912.5)).toEqual({ label: 'p95 duration', text: '15m 13s' });
    expect(formatMeasure('queue_p95', 420)).toEqual({ label: 'queue p95', text: '7m 00s' });
    expect(formatMeasure('runs', 12).text).toBe('12');
  });
});

describe('errors as one line', () => {
  it('names the type once, whether or not the message starts with it', () => {
    expect(errorText({ errorType: 'HTTPError', errorMessage: 'HTTPError: 503 Service Unavailable' })).toBe('HTTPError: 503 Service Unavailable');
    expect(errorText({ errorType: 'HTTPError', errorMessage: '503 Service Unavailable' })).toBe('HTTPError: 503 Service Unavailable');
    expect(errorText({ errorType: 'OOMKilled' })).toBe('OOMKilled');
    expect(errorText({ errorMessage: 'exit status 1' })).toBe('exit status 1');
    expect(errorText({})).toBe('');
  });
});
