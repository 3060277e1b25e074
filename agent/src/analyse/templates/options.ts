import { DEFAULT_MASK_RULES, type MaskRule } from './masking.js';

export interface MinerOptions {
  /** Most clusters kept; the least recently seen is forgotten beyond it. */
  maxClusters: number;
  /** Share of a cluster's tokens a line must repeat, position by position, to join it (Drain's st). */
  similarity: number;
  /**
   * A token position stays part of the template while it has shown at most this many distinct values (each
   * value then has its own template, like Brain's low-frequency column split); one more and it becomes `<*>`.
   */
  maxValuesPerPosition: number;
  /** The same for the value of a `key=value` pair, which is meant to vary. */
  maxValuesAfterKey: number;
  /** Most templates one cluster holds before its busiest position is generalised. */
  maxTemplatesPerCluster: number;
  /** Tokens of a message considered; the rest of a longer one counts as one variable (bounds memory per cluster). */
  maxTokens: number;
  maskRules: readonly MaskRule[];
}

export const DEFAULT_MINER_OPTIONS: Readonly<MinerOptions> = {
  maxClusters: 10_000,
  similarity: 0.5,
  maxValuesPerPosition: 4,
  maxValuesAfterKey: 2,
  maxTemplatesPerCluster: 64,
  maxTokens: 256,
  maskRules: DEFAULT_MASK_RULES,
};

export function resolveOptions(options: Partial<MinerOptions> = {}): MinerOptions {
  const o = { ...DEFAULT_MINER_OPTIONS, ...options };
  const positiveInt = (name: keyof MinerOptions, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  };
  positiveInt('maxClusters', o.maxClusters);
  positiveInt('maxValuesPerPosition', o.maxValuesPerPosition);
  positiveInt('maxValuesAfterKey', o.maxValuesAfterKey);
  positiveInt('maxTemplatesPerCluster', o.maxTemplatesPerCluster);
  positiveInt('maxTokens', o.maxTokens);
  if (!(o.similarity > 0 && o.similarity <= 1)) {
    throw new RangeError(`similarity must be in (0, 1], got ${o.similarity}`);
  }
  return o;
}
