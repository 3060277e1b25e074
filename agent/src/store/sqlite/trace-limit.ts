import type { OtlpSpan } from '../../model/otlp.js';

/**
 * Root spans a trace may take past its limit. Most runners' run span is the trace's root and ends last: taken,
 * it still finishes a run whose other spans filled the trace, while a sender of endless roots stays bounded.
 */
const ROOTS_PAST_LIMIT = 100;

/** Whether a trace holding `held` spans may take `span` under a limit of `maxSpans`. */
export function hasRoomFor(span: OtlpSpan, held: number, maxSpans: number): boolean {
  return held < (span.parentSpanId === '' ? maxSpans + ROOTS_PAST_LIMIT : maxSpans);
}

/** A trace's spans not stored yet: those to store, and those past the trace's limit, refused. */
export interface FreshSpans {
  fresh: OtlpSpan[];
  refused: OtlpSpan[];
}

const NONE_REFUSED: OtlpSpan[] = [];

/** `fresh` (spans not stored yet, in arrival order) split into those a trace holding `held` spans takes and those refused. */
export function withinLimit(fresh: OtlpSpan[], held: number, maxSpans: number): FreshSpans {
  if (held + fresh.length <= maxSpans) return { fresh, refused: NONE_REFUSED };
  const taken: OtlpSpan[] = [];
  const refused: OtlpSpan[] = [];
  for (const span of fresh) {
    if (hasRoomFor(span, held + taken.length, maxSpans)) taken.push(span);
    else refused.push(span);
  }
  return { fresh: taken, refused };
}
