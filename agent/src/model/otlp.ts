/**
 * The decoded OTLP data the receivers hand to the normaliser: only the fields FlowLens uses, grouped as on
 * the wire (resource → scope → items) so shared context is resolved once per group.
 * Times are milliseconds since the epoch as floats: nanosecond values pass 2^53, and workflow analysis never
 * needs better than microsecond precision.
 */

export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue };
export type Attributes = Record<string, AttrValue>;

/** OTLP SpanKind enum values. */
export const SpanKind = { UNSPECIFIED: 0, INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;
/** OTLP Status.StatusCode enum values. */
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;

export interface SpanEvent {
  name: string;
  timeMs: number;
  attributes: Attributes;
}

export interface OtlpSpan {
  /** 32 lower-case hex characters. */
  traceId: string;
  /** 16 lower-case hex characters. */
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  kind: number;
  startMs: number;
  endMs: number;
  attributes: Attributes;
  statusCode: number;
  statusMessage: string;
  events: SpanEvent[];
  /** The enclosing ResourceSpans' attributes: one shared object per resource, never copied per span. */
  resource: Attributes;
  scopeName: string;
  /** The span's protobuf encoding, when it arrived as protobuf (a view into the request): stored as it came. */
  wire?: Uint8Array;
}

export interface ScopeSpans {
  scopeName: string;
  scopeVersion: string;
  spans: OtlpSpan[];
}

export interface ResourceSpans {
  resource: Attributes;
  scopes: ScopeSpans[];
}

export interface OtlpLogRecord {
  timeMs: number;
  observedTimeMs: number;
  severityNumber: number;
  severityText: string;
  /** The body as text: strings as they are, other values as JSON. */
  body: string;
  attributes: Attributes;
  /** '' when the record carries no trace context. */
  traceId: string;
  spanId: string;
  /** The enclosing ResourceLogs' attributes: one shared object per resource. */
  resource: Attributes;
  scopeName: string;
}

export interface ScopeLogs {
  scopeName: string;
  scopeVersion: string;
  logRecords: OtlpLogRecord[];
}

export interface ResourceLogs {
  resource: Attributes;
  scopes: ScopeLogs[];
}

/** Items the decoder dropped (invalid ids, …): reported back as OTLP partial success. */
export interface Rejected {
  count: number;
  /** Human-readable reasons, deduplicated, at most a few. */
  reasons: string[];
}

export interface TraceBatch {
  resourceSpans: ResourceSpans[];
  spanCount: number;
  rejected: Rejected;
}

export interface LogBatch {
  resourceLogs: ResourceLogs[];
  recordCount: number;
  rejected: Rejected;
}
