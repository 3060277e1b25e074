import type { OtlpSpan, Rejected } from '../../model/otlp.js';
import { reject } from '../common/rejected.js';

/**
 * 2^63 ns (the year 2262) in whole milliseconds. An end this late for a span that started before it is an int64 or
 * uint64 maximum standing for "not ended" (2^64 - 1 ns reads as the year 2554), not a time. A span that starts
 * later (OTLP/JSON's decimal strings can say the year 3000) is taken as it says.
 */
const INT64_END_MS = Math.floor(2 ** 63 / 1e6);

/** Spans whose end time was made up here: they say nothing of their sender's clock. */
const madeUpEnds = new WeakSet<OtlpSpan>();

/**
 * OTLP requires a start time and an end no earlier than it. A span without a start cannot be placed in time: the
 * problem is returned, and the caller rejects the span. A span with an impossible end (missing, before its start,
 * a maximum value) is kept with its end set to its start, and noted in `adjusted`, which the reply warns about.
 * A sane span costs three comparisons.
 */
export function settleTimes(span: OtlpSpan, adjusted: Rejected): string | undefined {
  const { startMs, endMs } = span;
  if (startMs > 0 && endMs >= startMs && (endMs < INT64_END_MS || startMs >= INT64_END_MS)) return undefined;
  if (startMs === 0) return 'missing or zero (a span must say when it started)';
  const problem = endMs === 0 ? 'end time missing' : endMs < startMs ? 'end time before the start time' : 'end time past the year 2262';
  reject(adjusted, `${problem}, set to the start time`);
  span.endMs = startMs;
  madeUpEnds.add(span);
  return undefined;
}

/** Whether `settleTimes` set the span's end time. */
export function endWasMadeUp(span: OtlpSpan): boolean {
  return madeUpEnds.has(span);
}
