import { median, pastHalfway, quantileSorted, robustSigma, sorted } from '../stats.js';

/** A sustained change in level of a series taken in time order. */
export interface LevelShift {
  /** Index of the first point of the new level. */
  index: number;
  baseline: number;
  current: number;
  /** (current − baseline) ÷ robust σ of the baseline. */
  robustZ: number;
}

export interface LevelShiftOptions {
  /**
   * A rise may go on rising after it began: a backlog of waiting work grows for as long as the work arrives faster
   * than it is taken. The new level may then drift up, and the newest points need only stay above halfway.
   */
  mayKeepRising?: boolean;
}

/**
 * Binary segmentation for one change in mean of log values (`bestSplit`), then checked robustly with medians and
 * quartiles. Returns nothing when the levels overlap, when the new level does not hold up to the newest points, or
 * when either side drifts (a gradual creep is the trend detector's business).
 */
export function findLevelShift(values: readonly number[], minSegment: number, options: LevelShiftOptions = {}): LevelShift | undefined {
  const n = values.length;
  const best = bestSplit(values, minSegment);
  if (best === undefined) return undefined;
  const before = values.slice(0, best);
  const after = values.slice(best);
  const [beforeSorted, afterSorted] = [sorted(before), sorted(after)];
  const baseline = quantileSorted(beforeSorted, 0.5);
  const current = quantileSorted(afterSorted, 0.5);
  // The new level must lie clear of the old one (its middle half beyond the old middle half): a series that
  // alternates between two steady levels (cache hits and misses, cold starts) flips its median as their mix
  // wavers, without shifting.
  const clear = current > baseline ? quantileSorted(afterSorted, 0.25) > quantileSorted(beforeSorted, 0.75) : quantileSorted(afterSorted, 0.75) < quantileSorted(beforeSorted, 0.25);
  if (!clear) return undefined;
  const newest = median(values.slice(Math.max(best, n - 10)));
  const rising = options.mayKeepRising === true && current > baseline;
  // The newest runs must still sit at the new level (or above it, for a rise that may go on), or the shift is over.
  const away = Math.log(newest / current);
  if ((rising ? -away : Math.abs(away)) > Math.abs(Math.log(current / baseline)) / 2) return undefined;
  if (drifts(before) || (rising ? drift(after) < 0.8 : drifts(after))) return undefined;
  return { index: firstOfLevel(values, best, baseline, current), baseline, current, robustZ: (current - baseline) / robustSigma(before, baseline) };
}

/**
 * Where one change in mean of the log values splits the series best (the CUSUM statistic |μR − μL|·√(nL·nR/n), O(n)
 * with prefix sums), leaving at least `minSegment` points on either side; undefined when it cannot.
 */
export function bestSplit(values: readonly number[], minSegment: number): number | undefined {
  const n = values.length;
  if (n < 2 * minSegment) return undefined;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + Math.log(Math.max(values[i]!, 1e-6));
  let best: number | undefined;
  let bestStat = 0;
  for (let k = minSegment; k <= n - minSegment; k++) {
    const left = prefix[k]! / k;
    const right = (prefix[n]! - prefix[k]!) / (n - k);
    const stat = Math.abs(right - left) * Math.sqrt((k * (n - k)) / n);
    if (stat > bestStat) {
      bestStat = stat;
      best = k;
    }
  }
  return best;
}

/**
 * The first point of the new level at or after the split: the split leaves `minSegment` points on either side, so a
 * shift fewer points old than that is split early, before points still at the old level. The new level begins at
 * the first point past halfway (geometrically) between the levels.
 */
function firstOfLevel(values: readonly number[], split: number, baseline: number, current: number): number {
  const past = pastHalfway(baseline, current);
  let index = split;
  while (index < values.length - 1 && !past(values[index]!)) index++;
  return index;
}

/** A segment drifts when its last quarter's median differs from its first quarter's by over 25 %. */
function drifts(segment: readonly number[]): boolean {
  const ratio = drift(segment);
  return ratio > 1.25 || ratio < 0.8;
}

/** Its last quarter's median over its first quarter's (1 for a segment too short to tell). */
function drift(segment: readonly number[]): number {
  if (segment.length < 8) return 1;
  const q = Math.floor(segment.length / 4);
  return median(segment.slice(segment.length - q)) / median(segment.slice(0, q));
}
