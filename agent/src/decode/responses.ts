/**
 * The replies the receivers send, in protobuf and in OTLP/JSON:
 * Export{Trace,Logs}ServiceResponse with partial_success, and google.rpc.Status (with RetryInfo details when
 * the client should come back later).
 */
import { lenField, message, varintField } from './common/proto-writer.js';

export type Signal = 'traces' | 'logs';

/** Items refused by decoder and consumer; message empty when all was accepted. */
export interface ExportSummary {
  rejected: number;
  message: string;
}

export interface RpcStatus {
  /** A google.rpc.Code (gRPC status code). */
  code: number;
  message: string;
  /** When set, a google.rpc.RetryInfo detail tells the client how long to wait. */
  retryDelaySeconds?: number;
}

const REJECTED_FIELD: Record<Signal, string> = { traces: 'rejectedSpans', logs: 'rejectedLogRecords' };
const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

/**
 * opentelemetry.proto.collector.{trace,logs}.v1.Export{Trace,Logs}ServiceResponse:
 *   1 partial_success Export{Trace,Logs}PartialSuccess LEN
 * Export{Trace,Logs}PartialSuccess:
 *   1 rejected_{spans,log_records} int64  VARINT
 *   2 error_message                string LEN
 */
export function exportResponseProto(summary: ExportSummary): Buffer {
  if (summary.rejected === 0 && !summary.message) return Buffer.alloc(0);
  return lenField(1, message(varintField(1, summary.rejected), lenField(2, summary.message)));
}

export function exportResponseJson(signal: Signal, summary: ExportSummary): Buffer {
  if (summary.rejected === 0 && !summary.message) return Buffer.from('{}');
  // int64 is a decimal string in protobuf's JSON mapping.
  const partial = { [REJECTED_FIELD[signal]]: String(summary.rejected), errorMessage: summary.message };
  return Buffer.from(JSON.stringify({ partialSuccess: partial }));
}

/**
 * google.rpc.Status:
 *   1 code    int32                        VARINT
 *   2 message string                       LEN
 *   3 details repeated google.protobuf.Any LEN
 * google.protobuf.Any: 1 type_url string LEN, 2 value bytes LEN
 * google.rpc.RetryInfo: 1 retry_delay google.protobuf.Duration LEN
 * google.protobuf.Duration: 1 seconds int64 VARINT, 2 nanos int32 VARINT
 */
export function statusProto(status: RpcStatus): Buffer {
  const details =
    status.retryDelaySeconds === undefined
      ? Buffer.alloc(0)
      : lenField(3, message(lenField(1, RETRY_INFO_TYPE), lenField(2, lenField(1, durationProto(status.retryDelaySeconds)))));
  return message(varintField(1, status.code), lenField(2, status.message), details);
}

function durationProto(seconds: number): Buffer {
  const whole = Math.floor(seconds);
  return message(varintField(1, whole), varintField(2, Math.round((seconds - whole) * 1e9)));
}

export function statusJson(status: RpcStatus): Buffer {
  const details = status.retryDelaySeconds === undefined ? [] : [{ '@type': RETRY_INFO_TYPE, retryDelay: `${status.retryDelaySeconds}s` }];
  return Buffer.from(JSON.stringify({ code: status.code, message: status.message, details }));
}
