/**
 * One transport-independent export per signal (the Collector's receiver/otlpreceiver/internal/{trace,logs}/otlp.go):
 * hands the decoded batch to the consumer and sums up what was refused. Both receivers call these.
 */
import type { LogBatch, Rejected, TraceBatch } from '../model/otlp.js';
import type { ExportSummary } from '../decode/index.js';
import type { ExportContext, ExportOutcome, OtlpConsumer } from './consumer.js';
import type { FailureReason } from './observer.js';

export interface ExportResult extends ExportSummary {
  accepted: number;
  /** What the refusal counters count the rejected items under. */
  reason?: FailureReason;
}

export async function exportTraces(consumer: OtlpConsumer, batch: TraceBatch, context: ExportContext): Promise<ExportResult> {
  const outcome = batch.spanCount > 0 ? await consumer.consumeTraces(batch, context) : undefined;
  return summarise(batch.spanCount, batch.rejected, outcome, ['span', 'spans']);
}

export async function exportLogs(consumer: OtlpConsumer, batch: LogBatch, context: ExportContext): Promise<ExportResult> {
  const outcome = batch.recordCount > 0 ? await consumer.consumeLogs(batch, context) : undefined;
  return summarise(batch.recordCount, batch.rejected, outcome, ['log record', 'log records']);
}

function summarise(decoded: number, rejected: Rejected, outcome: ExportOutcome | undefined, [one, many]: [string, string]): ExportResult {
  const refused = Math.min(outcome?.rejected ?? 0, decoded);
  const messages: string[] = [];
  if (rejected.count > 0) messages.push(`${rejected.count} ${rejected.count === 1 ? one : many} rejected: ${rejected.reasons.join('; ')}`);
  if (outcome?.message) messages.push(outcome.message);
  const total = rejected.count + refused;
  const reason = total === 0 ? undefined : rejected.count === 0 ? (outcome?.reason ?? 'partial') : 'partial';
  return { accepted: decoded - refused, rejected: total, message: messages.join('; '), reason };
}
