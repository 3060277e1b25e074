import type { RunRecord } from '../../model/workflow.js';
import { median } from '../stats.js';
import type { WallClock } from '../wall-clock.js';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The seasons a step's durations may follow, on the clock of the analysis' time zone (`analysis.timeZone`, UTC by
 * default): the hour of the day (a nightly batch) and the day of the week (a backup that has more to do at
 * weekends). Points in the same bucket of different cycles are occurrences of the same season.
 */
const SEASONS = [
  { name: 'hour of the day', periodMs: DAY_MS, bucketMs: HOUR_MS },
  { name: 'day of the week', periodMs: 7 * DAY_MS, bucketMs: DAY_MS },
] as const;

type Season = (typeof SEASONS)[number];

export interface TimedValue {
  run: RunRecord;
  ms: number;
}

export interface SeasonalChange {
  /** The later points over what their season usually holds (the median of their ratios). */
  ratio: number;
  season: Season['name'];
}

/**
 * How far the `later` points (from `onsetMs` on) are from what their season usually holds, for the season that
 * explains them best. For the day and for the week, each later point is divided by the median of the `earlier`
 * points of its season in cycles before the onset's, and the ratios' median is taken. A point whose season has no
 * earlier occurrence in the window is judged against `baselineMs`, so a season seen for the first time (and a new
 * slowdown that starts on a weekend) is still news.
 */
export function seasonalChange(
  earlier: readonly TimedValue[],
  later: readonly TimedValue[],
  onsetMs: number,
  baselineMs: number,
  clock: WallClock,
): SeasonalChange {
  let best: SeasonalChange | undefined;
  for (const season of SEASONS) {
    const onsetCycle = Math.floor(clock.toWall(onsetMs) / season.periodMs);
    const usual = usualByBucket(earlier.filter((p) => Math.floor(clock.toWall(p.run.startMs) / season.periodMs) < onsetCycle), season, 1, clock);
    // Floored at 1 ms, so a step that took no time gives a ratio, not NaN.
    const ratio = median(later.map((p) => Math.max(p.ms, 1) / Math.max(usual.get(bucketOf(season, p.run.startMs, clock)) ?? baselineMs, 1)));
    if (!best || Math.abs(Math.log(ratio)) < Math.abs(Math.log(best.ratio))) best = { ratio, season: season.name };
  }
  return best!;
}

/**
 * Enough points in a bucket to tell a season from noise when looking for one: a sparse workflow (a run a day at
 * varying hours) has one or two per hour of the day, whose spread is the runs' own.
 */
const MIN_OCCURRENCES = 3;

export interface Deseasonalised {
  season: Season['name'];
  /** Each point's value scaled by what the points before usually hold over what its season usually holds. */
  values: number[];
  /** Whether two runs started in the same bucket of the season. */
  sameBucket(a: RunRecord, b: RunRecord): boolean;
}

/**
 * The series without the season evident in its points before `splitMs`, if any: the season whose buckets'
 * usual values (their medians) lie furthest apart, at least `minRatio` apart. A level shift across a season shows in
 * this series as one change of level, where the raw series mixes old and new levels of different seasons.
 */
export function deseasonalise(points: readonly TimedValue[], splitMs: number, minRatio: number, clock: WallClock): Deseasonalised | undefined {
  const earlier = points.filter((p) => p.run.startMs < splitMs);
  let best: { season: Season; usual: Map<number, number>; spread: number } | undefined;
  for (const season of SEASONS) {
    const usual = usualByBucket(earlier, season, MIN_OCCURRENCES, clock);
    if (usual.size < 2) continue;
    const spread = Math.max(...usual.values()) / Math.max(Math.min(...usual.values()), 1);
    if (!best || spread > best.spread) best = { season, usual, spread };
  }
  if (!best || best.spread < minRatio) return undefined;
  const { season, usual } = best;
  if (turns(points, season, usual, Math.sqrt(best.spread) * Math.min(...usual.values()), clock) < 3) return undefined;
  const level = median(earlier.map((p) => p.ms));
  return {
    season: season.name,
    values: points.map((p) => (p.ms * level) / Math.max(usual.get(bucketOf(season, p.run.startMs, clock)) ?? level, 1)),
    sameBucket: (a, b) => bucketOf(season, a.startMs, clock) === bucketOf(season, b.startMs, clock),
  };
}

/**
 * How often the points, in time order, pass between the season's slow buckets (usually above `cut`) and its fast
 * ones with their values moving the same way. A season comes back: a step that crept up through the first cycle has
 * slow buckets late in that cycle as well, but from there on its values go on rising where the season would fall.
 */
function turns(points: readonly TimedValue[], season: Season, usual: ReadonlyMap<number, number>, cut: number, clock: WallClock): number {
  const stretches: { slow: boolean; values: number[] }[] = [];
  for (const p of points) {
    const ms = usual.get(bucketOf(season, p.run.startMs, clock));
    if (ms === undefined) continue;
    const last = stretches[stretches.length - 1];
    if (last?.slow === ms > cut) last.values.push(p.ms);
    else stretches.push({ slow: ms > cut, values: [p.ms] });
  }
  let count = 0;
  for (let i = 1; i < stretches.length; i++) {
    if (median(stretches[i]!.values) > median(stretches[i - 1]!.values) === stretches[i]!.slow) count++;
  }
  return count;
}

/** The median of the points in each bucket of `season` that holds `minPoints` of them. */
function usualByBucket(points: readonly TimedValue[], season: Season, minPoints: number, clock: WallClock): Map<number, number> {
  const byBucket = new Map<number, number[]>();
  for (const p of points) {
    const bucket = bucketOf(season, p.run.startMs, clock);
    const values = byBucket.get(bucket);
    if (values) values.push(p.ms);
    else byBucket.set(bucket, [p.ms]);
  }
  return new Map([...byBucket].filter(([, values]) => values.length >= minPoints).map(([bucket, values]) => [bucket, median(values)]));
}

function bucketOf(season: Season, ms: number, clock: WallClock): number {
  const wallMs = clock.toWall(ms);
  return Math.floor((((wallMs % season.periodMs) + season.periodMs) % season.periodMs) / season.bucketMs);
}
