/** A recording consumer and one that fails (the Collector's consumertest sinks), for the receiver tests. */
import type { ExportOutcome, OtlpConsumer } from '../../src/receive/consumer.js';
import type { LogBatch, OtlpLogRecord, OtlpSpan, TraceBatch } from '../../src/model/otlp.js';

export class RecordingConsumer implements OtlpConsumer {
  readonly traces: TraceBatch[] = [];
  readonly logs: LogBatch[] = [];
  calls = 0;
  private waiters: (() => void)[] = [];

  /** @param outcome what to answer, e.g. `{ rejected: 1, message: 'duplicate' }` */
  constructor(private readonly outcome: ExportOutcome = { rejected: 0 }) {}

  async consumeTraces(batch: TraceBatch): Promise<ExportOutcome> {
    this.calls++;
    this.traces.push(batch);
    this.notify();
    return this.outcome;
  }

  async consumeLogs(batch: LogBatch): Promise<ExportOutcome> {
    this.calls++;
    this.logs.push(batch);
    this.notify();
    return this.outcome;
  }

  spans(): OtlpSpan[] {
    return this.traces.flatMap((b) => b.resourceSpans.flatMap((g) => g.scopes.flatMap((s) => s.spans)));
  }

  records(): OtlpLogRecord[] {
    return this.logs.flatMap((b) => b.resourceLogs.flatMap((g) => g.scopes.flatMap((s) => s.logRecords)));
  }

  /** Resolves once `count` batches of either signal have arrived. */
  async waitForBatches(count: number): Promise<void> {
    while (this.traces.length + this.logs.length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private notify(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}

/** Throws `error()` for the first `failures` calls, then records like RecordingConsumer. */
export class ErroringConsumer extends RecordingConsumer {
  failed = 0;

  constructor(
    private readonly error: () => Error,
    private readonly failures = Infinity,
  ) {
    super();
  }

  override async consumeTraces(batch: TraceBatch): Promise<ExportOutcome> {
    this.fail();
    return super.consumeTraces(batch);
  }

  override async consumeLogs(batch: LogBatch): Promise<ExportOutcome> {
    this.fail();
    return super.consumeLogs(batch);
  }

  private fail(): void {
    if (this.failed < this.failures) {
      this.failed++;
      throw this.error();
    }
  }
}
