/**
 * An independent decoder for the replies (protobufjs from .proto text): google.rpc.Status with RetryInfo, and
 * the Export…ServiceResponse messages, to check what the receivers send.
 */
import protobuf from 'protobufjs';

const root = protobuf.parse(`
syntax = "proto3";
message Any { string type_url = 1; bytes value = 2; }
message Status { int32 code = 1; string message = 2; repeated Any details = 3; }
message Duration { int64 seconds = 1; int32 nanos = 2; }
message RetryInfo { Duration retry_delay = 1; }
message ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }
message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
message ExportLogsPartialSuccess { int64 rejected_log_records = 1; string error_message = 2; }
message ExportLogsServiceResponse { ExportLogsPartialSuccess partial_success = 1; }
`).root;

const plain = { longs: Number, defaults: true } as const;

export interface DecodedStatus {
  code: number;
  message: string;
  retryDelaySeconds?: number;
}

export function decodeStatus(bytes: Uint8Array): DecodedStatus {
  const status = root.lookupType('Status').toObject(root.lookupType('Status').decode(bytes), plain);
  const retry = (status.details as { typeUrl: string; value: Uint8Array }[]).find((d) => d.typeUrl === 'type.googleapis.com/google.rpc.RetryInfo');
  const decoded: DecodedStatus = { code: status.code, message: status.message };
  if (retry) {
    const info = root.lookupType('RetryInfo').toObject(root.lookupType('RetryInfo').decode(retry.value), plain);
    decoded.retryDelaySeconds = info.retryDelay.seconds + info.retryDelay.nanos / 1e9;
  }
  return decoded;
}

export function decodeExportResponse(signal: 'traces' | 'logs', bytes: Uint8Array): { rejected: number; errorMessage: string } | undefined {
  const type = root.lookupType(signal === 'traces' ? 'ExportTraceServiceResponse' : 'ExportLogsServiceResponse');
  const partial = type.toObject(type.decode(bytes), { longs: Number }).partialSuccess;
  if (!partial) return undefined;
  return { rejected: partial.rejectedSpans ?? partial.rejectedLogRecords ?? 0, errorMessage: partial.errorMessage ?? '' };
}
