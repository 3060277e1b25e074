import type { RunRecord } from '../../model/workflow.js';
import { median } from '../stats.js';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The seasons a step's durations may follow, in UTC: the hour of the day (a nightly batch) and the day of the week
 * (a backup that has more to do at weekends). Points in the same bucket of different cycles are occurrences of the
 * same season.
 */
const SEASONS = [
  { name: 'hour of the day', periodMs: DAY_MS, bucketMs: HOUR_MS },
  { name: 'day of the week', periodMs: 7 * DAY_MS, bucketMs: DAY_MS },
] as const;

export interface TimedValue {
  run: RunRecord;
  ms: number;
}

export interface SeasonalChange {
  /** The later points over what their season usually holds (the median of their ratios). */
  ratio: number;
  season: (typeof SEASONS)[number]['name'];
}

/**
 * How far the `later` points (from `onsetMs` on) are from what their season usually holds, for the season that
 * explains them best. For the day and for the week, each later point is divided by the median of the `earlier`
 * points of its season in cycles before the onset's, and the ratios' median is taken. A point whose season has no
 * earlier occurrence in the window is judged against `baselineMs`, so a season seen for the first time (and a new
 * slowdown that starts on a weekend) is still news.
 */
export function seasonalChange(earlier: readonly TimedValue[], later: readonly TimedValue[], onsetMs: number, baselineMs: number): SeasonalChange {
  let best: SeasonalChange | undefined;
  for (const { name, periodMs, bucketMs } of SEASONS) {
    const bucketOf = (ms: number) => Math.floor((((ms % periodMs) + periodMs) % periodMs) / bucketMs);
    const onsetCycle = Math.floor(onsetMs / periodMs);
    const byBucket = new Map<number, number[]>();
    for (const p of earlier) {
      if (Math.floor(p.run.startMs / periodMs) >= onsetCycle) continue;
      const bucket = bucketOf(p.run.startMs);
      const values = byBucket.get(bucket);
      if (values) values.push(p.ms);
      else byBucket.set(bucket, [p.ms]);
    }
    const usual = new Map([...byBucket].map(([bucket, values]) => [bucket, median(values)]));
    // Floored at 1 ms, so a step that took no time gives a ratio, not NaN.
    const ratio = median(later.map((p) => Math.max(p.ms, 1) / Math.max(usual.get(bucketOf(p.run.startMs)) ?? baselineMs, 1)));
    if (!best || Math.abs(Math.log(ratio)) < Math.abs(Math.log(best.ratio))) best = { ratio, season: name };
  }
  return best!;
}
