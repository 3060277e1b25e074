import type { Signal } from '../decode/index.js';

export type Transport = 'http' | 'grpc';

/** A bounded label for why a request did not fully succeed (safe as a metric label). */
export type FailureReason =
  | 'partial'
  | 'trace_limit'
  | 'decode'
  | 'too_large'
  | 'unsupported_media_type'
  | 'unsupported_encoding'
  | 'method_not_allowed'
  | 'not_found'
  | 'backpressure'
  | 'consumer_error'
  | 'shutting_down'
  | 'unauthenticated'
  /** The request never arrived whole: past `otlp.requestTimeout` (Node answered 408), or its sender went away. */
  | 'incomplete';

export interface RequestInfo {
  transport: Transport;
  /** Undefined when the path named no signal. */
  signal?: Signal;
  /** The HTTP status, or the gRPC status code. */
  status: number;
  /** Spans or log records accepted. */
  items: number;
  /** Spans or log records refused (by decoder or consumer). */
  rejected: number;
  reason?: FailureReason;
  durationMs: number;
}

/** Told about every finished request, e.g. to count received/rejected items and time requests. */
export interface ReceiverObserver {
  requestDone(info: RequestInfo): void;
}
