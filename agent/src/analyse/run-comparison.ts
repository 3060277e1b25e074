import { isIncidentalKey } from '../model/attribute-keys.js';
import { sameValue } from '../model/attribute-values.js';
import type { RunChanges } from '../model/finding.js';
import type { Attributes, AttrValue } from '../model/otlp.js';
import { isFailed, workMs, type Outcome, type RunRecord, type StepRecord } from '../model/workflow.js';
import { enclosingNames } from '../model/step-path.js';
import { formatDuration, round } from './format.js';

/**
 * What changed between a run and a baseline run (usually the last one that went well): status, duration,
 * attributes, and step by step. Steps are matched by name under the same enclosing steps, the n-th of a name
 * with the n-th (a loop of activities), so a step renamed reads as one missing and one added.
 */

export type StepChangeKind = 'failed' | 'slower' | 'waited' | 'added' | 'missing' | 'status' | 'recovered' | 'faster' | 'changed';

/** Most telling first: what failed, then where the time went, then what ran differently. */
const KIND_ORDER: readonly StepChangeKind[] = ['failed', 'slower', 'waited', 'added', 'missing', 'status', 'recovered', 'faster', 'changed'];

/** A duration change counts when it is at least this many milliseconds and this factor either way. */
const MIN_DELTA_MS = 1_000;
const MIN_FACTOR = 1.5;

export interface AttributeChange {
  key: string;
  /** null: absent on that side. */
  from: AttrValue;
  to: AttrValue;
  /** The value changed at least twice over the baseline and the successful runs before it: a host, a revision. */
  varies?: true;
}

/** Successful runs before the baseline that say which attributes vary from run to run anyway. */
export const EARLIER_SUCCESSES = 4;

export interface DownstreamChange {
  added: string[];
  removed: string[];
  /** Called with errors now, without in the baseline. */
  failing: string[];
}

export interface StepChange {
  kind: StepChangeKind;
  name: string;
  /** Names of the enclosing steps, outermost first. */
  path: string[];
  /** The step in the run; absent when missing. */
  step?: StepRecord;
  /** The step in the baseline; absent when added. */
  baseline?: StepRecord;
  attributes: AttributeChange[];
  downstream: DownstreamChange;
}

export interface RunComparison {
  attributes: AttributeChange[];
  /** The most telling first. */
  steps: StepChange[];
  /** Steps found in both runs. */
  stepsCompared: number;
  /** Of a run still running, the outermost steps of the baseline it has not reached yet, in the baseline's order. */
  notReached?: string[];
}

/** `earlier`: successful runs before the baseline (up to EARLIER_SUCCESSES), which mark the attributes that vary. */
export function compareRuns(run: RunRecord, baseline: RunRecord, earlier: readonly RunRecord[] = []): RunComparison {
  const before = new StepPlaces(baseline.steps);
  const now = new StepPlaces(run.steps);
  const ids: RunIds = [ownIds(baseline), ownIds(run)];
  // The earlier runs' steps are placed only once a step's attributes changed: most comparisons never need them.
  let earlierPlaces: StepPlaces[] | undefined;
  const stepHistory = (key: string, old: StepRecord) => {
    earlierPlaces ??= earlier.map((r) => new StepPlaces(r.steps));
    return [old.attributes, ...earlierPlaces.map((p) => p.byKey.get(key)?.attributes).filter((a) => a !== undefined)];
  };
  const matched = new Set<StepRecord>();
  const changes: StepChange[] = [];
  let stepsCompared = 0;
  for (const [key, step] of now.byKey) {
    const old = before.byKey.get(key);
    if (old === undefined) {
      changes.push({ kind: 'added', name: step.name, path: now.pathOf(step), step, attributes: [], downstream: noDownstreamChange() });
      continue;
    }
    matched.add(old);
    stepsCompared++;
    const change = stepChange(old, step, ids, () => stepHistory(key, old));
    if (change) changes.push({ ...change, name: step.name, path: now.pathOf(step) });
  }
  // A running run's steps to come are not missing yet: they are not reached yet.
  const unmatched = [...before.byKey.values()].filter((step) => !matched.has(step));
  if (run.status !== 'running') {
    for (const step of unmatched) changes.push({ kind: 'missing', name: step.name, path: before.pathOf(step), baseline: step, attributes: [], downstream: noDownstreamChange() });
  }
  const attributes = markVarying(attributeChanges(baseline.attributes, run.attributes, ids), [baseline, ...earlier].map((r) => r.attributes));
  const notReached = run.status === 'running' ? unmatched.filter((step) => before.pathOf(step).length === 0).map((step) => step.name) : undefined;
  return { attributes, steps: outermost(changes).sort(bySignificance), stepsCompared, ...(notReached?.length ? { notReached } : {}) };
}

