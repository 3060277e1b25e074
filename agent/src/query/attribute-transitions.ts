import { isIncidentalKey } from '../model/attribute-keys.js';
import { sameValue } from '../model/attribute-values.js';
import type { AttrValue } from '../model/otlp.js';
import { isDecided, isFailed, type RunRecord } from '../model/workflow.js';

/**
 * When a workflow's runs began to carry another value of an attribute that otherwise holds steady: a release, an
 * image, a region, a config version. "Was there a change?" is the first question when a workflow starts failing;
 * the failure share of the runs on either side says whether it hurt. Attributes that change from run to run
 * anyway (a host, a tenant, a revision per build) say nothing, and are left out.
 */

export interface AttributeTransition {
  key: string;
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

/** `runs`: a workflow's runs, in any order. */
export function attributeTransitions(runs: readonly RunRecord[]): AttributeTransition[] {
  const ordered = [...runs].sort((a, b) => a.startMs - b.startMs || (a.id < b.id ? -1 : 1));
  const keys = new Set<string>();
  for (const run of ordered) for (const key in run.attributes) if (!isIncidentalKey(key)) keys.add(key);
  const found: AttributeTransition[] = [];
  const allowed = Math.max(MIN_TRANSITIONS, Math.floor(MAX_CHANGE_SHARE * ordered.length));
  for (const key of keys) {
    const at: number[] = [];
    for (let i = 1; i < ordered.length && at.length <= allowed; i++) {
      if (!sameValue(valueOf(ordered[i - 1]!, key), valueOf(ordered[i]!, key))) at.push(i);
    }
    if (at.length > allowed || (at.length >= 2 && at.length === ordered.length - 1 && distinctValues(ordered, key) === ordered.length)) continue;
    at.forEach((i, n) => {
      found.push({
        key,
        from: valueOf(ordered[i - 1]!, key),
        to: valueOf(ordered[i]!, key),
        run: ordered[i]!,
        before: failures(ordered.slice(Math.max(0, i - WINDOW), i)),
        after: failures(ordered.slice(i, Math.min(at[n + 1] ?? ordered.length, i + WINDOW))),
      });
    });
  }
  return found.sort((a, b) => b.run.startMs - a.run.startMs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).slice(0, MAX_TRANSITIONS);
}

/** A value per run (a pod, a container): too few runs to tell by how often it changed, but it never repeats. */
function distinctValues(runs: readonly RunRecord[], key: string): number {
  return new Set(runs.map((run) => JSON.stringify(valueOf(run, key)))).size;
}

const valueOf = (run: RunRecord, key: string): AttrValue => (Object.hasOwn(run.attributes, key) ? run.attributes[key]! : null);

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
