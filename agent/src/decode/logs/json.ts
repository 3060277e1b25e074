import type { Attributes, LogBatch, OtlpLogRecord } from '../../model/otlp.js';
import { SEVERITY_NUMBER_NAMES } from '../common/enums.js';
import { SPAN_ID_BYTES, TRACE_ID_BYTES } from '../common/ids.js';
import { decodeJsonExportRequest, type JsonLevelNames } from '../common/json-groups.js';
import { anyValueAt, attributesIn, enumAt, field, idAt, nanosToMsAt, stringAt, within, type JsonObject } from '../common/json-values.js';
import { bodyText } from '../common/log-body.js';
import { toLogBatch } from './batch.js';

const NAMES: JsonLevelNames = {
  groups: ['resourceLogs', 'resource_logs'],
  scopes: ['scopeLogs', 'scope_logs'],
  items: ['logRecords', 'log_records'],
};

/** An OTLP/JSON ExportLogsServiceRequest. */
export function decodeLogsRequestJson(body: Buffer): LogBatch {
  return toLogBatch(decodeJsonExportRequest(body, NAMES, decodeLogRecord));
}

/** A LogRecord; trace context is optional, but malformed ids or fields throw (the record is dropped). */
function decodeLogRecord(l: JsonObject, resource: Attributes, scopeName: string): OtlpLogRecord {
  return {
    timeMs: nanosToMsAt(field(l, 'timeUnixNano', 'time_unix_nano'), 'timeUnixNano'),
    observedTimeMs: nanosToMsAt(field(l, 'observedTimeUnixNano', 'observed_time_unix_nano'), 'observedTimeUnixNano'),
    severityNumber: enumAt(field(l, 'severityNumber', 'severity_number'), SEVERITY_NUMBER_NAMES, 'severityNumber'),
    severityText: stringAt(field(l, 'severityText', 'severity_text'), 'severityText'),
    body: bodyIn(l.body),
    attributes: attributesIn(l.attributes, 'attributes'),
    traceId: idAt(field(l, 'traceId', 'trace_id'), TRACE_ID_BYTES, 'traceId'),
    spanId: idAt(field(l, 'spanId', 'span_id'), SPAN_ID_BYTES, 'spanId'),
    resource,
    scopeName,
  };
}

function bodyIn(value: unknown): string {
  if (value === undefined || value === null) return '';
  try {
    return bodyText(anyValueAt(value, 0));
  } catch (error) {
    throw within('body', error);
  }
}
