/** The contract between the receivers and the next stage (the Collector's consumer.Traces/consumer.Logs). */
import type { LogBatch, TraceBatch } from '../model/otlp.js';

/** Items the consumer refused beyond the decoder's, with why; reported back as OTLP partial success. */
export interface ExportOutcome {
  rejected: number;
  message?: string;
  /** Why, for the refusal counters, when one reason covers them all (else `partial`). */
  reason?: 'trace_limit';
}

/**
 * Resolves only once the batch is durable: the receivers acknowledge data to the sender only after that.
 * Throw BackpressureError to ask the sender to retry later; any other error is permanent.
 */
export interface OtlpConsumer {
  consumeTraces(batch: TraceBatch, context: ExportContext): Promise<ExportOutcome>;
  consumeLogs(batch: LogBatch, context: ExportContext): Promise<ExportOutcome>;
}

/** Who sent the request: the tenant its ingest token belongs to ('' without tenants). */
export interface ExportContext {
  tenant: string;
}

/** The consumer is too busy now: HTTP 503 with Retry-After, gRPC UNAVAILABLE with RetryInfo. */
export class BackpressureError extends Error {
  override readonly name = 'BackpressureError';

  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
