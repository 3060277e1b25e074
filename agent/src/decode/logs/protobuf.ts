import type { Attributes, LogBatch, OtlpLogRecord, Rejected, ResourceLogs, ScopeLogs } from '../../model/otlp.js';
import { SPAN_ID_BYTES, TRACE_ID_BYTES, idFromBytes, idLengthReason } from '../common/ids.js';
import { bodyText } from '../common/log-body.js';
import { decodeAnyValue, decodeResourceInto, decodeScope, readAttribute } from '../common/proto-common.js';
import { I64, LEN, ProtoReader, VARINT } from '../common/proto-reader.js';
import { noneRejected, reject } from '../common/rejected.js';

/**
 * opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest:
 *   1 resource_logs repeated ResourceLogs LEN
 */
export function decodeLogsRequestProto(bytes: Uint8Array): LogBatch {
  const r = new ProtoReader(bytes);
  const batch: LogBatch = { resourceLogs: [], recordCount: 0, rejected: noneRejected() };
  while (r.pos < r.len) {
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) {
      const group = decodeResourceLogs(r, r.lengthEnd(), batch);
      if (group.scopes.length > 0) batch.resourceLogs.push(group);
    } else r.skip(tag & 7);
  }
  return batch;
}

/**
 * opentelemetry.proto.logs.v1.ResourceLogs:
 *   1 resource   Resource           LEN
 *   2 scope_logs repeated ScopeLogs LEN
 *   3 schema_url string             LEN (skipped)
 */
function decodeResourceLogs(r: ProtoReader, end: number, batch: LogBatch): ResourceLogs {
  const group: ResourceLogs = { resource: {}, scopes: [] };
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | LEN:
        decodeResourceInto(r, r.lengthEnd(), group.resource);
        break;
      case (2 << 3) | LEN: {
        const scope = decodeScopeLogs(r, r.lengthEnd(), group.resource, batch);
        if (scope.logRecords.length > 0) group.scopes.push(scope);
        break;
      }
      default:
        r.skip(tag & 7);
    }
  }
  r.assertEnd(end, 'ResourceLogs');
  return group;
}

/**
 * opentelemetry.proto.logs.v1.ScopeLogs:
 *   1 scope       InstrumentationScope LEN
 *   2 log_records repeated LogRecord   LEN
 *   3 schema_url  string               LEN (skipped)
 */
function decodeScopeLogs(r: ProtoReader, end: number, resource: Attributes, batch: LogBatch): ScopeLogs {
  const scope: ScopeLogs = { scopeName: '', scopeVersion: '', logRecords: [] };
  let scopeCameLate = false;
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | LEN: {
        const { name, version } = decodeScope(r, r.lengthEnd());
        scope.scopeName = name;
        scope.scopeVersion = version;
        scopeCameLate = scope.logRecords.length > 0;
        break;
      }
      case (2 << 3) | LEN: {
        const record = decodeLogRecord(r, r.lengthEnd(), resource, scope.scopeName, batch.rejected);
        if (record) scope.logRecords.push(record);
        break;
      }
      default:
        r.skip(tag & 7);
    }
  }
  r.assertEnd(end, 'ScopeLogs');
  // Fields may come in any order: records read before their scope get its name now.
  if (scopeCameLate) for (const record of scope.logRecords) record.scopeName = scope.scopeName;
  batch.recordCount += scope.logRecords.length;
  return scope;
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
