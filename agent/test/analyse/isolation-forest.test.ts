import { IsolationForest as LibraryForest } from 'ml-isolation-forest';
import { describe, expect, it } from 'vitest';
import { averagePathLength, IsolationForest } from '../../src/analyse/anomaly/isolation-forest.js';
import { seededRandom } from '../../src/analyse/prng.js';

/**
 * Rows shaped like run feature vectors: six log step durations with ordinary jitter (σ 0.12). `clustered`: 4 % of
 * runs share one regression (step 3 is 6× slower), as when a release slows a step down; otherwise 1 % scattered
 * anomalies, each with a different step 2–6× slower.
 */
function dataset(seed: number, clustered: boolean): { rows: number[][]; anomalous: boolean[] } {
  const rand = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const rows: number[][] = [];
  const anomalous: boolean[] = [];
  for (let i = 0; i < 2000; i++) {
    const row = [1, 2, 2.5, 3, 3.5, 4].map((centre) => centre + 0.12 * gauss());
    const isAnomaly = clustered ? i % 25 === 7 : i % 100 === 37;
    if (isAnomaly && clustered) row[2]! += Math.log(6);
    if (isAnomaly && !clustered) row[i % 6]! += Math.log(2 + 4 * rand());
    rows.push(row);
    anomalous.push(isAnomaly);
  }
  return { rows, anomalous };
}

/** Share of the anomalies among the k highest scores, k = number of anomalies. */
function precisionAtK(scores: number[], anomalous: boolean[]): number {
  const k = anomalous.filter(Boolean).length;
  const top = scores.map((s, i) => ({ s, i })).sort((a, b) => b.s - a.s).slice(0, k);
  return top.filter((t) => anomalous[t.i]).length / k;
}

/** Area under the ROC curve: the chance an anomaly scores above an ordinary row. */
function auc(scores: number[], anomalous: boolean[]): number {
  const pos = scores.filter((_, i) => anomalous[i]);
  const neg = scores.filter((_, i) => !anomalous[i]);
  let wins = 0;
  for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

describe('seeded, subsampled isolation forest', () => {
  it('uses the paper c(n) = 2H(n−1) − 2(n−1)/n', () => {
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    expect(averagePathLength(256)).toBeCloseTo(2 * (Math.log(255) + 0.5772156649) - (2 * 255) / 256, 10);
    expect(averagePathLength(256)).toBeCloseTo(10.24, 1);
  });

  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  /** Mean AUC (and precision at k) over four forests of each kind: the library draws from Math.random, so one forest proves little. */
  const compare = (rows: number[][], anomalous: boolean[]) => {
    const ours = [1, 2, 3, 4].map((seed) => new IsolationForest({ seed }).fit(rows)).map((f) => rows.map((r) => f.score(r)));
    // The library trains every tree on every row (no subsampling), at a cost that grows with the history.
    const library = [1, 2, 3, 4].map(() => {
      const f = new LibraryForest({ nEstimators: 100 });
      f.train(rows);
      return f.predict(rows) as number[];
    });
    const summary = (runs: number[][]) => ({
      auc: mean(runs.map((scores) => auc(scores, anomalous))),
      precision: mean(runs.map((scores) => precisionAtK(scores, anomalous))),
      anomalyScore: mean(runs.map((scores) => mean(scores.filter((_, i) => anomalous[i])))),
      ordinaryScore: mean(runs.map((scores) => mean(scores.filter((_, i) => !anomalous[i])))),
    });
    return { ours: summary(ours), library: summary(library) };
  };

  it.each([3, 4])('separates a regression shared by many runs better than ml-isolation-forest (seed %i)', (seed) => {
    const { rows, anomalous } = dataset(seed, true);
    const { ours, library } = compare(rows, anomalous);
    expect(ours.auc).toBeGreaterThan(0.98);
    expect(ours.auc).toBeGreaterThanOrEqual(library.auc);
    expect(ours.precision).toBeGreaterThanOrEqual(library.precision);
    // The paper's c(n) keeps ordinary rows below 0.5 and lifts the anomalies above the library's biased scores.
    expect(ours.ordinaryScore).toBeLessThan(0.5);
    expect(ours.anomalyScore).toBeGreaterThan(library.anomalyScore);
  });

  it('separates scattered one-off anomalies nearly as well as the library trained on every row at full depth', () => {
    const { rows, anomalous } = dataset(3, false);
    const { ours, library } = compare(rows, anomalous);
    // Height limit ⌈log₂256⌉ = 8 against the library's ⌈log₂2000⌉ = 11: a point far out on one of six axes is
    // isolated a little less surely by the shallower trees.
    expect(ours.auc).toBeGreaterThan(0.97);
    expect(ours.auc).toBeGreaterThan(library.auc - 0.025);
  });

  it('is deterministic for a seed, unlike the library', () => {
    const { rows } = dataset(5, false);
    const probe = rows.slice(0, 50);
    const a = new IsolationForest({ seed: 9 }).fit(rows);
    const b = new IsolationForest({ seed: 9 }).fit(rows);
    expect(probe.map((r) => b.score(r))).toEqual(probe.map((r) => a.score(r)));
    const c = new IsolationForest({ seed: 10 }).fit(rows);
    expect(probe.map((r) => c.score(r))).not.toEqual(probe.map((r) => a.score(r)));
    const lib1 = new LibraryForest({ nEstimators: 20 });
    lib1.train(rows.slice(0, 200));
    const lib2 = new LibraryForest({ nEstimators: 20 });
    lib2.train(rows.slice(0, 200));
    expect(lib2.predict(probe)).not.toEqual(lib1.predict(probe));
  });
});
