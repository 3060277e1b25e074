import { seededRandom, type Random } from '../prng.js';

/**
 * Isolation Forest (Liu, Ting, Zhou 2008), seeded and subsampled: each tree sees ψ rows drawn without replacement
 * and grows to ⌈log₂ψ⌉; the score is 2^(−E[h(x)]/c(ψ)). Unlike `ml-isolation-forest` 0.1.0 it is deterministic,
 * costs O(trees·ψ·log ψ) to train whatever the history size, and uses the paper's c(n).
 */

export interface IsolationForestOptions {
  trees?: number;
  sampleSize?: number;
  seed?: number;
}

type Node = { leaf: true; size: number } | { leaf: false; feature: number; split: number; left: Node; right: Node };

const EULER = 0.5772156649;

/** Average path length of an unsuccessful BST search over n points: c(n) = 2H(n−1) − 2(n−1)/n. */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER) - (2 * (n - 1)) / n;
}

export class IsolationForest {
  private readonly trees: Node[] = [];
  private readonly treeCount: number;
  private readonly sampleSize: number;
  private readonly rand: Random;
  private normaliser = 1;

  constructor(options: IsolationForestOptions = {}) {
    this.treeCount = options.trees ?? 100;
    this.sampleSize = options.sampleSize ?? 256;
    this.rand = seededRandom(options.seed ?? 1);
  }

  fit(rows: readonly (readonly number[])[]): this {
    const psi = Math.min(this.sampleSize, rows.length);
    const heightLimit = Math.ceil(Math.log2(Math.max(psi, 2)));
    this.normaliser = averagePathLength(psi);
    this.trees.length = 0;
    const indices = rows.map((_, i) => i);
    const sample = new Array<readonly number[]>(psi);
    for (let t = 0; t < this.treeCount; t++) {
      // Partial Fisher–Yates: the first ψ slots become a uniform sample without replacement.
      for (let i = 0; i < psi; i++) {
        const j = i + Math.floor(this.rand() * (indices.length - i));
        [indices[i], indices[j]] = [indices[j]!, indices[i]!];
        sample[i] = rows[indices[i]!]!;
      }
      this.trees.push(this.grow(sample, 0, psi, 0, heightLimit));
    }
    return this;
  }

  /** Anomaly score in (0, 1): near 1 isolated early (anomalous), ≤ 0.5 ordinary. */
  score(row: readonly number[]): number {
    if (this.trees.length === 0 || this.normaliser === 0) return 0.5;
    let total = 0;
    for (const tree of this.trees) total += pathLength(tree, row, 0);
    return 2 ** (-(total / this.trees.length) / this.normaliser);
  }

  /**
   * The tree over `rows[from, to)`, which it reorders: each split partitions its range in place rather than
   * copying rows into new arrays (the arrays were most of the training's allocations). No choice depends on the
   * rows' order within a range, so the trees are the same as with copies.
   */
  private grow(rows: (readonly number[])[], from: number, to: number, depth: number, limit: number): Node {
    const size = to - from;
    if (depth >= limit || size <= 1) return { leaf: true, size };
    // A constant column cannot isolate anything: try random features until one varies among these rows.
    const width = rows[from]!.length;
    const first = Math.floor(this.rand() * width);
    let feature = -1;
    let min = Infinity;
    let max = -Infinity;
    for (let k = 0; k < width && feature === -1; k++) {
      const candidate = (first + k) % width;
      min = Infinity;
      max = -Infinity;
      for (let i = from; i < to; i++) {
        const v = rows[i]![candidate]!;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (max > min) feature = candidate;
    }
    if (feature === -1) return { leaf: true, size };
    const split = min + this.rand() * (max - min);
    let mid = from;
    for (let i = from; i < to; i++) {
      const row = rows[i]!;
      if (row[feature]! < split) {
        rows[i] = rows[mid]!;
        rows[mid++] = row;
      }
    }
    return { leaf: false, feature, split, left: this.grow(rows, from, mid, depth + 1, limit), right: this.grow(rows, mid, to, depth + 1, limit) };
  }
}

function pathLength(node: Node, row: readonly number[], depth: number): number {
  while (!node.leaf) {
    node = row[node.feature]! < node.split ? node.left : node.right;
    depth++;
  }
  return depth + averagePathLength(node.size);
}
