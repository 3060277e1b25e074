import type { RunRecord } from '../../model/workflow.js';
import { median } from '../stats.js';

const MIN_GAPS = 8;
/** Share of gaps that must sit within ±25 % of the median gap for the workflow to count as scheduled. */
const MIN_REGULAR_SHARE = 0.7;

/**
 * The expected interval of a scheduled workflow, learnt from the gaps between run starts (oldest first):
 * the median gap, provided most gaps are close to it. Triggered workflows (pushes, events) have irregular gaps
 * and no cadence. Retries and manual runs shorten a few gaps without moving the median.
 */
export function learnCadence(runs: readonly RunRecord[]): number | undefined {
  const starts = runs.slice(-500).map((r) => r.startMs);
  const gaps: number[] = [];
  for (let i = 1; i < starts.length; i++) if (starts[i]! > starts[i - 1]!) gaps.push(starts[i]! - starts[i - 1]!);
  if (gaps.length < MIN_GAPS) return undefined;
  const typical = median(gaps);
  const regular = gaps.filter((g) => Math.abs(g - typical) <= typical * 0.25).length / gaps.length;
  return regular >= MIN_REGULAR_SHARE ? typical : undefined;
}
