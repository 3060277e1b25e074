/**
 * Errors to replies in one table (the Collector's receiver/otlpreceiver/internal/errors): a gRPC code, the
 * HTTP status the OTLP spec pairs with it (only 429/502/503/504 are retryable), and a metric reason.
 */
import { OtlpDecodeError } from '../decode/index.js';
import { BackpressureError } from './consumer.js';
import type { FailureReason } from './observer.js';

/** A body over the configured limit, before or after decompression (`message` when more precise). */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';

  constructor(limit: number, message = `request body larger than the limit of ${limit} bytes`) {
    super(message);
  }
}

/** A request without a valid bearer token, when ingest tokens are configured. */
export class UnauthenticatedError extends Error {
  override readonly name = 'UnauthenticatedError';
}

/** gRPC status codes used here. */
export const GrpcCode = {
  OK: 0,
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

export interface ErrorReply {
  grpcCode: number;
  httpStatus: number;
  message: string;
  reason: FailureReason;
  retryAfterSeconds?: number;
}

export function errorReply(error: unknown): ErrorReply {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof OtlpDecodeError) return { grpcCode: GrpcCode.INVALID_ARGUMENT, httpStatus: 400, message, reason: 'decode' };
  if (error instanceof UnauthenticatedError) return { grpcCode: GrpcCode.UNAUTHENTICATED, httpStatus: 401, message, reason: 'unauthenticated' };
  if (error instanceof BodyTooLargeError) return { grpcCode: GrpcCode.RESOURCE_EXHAUSTED, httpStatus: 413, message, reason: 'too_large' };
  if (error instanceof BackpressureError) {
    return { grpcCode: GrpcCode.UNAVAILABLE, httpStatus: 503, message, reason: 'backpressure', retryAfterSeconds: error.retryAfterSeconds };
  }
  return { grpcCode: GrpcCode.INTERNAL, httpStatus: 500, message, reason: 'consumer_error' };
}
