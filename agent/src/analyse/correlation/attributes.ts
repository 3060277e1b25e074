import type { AttrValue } from '../../model/otlp.js';
import { isIncidentalKey } from '../../model/attribute-keys.js';
import { isFailed, type RunRecord } from '../../model/workflow.js';
import { originStep } from '../context.js';

/**
 * A run as a set of `key=value` items: resource and span attributes of the run and its steps, plus the downstream
 * services it called (`downstream`), those that answered with errors (`downstream.error`) and those the failing step
 * called (`downstream.failing`). Ids, times and URLs
 * are left out: they are unique per run and explain nothing.
 */
export type Item = string;

const cache = new WeakMap<RunRecord, Item[]>();

export function itemKey(item: Item): string {
  return item.slice(0, item.indexOf('='));
}

export function itemValue(item: Item): string {
  return item.slice(item.indexOf('=') + 1);
}

/**
 * Items made before, by key then value (null: a key that explains nothing). Most of a run's items are the
 * previous run's: made once, the strings are not made again, and a string met again keeps the hash the tallies'
 * maps look it up by. Started over past MAX_INTERNED entries, so unbounded values cannot hold memory.
 */
const interned = new Map<string, Map<string | number | boolean, Item> | null>();
const MAX_INTERNED = 50_000;
let internedCount = 0;

function add(items: Set<Item>, key: string, value: AttrValue): void {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return;
  let values = interned.get(key);
  if (values === undefined) {
    if (internedCount >= MAX_INTERNED) {
      interned.clear();
      internedCount = 0;
    }
    values = isIncidentalKey(key) ? null : new Map();
    interned.set(key, values);
    internedCount++;
  }
  if (values === null) return;
  let item = values.get(value);
  if (item === undefined) {
    item = `${key}=${value}`;
    values.set(value, item);
    internedCount++;
  }
  items.add(item);
}

export function runItems(run: RunRecord): Item[] {
  let items = cache.get(run);
  if (!items) {
    const set = new Set<Item>();
    for (const [k, v] of Object.entries(run.attributes)) add(set, k, v);
    for (const step of run.steps) {
      for (const [k, v] of Object.entries(step.attributes)) add(set, k, v);
      for (const d of step.downstream) {
        set.add(`downstream=${d.name}`);
        if (d.errors > 0) set.add(`downstream.error=${d.name}`);
      }
    }
    // What the failing step called, errors recorded or not: some runners mark only the step, not the client span.
    // Only failed runs carry it, so correlation takes it as a cause only with more evidence (see `explain`).
    if (isFailed(run.status)) for (const d of originStep(run)?.downstream ?? []) set.add(`downstream.failing=${d.name}`);
    items = [...set];
    cache.set(run, items);
  }
  return items;
}
