import type { AttrValue } from '../../model/otlp.js';
import { capValue } from './limits.js';

/** A log body as text: strings as they are, an absent body as '', any other value as JSON, cut as a string is. */
export function bodyText(value: AttrValue | undefined): string {
  if (typeof value === 'string') return value;
  return value === null || value === undefined ? '' : capValue(JSON.stringify(value));
}
