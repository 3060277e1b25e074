import type { OtlpSpan } from '../model/otlp.js';
import type { ErrorInfo } from './errors.js';
import { hasException } from './errors.js';

/** The best candidate so far for where a record's failure started: the deepest failing span with error detail. */
export interface Origin {
  span: OtlpSpan;
  depth: number;
  error: ErrorInfo;
}

export function setError(record: { errorType?: string; errorMessage?: string }, origin: Origin | undefined): void {
  if (origin?.error.type !== undefined) record.errorType = origin.error.type;
  if (origin?.error.message !== undefined) record.errorMessage = origin.error.message;
}

/** Deeper first; then the span with an exception event; then the one that failed first. */
export function deeper(a: Origin, b: Origin): boolean {
  if (a.depth !== b.depth) return a.depth > b.depth;
  const ae = hasException(a.span);
  if (ae !== hasException(b.span)) return ae;
  if (a.span.endMs !== b.span.endMs) return a.span.endMs < b.span.endMs;
  return a.span.spanId < b.span.spanId;
}
