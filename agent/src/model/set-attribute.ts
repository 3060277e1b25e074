import type { Attributes, AttrValue } from './otlp.js';

/**
 * `target[key] = value`, but a key named `__proto__` becomes an own property: plain assignment would drop it,
 * or, with an object value, replace the attributes' prototype.
 */
export function setAttribute(target: Attributes, key: string, value: AttrValue): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
