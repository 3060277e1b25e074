import type { OtlpSpan } from '../../model/otlp.js';

/**
 * The ids of a trace's spans, and the parents its spans name that it lacks. A span the trace awaits fills a gap
 * in its tree: Temporal's `RunWorkflow` span, sent when the workflow ends, is the parent of every activity sent
 * before it.
 */
export class TraceSpanIds {
  private readonly ids = new Set<string>();
  private readonly awaited = new Set<string>();

  static of(spans: Iterable<OtlpSpan>): TraceSpanIds {
    const ids = new TraceSpanIds();
    for (const span of spans) ids.add(span);
    return ids;
  }

  /** Spans the trace holds. */
  get size(): number {
    return this.ids.size;
  }

  /** Ids kept, the awaited parents' included: what memory bounds count. */
  get entries(): number {
    return this.ids.size + this.awaited.size;
  }

  has(spanId: string): boolean {
    return this.ids.has(spanId);
  }

  /** Whether a span of the trace names `spanId` as its parent, and the trace lacks it. */
  awaits(spanId: string): boolean {
    return this.awaited.has(spanId);
  }

  add(span: OtlpSpan): void {
    this.ids.add(span.spanId);
    this.awaited.delete(span.spanId);
    if (span.parentSpanId !== '' && !this.ids.has(span.parentSpanId)) this.awaited.add(span.parentSpanId);
  }
}