/** `history`: the step's attributes in the baseline and in the earlier successful runs that have it. */
function stepChange(old: StepRecord, step: StepRecord, ids: RunIds, history: () => readonly Attributes[]): Omit<StepChange, 'name' | 'path'> | undefined {
  const changed = attributeChanges(old.attributes, step.attributes, ids);
  const attributes = changed.length > 0 ? markVarying(changed, history()) : changed;
  const downstream = downstreamChange(old, step);
  const differs = attributes.some((a) => !a.varies) || hasDownstreamChange(downstream);
  const kind = changeKind(old, step) ?? (differs ? 'changed' : undefined);
  return kind && { kind, step, baseline: old, attributes, downstream };
}

function changeKind(old: StepRecord, step: StepRecord): StepChangeKind | undefined {
  const wasFailed = isFailed(old.status);
  const failed = isFailed(step.status);
  if (failed && !wasFailed) return 'failed';
  if (wasFailed && !failed) return 'recovered';
  if (old.status !== step.status) return 'status';
  // Its work, not its wait for a worker: a step that only waited longer is not slower, it waited.
  const [was, is] = [workMs(old), workMs(step)];
  if (grew(was, is)) return 'slower';
  if (grew(old.queueMs ?? 0, step.queueMs ?? 0)) return 'waited';
  if (grew(is, was)) return 'faster';
  return undefined;
}

/** Past both MIN_DELTA_MS and MIN_FACTOR. */
function grew(fromMs: number, toMs: number): boolean {
  return toMs - fromMs >= MIN_DELTA_MS && toMs >= fromMs * MIN_FACTOR;
}

/**
 * A run's steps, each under a key naming its place: the enclosing steps' names, its name, and which of that name it
 * is there (by start). Places are worked out once per step, from its parent's: runs can hold 20,000 steps.
 */
class StepPlaces {
  readonly byKey = new Map<string, StepRecord>();
  private readonly byId: Map<string, StepRecord>;

  constructor(steps: readonly StepRecord[]) {
    this.byId = new Map(steps.map((s) => [s.id, s]));
    const places = new Map<string, string>();
    const placeOf = (step: StepRecord): string => {
      let place = places.get(step.id);
      if (place === undefined) {
        places.set(step.id, step.name); // until its parents' place is known: a cycle of parents ends here
        const parent = step.parentId === undefined ? undefined : this.byId.get(step.parentId);
        place = parent ? `${placeOf(parent)}\u0000${step.name}` : step.name;
        places.set(step.id, place);
      }
      return place;
    };
    const seen = new Map<string, number>();
    // Steps of one name started together (a fan-out) are taken shortest first: their span ids are random.
    for (const step of [...steps].sort((a, b) => a.startMs - b.startMs || a.durationMs - b.durationMs || (a.id < b.id ? -1 : 1))) {
      const place = placeOf(step);
      const nth = seen.get(place) ?? 0;
      seen.set(place, nth + 1);
      this.byKey.set(`${place}#${nth}`, step);
    }
  }

  /** Names of the enclosing steps, outermost first. */
  pathOf(step: StepRecord): string[] {
    return enclosingNames(step, (id) => this.byId.get(id));
  }
}

/** A step added or missing with its enclosing step is listed once, as the enclosing step. */
function outermost(changes: StepChange[]): StepChange[] {
  const whole = new Set<string>();
  for (const c of changes) if (c.kind === 'added' || c.kind === 'missing') whole.add(`${c.kind}:${c.step?.id ?? c.baseline!.id}`);
  return changes.filter((c) => {
    if (c.kind !== 'added' && c.kind !== 'missing') return true;
    const parentId = (c.step ?? c.baseline)!.parentId;
    return parentId === undefined || !whole.has(`${c.kind}:${parentId}`);
  });
}

function bySignificance(a: StepChange, b: StepChange): number {
  return KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || Math.abs(deltaOf(b)) - Math.abs(deltaOf(a)) || startOf(a) - startOf(b);
}

