import type { OtlpSpan } from '../../model/otlp.js';

/** Spans kept at most, about a kilobyte each; the traces continued longest ago go first. */
const MAX_SPANS = 10_000;

/**
 * The spans of traces that arrived in more than one part, kept once committed so that the next part need not
 * read and decode them again: a runner exporting a long trace a few spans at a time made every part re-read
 * every earlier one. A trace seen once (most traces: a batch holds them whole) is not kept. Entries staged during
 * a write become visible only when its transaction commits.
 */
export class OpenTraces {
  private readonly traces = new Map<string, OtlpSpan[]>();
  private staged = new Map<string, OtlpSpan[]>();
  private spans = 0;

  get(traceId: string): OtlpSpan[] | undefined {
    return this.traces.get(traceId);
  }

  /** All spans of the trace after this write, to keep if the write commits. */
  stage(traceId: string, spans: OtlpSpan[]): void {
    if (spans.length <= MAX_SPANS) this.staged.set(traceId, spans);
    // Kept as it was, the trace's spans would be taken for all of them by its next part.
    else this.forget(traceId);
  }

  committed(): void {
    for (const [traceId, spans] of this.staged) {
      this.forget(traceId);
      // The request bytes a span came in are needed only to store it, which is done.
      for (const span of spans) span.wire = undefined;
      this.traces.set(traceId, spans);
      this.spans += spans.length;
    }
    this.staged = new Map();
    for (const [traceId] of this.traces) {
      if (this.spans <= MAX_SPANS) break;
      this.forget(traceId);
    }
  }

  rolledBack(): void {
    this.staged = new Map();
  }

  forget(traceId: string): void {
    const spans = this.traces.get(traceId);
    if (!spans) return;
    this.spans -= spans.length;
    this.traces.delete(traceId);
  }

  clear(): void {
    this.traces.clear();
    this.spans = 0;
  }
}
