import type { AttrValue } from './otlp.js';

/** Whether two attribute values are the same, arrays and maps compared by content. */
export function sameValue(a: AttrValue, b: AttrValue): boolean {
  return a === b || (typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b));
}
