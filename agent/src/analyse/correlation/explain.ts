import type { Category } from '../../model/finding.js';
import type { RunRecord } from '../../model/workflow.js';
import { failureOf } from '../context.js';
import { isHostKey } from '../host-keys.js';
import { evenSample, tooCleanForRate } from '../stats.js';
import { itemKey, itemValue, runItems } from './attributes.js';

/** One attribute value that sets the bad runs apart, scored as TraceRCA and BubbleUp do. */
export interface Explanation {
  key: string;
  value: string;
  /** P(value | bad). */
  support: number;
  /** P(bad | value). */
  confidence: number;
  /** TraceRCA's Jaccard index 1 / (1/s + 1/c − 1). */
  jaccard: number;
  /** BubbleUp: P(value | bad) − P(value | rest). */
  difference: number;
  badWith: number;
  /** Event time the value was first seen in the workflow's runs. */
  firstSeenMs: number;
  /** The value (a release, a revision) first appeared shortly before the problem began. */
  changedAtOnset: boolean;
}

export interface ExplainOptions {
  minSupport: number;
  minJaccard: number;
  minAffected: number;
  /** When the problem began; enables the change-at-onset check. */
  onsetMs?: number;
}

/** Keys whose new value can be a change that caused a problem (Airflow's `dag_hash`: the DAG's code changed). */
export const CHANGE_KEY = /version|revision|image|commit|release|dag_hash/i;
/** Tie-break order when several keys explain equally well: the most actionable first. */
const KEY_PRIORITY = ['downstream.error', 'downstream.failing', 'service.version', 'tenant', 'host.name', 'vcs.ref.head.revision', 'k8s.node.name'];
/**
 * A key is an id in disguise when its values barely repeat: more of them than half the runs carrying it. Up to this
 * many values it is kept whatever the runs (a value must fail several runs to explain anything), so a handful of
 * runs with a few tenants is not mistaken for ids; a fleet of hundreds of hosts or tenants is kept when they repeat.
 */
const MIN_ID_VALUES = 50;
/** What the failing step called: only failed runs carry it, so by itself it would always look like the cause. */
const FAILING_CALL = 'downstream.failing';
/** A new value may run clean this many times before the problem's estimated onset and still count as its start. */
const MAX_RUNS_BEFORE_ONSET = 5;
/** A value that began at the onset and this share of the bad runs carry began the problem, however many runs on it pass. */
const BEGAN_SUPPORT = 0.9;
/** A value this share of the runs since the onset carry is what runs carry now. */
const CURRENT_SHARE = 0.9;
const MAX_GOOD_SAMPLE = 1500;

function priority(key: string): number {
  const i = KEY_PRIORITY.indexOf(key);
  return i < 0 ? KEY_PRIORITY.length : i;
}

interface KeyTally {
  values: number;
  runs: number;
  lastRun: RunRecord | undefined;
}

interface ItemTally {
  key: KeyTally;
  name: string;
  bad: number;
  /** Bad runs whose error names the value (counted for what the failing step called). */
  named: number;
  total: number;
  firstSeenMs: number;
  /** For a key whose new value can be a change: the start of each run carrying it, the bad ones first. */
  starts: number[] | undefined;
}

interface Counts {
  items: Map<string, ItemTally>;
  runs: number;
  badTotal: number;
  firstStartMs: number;
  /** What a good run of the sample stands for. */
  weight: number;
}

/**
 * The bad runs among `runs` (oldest first) and the attribute values they and the good ones carry, counted at the
 * first `explain` and kept: a problem dated from several onsets over the same runs is counted once. Keys whose
 * values barely repeat are ids and are skipped. What the failing step called explains only when it confirms a call
 * that explains by itself (`downstream`, `downstream.error`, carried by good runs too), or for the failures whose
 * error names the service.
 */
export class Tally {
  private counts: Counts | undefined;

  constructor(
    private readonly runs: readonly RunRecord[],
    readonly isBad: (run: RunRecord) => boolean,
  ) {}

