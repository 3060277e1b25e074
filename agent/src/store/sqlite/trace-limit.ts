import type { OtlpSpan } from '../../model/otlp.js';
import { TraceSpanIds } from './trace-span-ids.js';

/** Spans a trace may take past its limit, if each is a root or fills a gap in the trace's tree. */
const PAST_LIMIT = 100;

/**
 * Whether a trace holding `ids` may take `span` under a limit of `maxSpans`. A run's span usually ends last: as
 * the trace's root (most runners), or under a client's span, the parent of the steps sent before it (Temporal's
 * `RunWorkflow`). Taken past the limit, it still finishes a run whose other spans filled the trace, while a
 * sender of endless roots stays bounded.
 */
export function hasRoomFor(span: OtlpSpan, ids: TraceSpanIds, maxSpans: number): boolean {
  const held = ids.size;
  if (held < maxSpans) return true;
  return held < maxSpans + PAST_LIMIT && (span.parentSpanId === '' || ids.awaits(span.spanId));
}

/** A trace's spans not stored yet: those to store, and those past the trace's limit, refused. */
export interface FreshSpans {
  fresh: OtlpSpan[];
  refused: OtlpSpan[];
}

const NONE_REFUSED: OtlpSpan[] = [];

/** `fresh` (spans not stored yet, in arrival order) split into those a trace holding `stored` takes and those refused. */
export function withinLimit(fresh: OtlpSpan[], stored: readonly OtlpSpan[], maxSpans: number): FreshSpans {
  if (stored.length + fresh.length <= maxSpans) return { fresh, refused: NONE_REFUSED };
  const ids = TraceSpanIds.of(stored);
  const taken: OtlpSpan[] = [];
  const refused: OtlpSpan[] = [];
  for (const span of fresh) {
    if (hasRoomFor(span, ids, maxSpans)) {
      taken.push(span);
      ids.add(span);
    } else {
      refused.push(span);
    }
  }
  return { fresh: taken, refused };
}
