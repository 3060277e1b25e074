import { placeKey, placePath } from '../../model/step-path.js';
import { workMs, type RunRecord } from '../../model/workflow.js';
import { median } from '../stats.js';

/** Where a slower step slowed: the steps enclosing it, and its own figures there when it also runs elsewhere. */
export interface ShiftPlace {
  path: string[];
  figures?: { baselineMs: number; currentMs: number };
}

/** The place that took at least this share of the rise of all places (and of the sum's) is where the step slowed. */
const LEAD_SHARE = 0.8;
/** Runs a place needs on either side of the onset for its medians to say anything. */
const MIN_RUNS = 3;
/**
 * Runs that passed the step read on either side of the onset, the nearest before it and the newest since: a place's
 * medians need no more, and runs can hold 20,000 steps, whose parents are looked up through a map of them.
 */
const SAMPLE_RUNS = 30;

/**
 * Where step `name` slowed at `onsetMs`, by `riseMs` over all its places. Steps of one name run in several places
 * (a matrix's jobs, a Jenkins pipeline's parallel stages) and its series sums them, which dilutes one job's slowdown
 * among the others and names none: the place whose median work rose by most of the rise of all of them (a place new
 * since the onset rising by all its work), itself by `minRatio` at least, is named with its own figures. A step that
 * always runs in one place is named by it; none at the top of its runs, or when the rise is spread.
 */
export function shiftPlace(runs: readonly RunRecord[], name: string, onsetMs: number, riseMs: number, minRatio: number): ShiftPlace | undefined {
  const places = new Map<string, { before: number[]; after: number[] }>();
  const perRun = new Map<string, number>();
  /** The runs from `from` down to `to` that ran the step and passed it, at most SAMPLE_RUNS, into one side. */
  const read = (from: number, to: number, side: 'before' | 'after') => {
    for (let i = from, taken = 0; i >= to && taken < SAMPLE_RUNS; i--) {
      perRun.clear();
      if (!workByPlace(runs[i]!, name, perRun)) continue;
      taken++;
      for (const [place, ms] of perRun) {
        let sides = places.get(place);
        if (!sides) places.set(place, (sides = { before: [], after: [] }));
        sides[side].push(ms);
      }
    }
  };
  const split = runs.findIndex((run) => run.startMs >= onsetMs);
  if (split < 0) return undefined;
  read(split - 1, 0, 'before');
  read(runs.length - 1, split, 'after');
  if (places.size === 1) {
    const path = placePath(places.keys().next().value!);
    return path && { path };
  }
  let total = 0;
  let lead: { place: string; baselineMs: number; currentMs: number } | undefined;
  for (const [place, { before, after }] of places) {
    if (after.length < MIN_RUNS) continue;
    const currentMs = median(after);
    const baselineMs = before.length === 0 ? 0 : median(before);
    if (currentMs <= baselineMs) continue;
    total += currentMs - baselineMs;
    if (before.length < MIN_RUNS) continue;
    if (!lead || currentMs - baselineMs > lead.currentMs - lead.baselineMs) lead = { place, baselineMs, currentMs };
  }
  const path = lead && placePath(lead.place);
  if (!lead || !path || lead.currentMs < minRatio * lead.baselineMs) return undefined;
  if (lead.currentMs - lead.baselineMs < LEAD_SHARE * Math.max(total, riseMs)) return undefined;
  return { path, figures: { baselineMs: lead.baselineMs, currentMs: lead.currentMs } };
}

/**
 * The work of the steps called `name` in `run` by their place, into `into`; false when one of them did not succeed,
 * as the step's series leaves such a run out.
 */
function workByPlace(run: RunRecord, name: string, into: Map<string, number>): boolean {
  for (const step of run.steps) {
    if (step.name !== name) continue;
    if (step.status !== 'success') return false;
    const place = placeKey(run, step);
    into.set(place, (into.get(place) ?? 0) + workMs(step));
  }
  return into.size > 0;
}