const deltaOf = (c: StepChange) => (c.step && c.baseline ? measuredMs(c.kind, c.step) - measuredMs(c.kind, c.baseline) : (c.step ?? c.baseline)!.durationMs);

/** What a step's change is measured by: its work when it got slower or faster, its wait when it waited, else its time. */
export function measuredMs(kind: StepChangeKind, step: StepRecord): number {
  return kind === 'slower' || kind === 'faster' ? workMs(step) : kind === 'waited' ? (step.queueMs ?? 0) : step.durationMs;
}
const startOf = (c: StepChange) => (c.step ?? c.baseline)!.startMs;

/** The two runs' own ids (runner's run id, trace id), the baseline's first. */
type RunIds = readonly [readonly string[], readonly string[]];

/** Shorter ids (a build number such as 380) could turn up inside a version or a count by chance. */
const MIN_ID_LENGTH = 6;

const ownIds = (run: RunRecord) => [run.runId, run.traceId].filter((id) => id.length >= MIN_ID_LENGTH);

/**
 * Whether two values say the same but for each run's own ids, as ids derived from them do whatever their key
 * (Temporal's workflow id `payments-sync-380` of run `380`, a job name ending in the run id): a release or an image
 * digest never embeds the run id, so its changes stay.
 */
function sameButIds(a: AttrValue, b: AttrValue, [idsA, idsB]: RunIds): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const masked = (value: string, ids: readonly string[]) => ids.reduce((v, id) => v.replaceAll(id, '\u0000'), value);
  const [x, y] = [masked(a, idsA), masked(b, idsB)];
  return x === y && x !== a;
}

/**
 * Keys whose value differs, appeared or went; ids, times, URLs and outcome fields left out: keys that name them, and
 * values that differ only by the runs' own ids (`ids`, the baseline's first).
 */
export function attributeChanges(from: Attributes, to: Attributes, ids: RunIds = [[], []]): AttributeChange[] {
  const changes: AttributeChange[] = [];
  for (const key of new Set([...Object.keys(from), ...Object.keys(to)])) {
    if (isIncidentalKey(key)) continue;
    const a = Object.hasOwn(from, key) ? from[key]! : null;
    const b = Object.hasOwn(to, key) ? to[key]! : null;
    if (!sameValue(a, b) && !sameButIds(a, b, ids)) changes.push({ key, from: a, to: b });
  }
  return changes.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
}

/**
 * Marks the changes whose key changed value at least twice along `history` (the baseline's attributes, then the
 * earlier successful runs'), and lists them last: what held steady until this run comes first (a release, an image).
 */
function markVarying(changes: AttributeChange[], history: readonly Attributes[]): AttributeChange[] {
  for (const change of changes) {
    let times = 0;
    for (let i = 1; i < history.length; i++) if (!sameValue(history[i - 1]![change.key] ?? null, history[i]![change.key] ?? null)) times++;
    if (times >= 2) change.varies = true;
  }
  return changes.sort((a, b) => Number(a.varies ?? false) - Number(b.varies ?? false));
}

function downstreamChange(old: StepRecord, step: StepRecord): DownstreamChange {
  const before = new Map(old.downstream.map((d) => [d.name, d]));
  const now = new Set(step.downstream.map((d) => d.name));
  return {
    added: step.downstream.filter((d) => !before.has(d.name)).map((d) => d.name),
    removed: old.downstream.filter((d) => !now.has(d.name)).map((d) => d.name),
    failing: step.downstream.filter((d) => d.errors > 0 && !(before.get(d.name)?.errors ?? 0)).map((d) => d.name),
  };
}

const noDownstreamChange = (): DownstreamChange => ({ added: [], removed: [], failing: [] });
const hasDownstreamChange = (d: DownstreamChange) => d.added.length + d.removed.length + d.failing.length > 0;

/** Up to `count` successful runs that started before `run`, newest first, among runs oldest first. */
export function successesBefore(runs: readonly RunRecord[], run: RunRecord, count: number): RunRecord[] {
  const found: RunRecord[] = [];
  for (let i = runs.length - 1; i >= 0 && found.length < count; i--) {
    const r = runs[i]!;
    if (r.status === 'success' && r.startMs < run.startMs) found.push(r);
  }
  return found;
}

/** `run` against the last successful run before it, among runs oldest first; undefined when there is none. */
export function compareWithLastSuccess(runs: readonly RunRecord[], run: RunRecord): { baseline: RunRecord; comparison: RunComparison } | undefined {
  const [baseline, ...earlier] = successesBefore(runs, run, 1 + EARLIER_SUCCESSES);
  return baseline && { baseline, comparison: compareRuns(run, baseline, earlier) };
}

