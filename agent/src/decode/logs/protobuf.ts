import type { Attributes, LogBatch, OtlpLogRecord, Rejected } from '../../model/otlp.js';
import { SPAN_ID_BYTES, TRACE_ID_BYTES, idFromBytes, idLengthReason } from '../common/ids.js';
import { bodyText } from '../common/log-body.js';
import { decodeAnyValue, readAttribute } from '../common/proto-common.js';
import { decodeExportRequest } from '../common/proto-groups.js';
import { I64, LEN, VARINT, type ProtoReader } from '../common/proto-reader.js';
import { reject } from '../common/rejected.js';
import { toLogBatch } from './batch.js';

export function decodeLogsRequestProto(bytes: Uint8Array): LogBatch {
  return toLogBatch(decodeExportRequest(bytes, decodeLogRecord));
}

/**
 * opentelemetry.proto.logs.v1.LogRecord (trace context is optional; a malformed id drops the record):
 *   1  time_unix_nano           fixed64           I64
 *   11 observed_time_unix_nano  fixed64           I64
 *   2  severity_number          SeverityNumber    VARINT
 *   3  severity_text            string            LEN
 *   5  body                     AnyValue          LEN
 *   6  attributes               repeated KeyValue LEN
 *   9  trace_id                 bytes             LEN
 *   10 span_id                  bytes             LEN
 *   7 dropped_attributes_count, 8 flags, 12 event_name (skipped)
 */
function decodeLogRecord(
  r: ProtoReader,
  end: number,
  resource: Attributes,
  scopeName: string,
  rejected: Rejected,
): OtlpLogRecord | undefined {
  const record: OtlpLogRecord = {
    timeMs: 0,
    observedTimeMs: 0,
    severityNumber: 0,
    severityText: '',
    body: '',
    attributes: {},
    traceId: '',
    spanId: '',
    resource,
    scopeName,
  };
  let traceStart = 0, traceEnd = 0, spanStart = 0, spanEnd = 0;
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | I64:
        record.timeMs = r.fixed64Ms();
        break;
      case (11 << 3) | I64:
        record.observedTimeMs = r.fixed64Ms();
        break;
      case (2 << 3) | VARINT:
        record.severityNumber = r.int32();
        break;
      case (3 << 3) | LEN:
        record.severityText = r.string();
        break;
      case (5 << 3) | LEN:
        record.body = bodyText(decodeAnyValue(r, r.lengthEnd(), 0));
        break;
      case (6 << 3) | LEN:
        readAttribute(r, record.attributes);
        break;
      case (9 << 3) | LEN:
        traceEnd = r.lengthEnd();
        traceStart = r.pos;
        r.pos = traceEnd;
        break;
      case (10 << 3) | LEN:
        spanEnd = r.lengthEnd();
        spanStart = r.pos;
        r.pos = spanEnd;
        break;
      default:
        r.skip(tag & 7);
    }
  }
  r.assertEnd(end, 'LogRecord');
  const traceId = idFromBytes(r.buf, traceStart, traceEnd, TRACE_ID_BYTES);
  const spanId = idFromBytes(r.buf, spanStart, spanEnd, SPAN_ID_BYTES);
  if (traceId === null) return void reject(rejected, idLengthReason('trace_id', TRACE_ID_BYTES, false));
  if (spanId === null) return void reject(rejected, idLengthReason('span_id', SPAN_ID_BYTES, false));
  record.traceId = traceId;
  record.spanId = spanId;
  return record;
}