  /** The explanations that pass the thresholds, best first. */
  explain(options: ExplainOptions): Explanation[] {
    const { items, runs, badTotal, firstStartMs, weight } = (this.counts ??= this.count());
    let since: number | undefined;
    const runsSince = (onsetMs: number) => {
      if (since === undefined) {
        const first = this.runs.findIndex((r) => r.startMs >= onsetMs);
        since = first < 0 ? 0 : this.runs.length - first;
      }
      return since;
    };
    const goodTotal = runs - badTotal;
    // Without good runs to contrast with, every attribute of the bad runs would look like a cause.
    if (badTotal === 0 || goodTotal < options.minAffected) return [];
    const score = (item: string, c: ItemTally, badWith: number): Explanation | undefined => {
      if (badWith < options.minAffected || c.key.values > Math.max(MIN_ID_VALUES, c.key.runs / 2)) return undefined;
      const support = badWith / badTotal;
      const confidence = badWith / c.total;
      const jaccard = 1 / (1 / support + 1 / confidence - 1);
      const difference = support - (goodTotal > 0 ? (c.total - c.bad) / goodTotal : 0);
      if (support < options.minSupport || difference < 0.3) return undefined;
      // A value new in the window "began" the problem when it ran clean before the onset no longer than chance
      // allows. One that did not, but that nearly every run since carries, is only what runs carry now: it splits
      // the bad runs from the good by their time alone, and says nothing of the problem.
      const sinceOnset =
        options.onsetMs !== undefined && c.starts !== undefined && c.firstSeenMs > firstStartMs ? aroundOnset(c.starts, c.bad, options.onsetMs, weight) : undefined;
      const changedAtOnset = sinceOnset !== undefined && beganAtOnset(sinceOnset);
      // Most runs of a release failing one run in three pass, which keeps its Jaccard low; that it began at the
      // onset and nearly every bad run is on it still makes it the problem's start.
      if (jaccard < options.minJaccard && !(changedAtOnset && support >= BEGAN_SUPPORT)) return undefined;
      if (sinceOnset && !changedAtOnset && isCurrent(sinceOnset.carriers, runsSince(options.onsetMs!))) return undefined;
      return { key: c.name, value: itemValue(item), support, confidence, jaccard, difference, badWith, firstSeenMs: c.firstSeenMs, changedAtOnset };
    };
    const out: Explanation[] = [];
    for (const [item, c] of items) {
      const e = c.name === FAILING_CALL ? undefined : score(item, c, c.bad);
      if (e) out.push(e);
    }
    const calls = new Set(out.filter((e) => e.key.startsWith('downstream')).map((e) => e.value));
    for (const [item, c] of items) {
      if (c.name !== FAILING_CALL) continue;
      const e = score(item, c, calls.has(itemValue(item)) ? c.bad : c.named);
      if (e) out.push(e);
    }
    return out.sort((a, b) => b.jaccard - a.jaccard || b.difference - a.difference || priority(a.key) - priority(b.key) || (a.key < b.key ? -1 : 1));
  }

  private count(): Counts {
    const items = new Map<string, ItemTally>();
    const keys = new Map<string, KeyTally>();
    const bad = this.runs.filter(this.isBad);
    const good = this.runs.filter((r) => !this.isBad(r));
    // Good runs are subsampled evenly (keeping time order) and weighted back up: the cost stays bounded
    // however long the history, and confidence keeps its meaning.
    const sample = evenSample(good, MAX_GOOD_SAMPLE);
    const weight = sample.length ? good.length / sample.length : 1;
    const tally = (run: RunRecord, isBadRun: boolean) => {
      let error: string | undefined;
      for (const item of runItems(run)) {
        let c = items.get(item);
        if (!c) {
          const name = itemKey(item);
          let key = keys.get(name);
          if (!key) keys.set(name, (key = { values: 0, runs: 0, lastRun: undefined }));
          key.values++;
          items.set(item, (c = { key, name, bad: 0, named: 0, total: 0, firstSeenMs: run.startMs, starts: CHANGE_KEY.test(name) ? [] : undefined }));
        } else if (run.startMs < c.firstSeenMs) {
          c.firstSeenMs = run.startMs;
        }
        if (c.key.lastRun !== run) {
          c.key.lastRun = run;
          c.key.runs++;
        }
        c.total += isBadRun ? 1 : weight;
        if (isBadRun) {
          c.bad++;
          if (c.name === FAILING_CALL && (error ??= failureOf(run).message.toLowerCase()).includes(itemValue(item).toLowerCase())) c.named++;
        }
        c.starts?.push(run.startMs);
      }
    };
    for (const run of bad) tally(run, true);
    for (const run of sample) tally(run, false);
    return { items, runs: this.runs.length, badTotal: bad.length, firstStartMs: this.runs[0]?.startMs ?? 0, weight };
  }
}

/** Whether a value's runs since the onset are nearly all the runs since (some there are). */
function isCurrent(carriers: number, runsSince: number): boolean {
  return runsSince > 0 && carriers >= CURRENT_SHARE * runsSince;
}

/** A new value's runs around the onset: the clean ones before it, and the runs and bad runs since. */
interface AroundOnset {
  cleanBefore: number;
  carriers: number;
  bad: number;
  /** Bad runs starting at the onset itself: a failure's onset is its first bad run, which says nothing of its rate. */
  badAtOnset: number;
}