/** A finding's evidence names the few most telling changes; the run comparison has them all. */
const FINDING_CHANGE_LINES = 5;

/** For a finding's evidence: what changed from the last successful run before `run` (runs oldest first). */
export function changesBefore(runs: readonly RunRecord[], run: RunRecord): RunChanges | undefined {
  const compared = compareWithLastSuccess(runs, run);
  return compared && changesOf(compared.comparison, run, compared.baseline);
}

/** For a finding's evidence: how `run` differs from `baseline`, in a few sentences. */
export function changesOf(comparison: RunComparison, run: RunRecord, baseline: RunRecord): RunChanges {
  return { runId: run.id, baselineRunId: baseline.id, lines: describeComparison(comparison, FINDING_CHANGE_LINES) };
}

/** How many changes `describeComparison` tells of, before it cuts them short. */
export function changeCount(comparison: RunComparison): number {
  return (comparison.notReached ? 1 : 0) + steadyChanges(comparison).length + comparison.steps.length;
}

// Attributes that vary from run to run anyway (hosts, shards) would crowd out what matters.
const steadyChanges = (comparison: RunComparison) => comparison.attributes.filter((a) => !a.varies);

/** The most telling changes as sentences, for a finding's evidence and a troubleshooting session. */
export function describeComparison(comparison: RunComparison, max = 8): string[] {
  const lines = comparison.notReached ? [`still running: not yet at ${comparison.notReached.map((name) => `step \`${name}\``).join(', ')}`] : [];
  lines.push(...steadyChanges(comparison).map((a) => `\`${a.key}\`: ${shown(a.from)} → ${shown(a.to)}`));
  lines.push(...comparison.steps.map(describeStep));
  return lines.length > max ? [...lines.slice(0, max - 1), `and ${lines.length - max + 1} more changes`] : lines;
}

function describeStep({ kind, name, path, step, baseline, attributes, downstream }: StepChange): string {
  const label = `step \`${[...path, name].join(' › ')}\``;
  const error = step && errorText(step);
  switch (kind) {
    case 'failed':
      return `${label} failed${error ? `: ${error}` : ''}${downstream.failing.length ? ` (calls to ${downstream.failing.join(', ')} failing)` : ''}`;
    case 'recovered':
      return `${label} no longer fails`;
    case 'slower':
    case 'faster':
      return `${label}: ${change(measuredMs(kind, baseline!), measuredMs(kind, step!))}`;
    case 'waited':
      return `${label} waited ${change(measuredMs(kind, baseline!), measuredMs(kind, step!))} for a worker`;
    case 'added':
      return `${label} ran, and did not before`;
    case 'missing':
      return `${label} did not run`;
    case 'status':
      return `${label}: ${baseline!.status} → ${step!.status}`;
    case 'changed':
      return `${label}: ${[
        ...attributes.filter((a) => !a.varies).map((a) => `\`${a.key}\` ${shown(a.from)} → ${shown(a.to)}`),
        ...downstream.added.map((d) => `calls ${d}`),
        ...downstream.removed.map((d) => `no longer calls ${d}`),
        ...downstream.failing.map((d) => `calls to ${d} failing`),
      ].join('; ')}`;
  }
}

const change = (fromMs: number, toMs: number) => `${formatDuration(fromMs)} → ${formatDuration(toMs)}${fromMs > 0 ? ` (${round(toMs / fromMs, 1)}×)` : ''}`;

const shown = (value: AttrValue) => (value === null ? '(absent)' : typeof value === 'string' ? value : JSON.stringify(value));

/** "Type: message", or the message alone when it already starts with its type. */
export function errorText({ errorType: type, errorMessage: message }: Outcome): string | undefined {
  if (!message) return type;
  // A message that names its type already ("container train killed: OOMKilled") needs it no second time.
  return type && !namesWord(message, type) ? `${type}: ${message}` : message;
}

/** Whether `text` holds `word` on its own, not inside a longer word ("Timeout" is not in "TimeoutError"). */
function namesWord(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    const before = text[at - 1];
    const after = text[at + word.length];
    if ((before === undefined || !/\w/.test(before)) && (after === undefined || !/\w/.test(after))) return true;
  }
  return false;
}
