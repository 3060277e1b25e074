/**
 * One transport-independent export per signal (the Collector's receiver/otlpreceiver/internal/{trace,logs}/otlp.go):
 * hands the decoded batch to the consumer and sums up what was refused. Both receivers call these.
 */
import type { LogBatch, Rejected } from '../model/otlp.js';
import type { DecodedTraceBatch, ExportSummary } from '../decode/index.js';
import type { ExportContext, ExportOutcome, OtlpConsumer } from './consumer.js';
import type { FailureReason } from './observer.js';

export interface ExportResult extends ExportSummary {
  accepted: number;
  /** What the refusal counters count the rejected items under. */
  reason?: FailureReason;
}

export async function exportTraces(consumer: OtlpConsumer, batch: DecodedTraceBatch, context: ExportContext): Promise<ExportResult> {
  const outcome = batch.spanCount > 0 ? await consumer.consumeTraces(batch, context) : undefined;
  return summarise(batch.spanCount, batch.rejected, outcome, ['span', 'spans'], batch.adjusted);
}

export async function exportLogs(consumer: OtlpConsumer, batch: LogBatch, context: ExportContext): Promise<ExportResult> {
  stampUntimed(batch, Date.now());
  const outcome = batch.recordCount > 0 ? await consumer.consumeLogs(batch, context) : undefined;
  return summarise(batch.recordCount, batch.rejected, outcome, ['log record', 'log records']);
}

/**
 * A record with neither a time nor an observed time gets the time the agent received it as its observed time, which
 * OTLP lets the collector that first sees a record set, instead of being stored at 1970.
 */
function stampUntimed(batch: LogBatch, receivedMs: number): void {
  for (const group of batch.resourceLogs) {
    for (const scope of group.scopes) {
      for (const record of scope.logRecords) if (record.timeMs === 0 && record.observedTimeMs === 0) record.observedTimeMs = receivedMs;
    }
  }
}

/** Rejected and refused items count as rejected; `adjusted` items were kept, and are only warned about. */
function summarise(
  decoded: number,
  rejected: Rejected,
  outcome: ExportOutcome | undefined,
  [one, many]: [string, string],
  adjusted?: Rejected,
): ExportResult {
  const refused = Math.min(outcome?.rejected ?? 0, decoded);
  const messages: string[] = [];
  const counted = (n: number) => `${n} ${n === 1 ? one : many}`;
  if (rejected.count > 0) messages.push(`${counted(rejected.count)} rejected: ${rejected.reasons.join('; ')}`);
  if (outcome?.message) messages.push(outcome.message);
  // OTLP allows a partial_success with nothing rejected as a warning to the sender.
  if (adjusted && adjusted.count > 0) messages.push(`warning: ${counted(adjusted.count)} adjusted: ${adjusted.reasons.join('; ')}`);
  const total = rejected.count + refused;
  const reason = total === 0 ? undefined : rejected.count === 0 ? (outcome?.reason ?? 'partial') : 'partial';
  return { accepted: decoded - refused, rejected: total, message: messages.join('; '), reason };
}
