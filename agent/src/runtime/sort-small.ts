/** Up to this many items, an insertion sort; past it, the items' own `sort`. */
const INSERTION_MAX = 32;

/** An array or a typed array. */
interface Sortable<T> {
  length: number;
  [index: number]: T;
  sort(compare?: (a: T, b: T) => number): unknown;
}

const ascending = (a: number, b: number) => a - b;

/**
 * Sorts `items` in place by `compare` and returns them. `Array.prototype.sort` allocates its merge state (about
 * 1.5 KB) on every call of two items or more, and calls back through a generic path: for the few items of a
 * span's children or of a workflow's durations, sorted thousands of times per request, an insertion sort is
 * 2–6× faster and allocates nothing.
 */
export function sortSmall<T>(items: T[], compare: (a: T, b: T) => number): T[];
/**
 * A typed array in ascending order. Past the insertion sort's limit, its own sort without a comparator, which
 * stays native: 2.5× faster than with one for a workflow's 100 durations.
 */
export function sortSmall(items: Float64Array): Float64Array;
export function sortSmall<T>(items: Sortable<T>, compare?: (a: T, b: T) => number): Sortable<T> {
  if (items.length > INSERTION_MAX) {
    items.sort(compare);
    return items;
  }
  const order = compare ?? (ascending as unknown as (a: T, b: T) => number);
  for (let i = 1; i < items.length; i++) {
    const item = items[i]!;
    let j = i - 1;
    for (; j >= 0 && order(items[j]!, item) > 0; j--) items[j + 1] = items[j]!;
    items[j + 1] = item;
  }
  return items;
}
