import type { OtlpSpan } from '../model/otlp.js';
import { text } from './attributes.js';

export interface ErrorInfo {
  type?: string;
  message?: string;
}

/** A span's own error: its last exception event, else its status message, else `error.type`. */
export function spanError(span: OtlpSpan): ErrorInfo | undefined {
  for (let i = span.events.length - 1; i >= 0; i--) {
    const event = span.events[i]!;
    if (event.name !== 'exception') continue;
    const type = stringOf(event.attributes['exception.type']);
    const message = stringOf(event.attributes['exception.message']);
    if (type !== undefined || message !== undefined) return { type, message };
  }
  const errorType = text(span, 'error.type');
  if (span.statusMessage !== '') return { type: errorType, message: span.statusMessage };
  return errorType !== undefined ? { type: errorType } : undefined;
}

export function hasException(span: OtlpSpan): boolean {
  for (const event of span.events) if (event.name === 'exception') return true;
  return false;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