/** From the `starts` of a value's runs (the first `bad` of them bad runs, each good run of the sample standing for `weight`). */
function aroundOnset(starts: readonly number[], bad: number, onsetMs: number, weight: number): AroundOnset {
  const around: AroundOnset = { cleanBefore: 0, carriers: 0, bad: 0, badAtOnset: 0 };
  for (let i = 0; i < starts.length; i++) {
    const isBad = i < bad;
    if (starts[i]! < onsetMs) around.cleanBefore += isBad ? 0 : weight;
    else {
      around.carriers += isBad ? 1 : weight;
      around.bad += isBad ? 1 : 0;
      around.badAtOnset += isBad && starts[i] === onsetMs ? 1 : 0;
    }
  }
  return around;
}

/**
 * Whether a new value's clean runs before the onset leave it the start of the problem: they are a few (the onset is
 * an estimate), or no more than its rate of bad runs since would give in a row one time in twenty (a release failing
 * one run in five may well run clean ten times first; one making every run slow, not ten).
 */
function beganAtOnset({ cleanBefore, carriers, bad, badAtOnset }: AroundOnset): boolean {
  if (cleanBefore <= MAX_RUNS_BEFORE_ONSET) return true;
  const rate = carriers > badAtOnset ? (bad - badAtOnset) / (carriers - badAtOnset) : 0;
  return rate > 0 && rate < 1 && !tooCleanForRate(cleanBefore, rate);
}

/** Ranks attribute values by how well they explain the bad runs among `runs` (oldest first), as a `Tally` does. */
export function explain(runs: readonly RunRecord[], isBad: (run: RunRecord) => boolean, options: ExplainOptions): Explanation[] {
  return new Tally(runs, isBad).explain(options);
}

/**
 * What explains the bad runs of a problem that began at `options.onsetMs`: within its period an attribute that
 * splits bad from good shows (a tenant, a host); over the whole window a value that only exists since the onset
 * shows (a release). The leading explanations of both, one per attribute value. `whole`: the whole window's runs
 * tallied, kept when several onsets of one problem are explained.
 */
export function explainSinceOnset(sinceOnset: readonly RunRecord[], whole: Tally, options: ExplainOptions): Explanation[] {
  const ranked = [...explain(sinceOnset, whole.isBad, options), ...whole.explain(options)].sort((a, b) => b.jaccard - a.jaccard);
  return leadingExplanations(dedupeByItem(ranked));
}

/** One explanation per attribute value; it began with the problem if either population says so. */
function dedupeByItem(list: Explanation[]): Explanation[] {
  const byItem = new Map<string, Explanation>();
  for (const e of list) {
    const item = `${e.key}=${e.value}`;
    const seen = byItem.get(item);
    if (!seen) byItem.set(item, { ...e });
    else seen.changedAtOnset ||= e.changedAtOnset;
  }
  return [...byItem.values()];
}

/** The best explanation and those nearly as good (several keys often carry the same fact, e.g. host and node). */
export function leadingExplanations(ranked: readonly Explanation[]): Explanation[] {
  const top = ranked[0];
  if (!top) return [];
  return ranked
    .filter((e) => e.jaccard >= top.jaccard - 0.05)
    .sort((a, b) => priority(a.key) - priority(b.key) || b.jaccard - a.jaccard)
    .slice(0, 3);
}

const phrases: [RegExp, (v: string) => string][] = [
  [/^downstream\.error$/, (v) => `when calls to \`${v}\` fail`],
  [/^downstream$/, (v) => `when calling \`${v}\``],
  [/^downstream\.failing$/, (v) => `in calls to \`${v}\``],
  [/^ci\.pipeline\.agent\.(id|name)$/, (v) => `on agent \`${v}\``],
  [/^cicd\.(pipeline\.)?worker\.(id|name)$/, (v) => `on worker \`${v}\``],
  [/^(host\.name|k8s\.node\.name|airflow\.task\.hostname)$/, (v) => `on host \`${v}\``],
  [/^tenant(\.id|\.name)?$/, (v) => `for tenant \`${v}\``],
];

/** How a title says where a problem concentrates: "on host `worker-3`", "for tenant `globex`", "when service.version=2.4.0". */
export function describeExplanation(e: Pick<Explanation, 'key' | 'value'>): string {
  const phrase = phrases.find(([re]) => re.test(e.key));
  return phrase ? phrase[1](e.value) : `when ${e.key}=${e.value}`;
}

/** What an attribute implies when the error text itself names no category. */
const categoryByKey: [(key: string) => boolean, Category][] = [
  [(key) => key.startsWith('downstream'), 'external_service'],
  [(key) => isHostKey(key) || /host|node/.test(key), 'resource'],
  [(key) => CHANGE_KEY.test(key), 'logic'],
  [(key) => /tenant|customer|account/.test(key), 'data'],
];

export function categoryOfKey(key: string): Category | undefined {
  return categoryByKey.find(([matches]) => matches(key))?.[1];
}
