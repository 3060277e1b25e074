/** Robust and non-parametric statistics the detectors share. Inputs are never mutated. */

export function sorted(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/** Linear-interpolated quantile of already sorted values. */
export function quantileSorted(sortedValues: ArrayLike<number>, q: number): number {
  const n = sortedValues.length;
  if (n === 0) return NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sortedValues[lo]! + (sortedValues[hi]! - sortedValues[lo]!) * (pos - lo);
}

export function quantile(values: readonly number[], q: number): number {
  return quantileSorted(sorted(values), q);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Median absolute deviation scaled to a normal σ (×1.4826), floored so constant series don't divide by zero. */
export function robustSigma(values: readonly number[], centre = median(values)): number {
  const mad = median(values.map((v) => Math.abs(v - centre)));
  return Math.max(1.4826 * mad, Math.abs(centre) * 0.01, 1e-9);
}

export function mean(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return values.length ? s / values.length : NaN;
}

/** Evenly spaced picks, keeping order: caps O(n²) methods without biasing toward either end. */
export function evenSample<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return items.slice();
  const out: T[] = [];
  const step = items.length / max;
  for (let i = 0; i < max; i++) out.push(items[Math.floor(i * step)]!);
  return out;
}

/** Theil–Sen slope: the median of pairwise slopes, robust to up to ~29 % outliers. */
export function theilSenSlope(xs: readonly number[], ys: readonly number[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) {
      const dx = xs[j]! - xs[i]!;
      if (dx !== 0) slopes.push((ys[j]! - ys[i]!) / dx);
    }
  }
  return slopes.length ? median(slopes) : 0;
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(z) / Math.SQRT2);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

export interface MannKendall {
  s: number;
  z: number;
  /** Two-sided p-value. */
  p: number;
}

/** Mann–Kendall test for a monotonic trend in a series taken in time order, with the variance corrected for ties. */
export function mannKendall(ys: readonly number[]): MannKendall {
  const n = ys.length;
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += Math.sign(ys[j]! - ys[i]!);
  const ties = new Map<number, number>();
  for (const y of ys) ties.set(y, (ties.get(y) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of ties.values()) tieTerm += t * (t - 1) * (2 * t + 5);
  const variance = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  const z = variance > 0 ? (s - Math.sign(s)) / Math.sqrt(variance) : 0;
  return { s, z, p: 2 * (1 - normalCdf(Math.abs(z))) };
}

/**
 * True when one jump (two means, split where it fits best) describes the series better than the Theil–Sen line
 * does: the series changed abruptly rather than gradually. Compares sums of squared residuals.
 */
export function stepFitsBetter(xs: readonly number[], ys: readonly number[]): boolean {
  const n = ys.length;
  if (n < 4) return false;
  const slope = theilSenSlope(xs, ys);
  const intercept = median(ys.map((y, i) => y - slope * xs[i]!));
  let lineSse = 0;
  for (let i = 0; i < n; i++) lineSse += (ys[i]! - intercept - slope * xs[i]!) ** 2;
  const prefix = new Float64Array(n + 1);
  const prefixSq = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    prefix[i + 1] = prefix[i]! + ys[i]!;
    prefixSq[i + 1] = prefixSq[i]! + ys[i]! ** 2;
  }
  const sse = (a: number, b: number) => prefixSq[b]! - prefixSq[a]! - (prefix[b]! - prefix[a]!) ** 2 / (b - a);
  let stepSse = Infinity;
  for (let k = 2; k <= n - 2; k++) stepSse = Math.min(stepSse, sse(0, k) + sse(k, n));
  return stepSse < lineSse;
}

/**
 * Where a growing series began to grow: the breakpoint of the best continuous "level, then straight line" fit
 * (least squares, breakpoints from the `minSegment`th point to the `minSegment`th last), when it fits better than one
 * straight line by more than its extra parameter is worth (a Gaussian log-likelihood gain over max(5, ln n), as
 * `rateRise` asks). Undefined for a series that grew throughout. O(n²): give it a sample.
 */
