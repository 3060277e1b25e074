import { isIncidentalKey } from '../model/attribute-keys.js';
import { sameValue } from '../model/attribute-values.js';
import type { AttrValue } from '../model/otlp.js';
import { isDecided, isFailed, type RunRecord, type StepRecord } from '../model/workflow.js';

/**
 * When a workflow's runs began to carry another value of an attribute that otherwise holds steady: a release, an
 * image, a region, a config version. "Was there a change?" is the first question when a workflow starts failing;
 * the failure share of the runs on either side says whether it hurt. Attributes that change from run to run
 * anyway (a host, a tenant, a revision per build) say nothing, and are left out. A step's own attributes count too:
 * the workers that run a Temporal workflow's activities, or a job's container, are released apart from the run.
 */

export interface AttributeTransition {
  key: string;
  /** The steps whose attribute changed, when it is theirs rather than the run's (one worker release, many steps). */
  steps?: string[];
  /** null: absent before, or after. */
  from: AttrValue;
  to: AttrValue;
  /** The first run with the new value. */
  run: RunRecord;
  /** Failed ÷ decided runs among up to WINDOW runs on each side (before it; from it until the key changes again). */
  before: { runs: number; failed: number };
  after: { runs: number; failed: number };
}

/** Runs on either side that a transition's failure shares are measured on. */
const WINDOW = 20;
/** A key is steady when it changed value in at most this share of consecutive runs (and at most MIN_TRANSITIONS). */
const MAX_CHANGE_SHARE = 0.1;
const MIN_TRANSITIONS = 3;
/** Transitions listed, newest first. */
const MAX_TRANSITIONS = 20;
/** Steps whose attributes are followed: the most common names, in at least half of the runs (a workflow's shape). */
const MAX_STEP_NAMES = 30;

/** Where a key's value is read: the run's attributes, or those of the first step of a name (undefined: unknown, or no such step). */
interface Series {
  key: string;
  step?: string;
  valueOf(run: RunRecord): AttrValue | undefined;
}

/** `runs`: a workflow's runs, in any order. */
export function attributeTransitions(runs: readonly RunRecord[]): AttributeTransition[] {
  const ordered = [...runs].sort((a, b) => a.startMs - b.startMs || (a.id < b.id ? -1 : 1));
  const found: AttributeTransition[] = [];
  const allowed = Math.max(MIN_TRANSITIONS, Math.floor(MAX_CHANGE_SHARE * ordered.length));
  for (const series of [...runSeries(ordered), ...stepSeries(ordered)]) {
    // Indexes of the runs that carry the series (a step that did not run says nothing), their values (read once:
    // a step's is looked up through its run), and where the value changed.
    const present: number[] = [];
    const values: AttrValue[] = [];
    const at: number[] = [];
    for (let i = 0; i < ordered.length && at.length <= allowed; i++) {
      const value = series.valueOf(ordered[i]!);
      if (value === undefined) continue;
      if (values.length > 0 && !sameValue(values.at(-1)!, value)) at.push(present.length);
      present.push(i);
      values.push(value);
    }
    if (at.length > allowed || (at.length >= 2 && at.length === present.length - 1 && distinctValues(values) === present.length)) continue;
    at.forEach((p, n) => {
      const i = present[p]!;
      const until = n + 1 < at.length ? present[at[n + 1]!]! : ordered.length;
      found.push({
        key: series.key,
        ...(series.step !== undefined && { steps: [series.step] }),
        from: values[p - 1]!,
        to: values[p]!,
        run: ordered[i]!,
        before: failures(ordered.slice(Math.max(0, i - WINDOW), i)),
        after: failures(ordered.slice(i, Math.min(until, i + WINDOW))),
      });
    });
  }
  return mergeSteps(found)
    .sort((a, b) => b.run.startMs - a.run.startMs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || (a.steps ? 1 : 0) - (b.steps ? 1 : 0))
    .slice(0, MAX_TRANSITIONS);
}

function runSeries(ordered: readonly RunRecord[]): Series[] {
  const keys = new Set<string>();
  for (const run of ordered) for (const key in run.attributes) if (!isIncidentalKey(key)) keys.add(key);
  return [...keys].map((key) => ({ key, valueOf: (run) => (Object.hasOwn(run.attributes, key) ? run.attributes[key]! : absent(run)) }));
}

/** A step's attributes where they are its own: the run's, merged into each step, are followed at the run. */
function stepSeries(ordered: readonly RunRecord[]): Series[] {
  const firstOf = new WeakMap<RunRecord, Map<string, StepRecord>>();
  const counts = new Map<string, number>();
  for (const run of ordered) {
    const first = new Map<string, StepRecord>();
    for (const step of run.steps) if (!first.has(step.name)) first.set(step.name, step);
    firstOf.set(run, first);
    for (const name of first.keys()) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const names = [...counts]
    .filter(([, n]) => n * 2 >= ordered.length)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, MAX_STEP_NAMES)
    .map(([name]) => name);
  const series: Series[] = [];
  for (const name of names) {
    const keys = new Set<string>();
    for (const run of ordered) {
      const step = firstOf.get(run)!.get(name);
      if (!step) continue;
      for (const key in step.attributes) if (!isIncidentalKey(key) && !(Object.hasOwn(run.attributes, key) && sameValue(run.attributes[key]!, step.attributes[key]!))) keys.add(key);
    }
    for (const key of keys) {
      series.push({
        key,
        step: name,
        valueOf: (run) => {
          const step = firstOf.get(run)!.get(name);
          return step === undefined ? undefined : Object.hasOwn(step.attributes, key) ? step.attributes[key]! : absent(run);
        },
      });
    }
  }
  return series;
}

/**
 * What a run's missing attribute says: absent (null) once the run has ended; unknown (undefined) while it runs, as
 * its run span, which carries most of them, arrives only when it ends.
 */
function absent(run: RunRecord): null | undefined {
  return run.status === 'running' ? undefined : null;
}

/** One change seen in several steps (one worker release, every activity it runs) is one transition naming them. */
function mergeSteps(found: AttributeTransition[]): AttributeTransition[] {
  const out: AttributeTransition[] = [];
  const byChange = new Map<string, AttributeTransition>();
  for (const t of found) {
    if (t.steps === undefined) {
      out.push(t);
      continue;
    }
    const id = `${t.key}\n${t.run.id}\n${JSON.stringify(t.from)}\n${JSON.stringify(t.to)}`;
    const seen = byChange.get(id);
    if (seen) seen.steps!.push(...t.steps);
    else {
      byChange.set(id, t);
      out.push(t);
    }
  }
  return out;
}

/** A value per run (a pod, a container): too few runs to tell by how often it changed, but it never repeats. */
function distinctValues(values: readonly AttrValue[]): number {
  return new Set(values.map((value) => JSON.stringify(value))).size;
}

/** Among the runs that ended in success or failure, as the success rate counts them. */
function failures(runs: readonly RunRecord[]): { runs: number; failed: number } {
  let decided = 0;
  let failed = 0;
  for (const run of runs) {
    if (!isDecided(run.status)) continue;
    decided++;
    if (isFailed(run.status)) failed++;
  }
  return { runs: decided, failed };
}