export function growthStart(xs: readonly number[], ys: readonly number[], minSegment: number): number | undefined {
  const n = ys.length;
  if (n < 2 * minSegment || n < 3) return undefined;
  // On a 0–1 time scale and about the mean, so the sums of squares keep their precision.
  const x0 = xs[0]!;
  const scale = xs[n - 1]! - x0 || 1;
  const yMean = mean(ys);
  const us = xs.map((x) => (x - x0) / scale);
  const vs = ys.map((y) => y - yMean);
  let vv = 0;
  for (const v of vs) vv += v * v;
  /** The residual sum of squares of the fit bending at point k (k = 0: one straight line), Infinity unless rising. */
  const sse = (k: number): number => {
    let sh = 0;
    let shh = 0;
    let shv = 0;
    for (let i = k + 1; i < n; i++) {
      const h = us[i]! - us[k]!;
      sh += h;
      shh += h * h;
      shv += h * vs[i]!;
    }
    const varH = shh - (sh * sh) / n;
    return varH > 0 && shv > 0 ? vv - (shv * shv) / varH : Infinity;
  };
  const line = sse(0);
  if (!Number.isFinite(line)) return undefined;
  let best: number | undefined;
  let bestSse = line * Math.exp(-2 * Math.max(5, Math.log(n)) / n);
  for (let k = minSegment; k <= n - minSegment; k++) {
    const fit = sse(k);
    if (fit < bestSse) {
      bestSse = fit;
      best = k;
    }
  }
  return best;
}

/** Halfway between two levels, geometrically: durations and waits are judged on a log scale. */
export const halfway = (from: number, to: number) => Math.sqrt(from * to);

/** Whether a value lies past halfway from level `from` to level `to`: where detectors cut a new level's runs from the old's. */
export function pastHalfway(from: number, to: number): (value: number) => boolean {
  const cut = halfway(from, to);
  return to > from ? (value) => value > cut : (value) => value < cut;
}

/** The value met most often (the first met, on a tie), ignoring undefined. */
export function mostCommon(values: (string | undefined)[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | undefined;
  for (const [v, n] of counts) if (best === undefined || n > counts.get(best)!) best = v;
  return best;
}

/**
 * Where a sequence of yes/no outcomes began to say yes more often: the index that splits it into two segments of
 * constant rate with the greatest likelihood, the later one's rate the higher. Undefined when the split is not worth
 * its extra rate (a log-likelihood gain under max(5, ln n), as the best of n splits of one steady rate often gains a
 * few).
 */
export function rateRise(flags: readonly boolean[]): number | undefined {
  const n = flags.length;
  let total = 0;
  for (const flag of flags) if (flag) total++;
  const steady = bernoulliFit(total, n);
  let best: number | undefined;
  let bestFit = steady + Math.max(5, Math.log(n));
  let before = 0;
  for (let i = 1; i < n; i++) {
    if (flags[i - 1]) before++;
    if ((total - before) / (n - i) <= before / i) continue;
    const fit = bernoulliFit(before, i) + bernoulliFit(total - before, n - i);
    if (fit > bestFit) {
      bestFit = fit;
      best = i;
    }
  }
  return best;
}

/** The log-likelihood of `k` yes in `m` outcomes at their own rate. */
function bernoulliFit(k: number, m: number): number {
  return k === 0 || k === m ? 0 : k * Math.log(k / m) + (m - k) * Math.log(1 - k / m);
}

/**
 * Whether `cleanRuns` clean runs in a row are less likely than `chance` at a rate of bad runs `rate`: a run of luck
 * that long says the bad runs began after it, not before.
 */
export function tooCleanForRate(cleanRuns: number, rate: number, chance = 0.05): boolean {
  return rate > 0 && (1 - rate) ** cleanRuns < chance;
}
