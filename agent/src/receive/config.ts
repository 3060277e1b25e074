import { UnauthenticatedError } from './errors.js';

/** Receiver configuration with its defaults and validation (the Collector's otlpreceiver/config.go). */
import type { ReceiverObserver } from './observer.js';

export interface ReceiverConfig {
  host: string;
  /** 0 picks a free port; `start()` reports the bound one. */
  port: number;
  /** Largest request body accepted, before and after decompression. */
  maxBodyBytes: number;
  /**
   * How long an OTLP request may take to arrive whole (headers and body; a gRPC call's message): a sender that
   * stalls mid-upload gives its slot back then (HTTP 408, gRPC DEADLINE_EXCEEDED), instead of holding one of the
   * slots in flight and the part it sent for Node's five minutes, or for good over gRPC.
   */
  requestTimeoutMs: number;
}

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Requests read and processed at once, per receiver; 64 × the 16 MiB body limit bounds what bodies can hold in memory. */
export const MAX_IN_FLIGHT = 64;
/** The Collector's exporters give up after 30 s (the SDKs' after 10 s): a request still arriving then is abandoned. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_HTTP_PORT = 4318;
export const DEFAULT_GRPC_PORT = 4317;

/** Fills defaults (loopback host, the OTLP port, 16 MiB) and refuses values that cannot work. */
export function receiverConfig(config: Partial<ReceiverConfig>, defaultPort: number): ReceiverConfig {
  const resolved = {
    host: config.host ?? '127.0.0.1',
    port: config.port ?? defaultPort,
    maxBodyBytes: config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    requestTimeoutMs: config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
  };
  if (!Number.isInteger(resolved.port) || resolved.port < 0 || resolved.port > 65535) {
    throw new RangeError(`receiver port must be an integer from 0 to 65535, got ${resolved.port}`);
  }
  if (!Number.isInteger(resolved.maxBodyBytes) || resolved.maxBodyBytes < 1) {
    throw new RangeError(`receiver maxBodyBytes must be a positive integer, got ${resolved.maxBodyBytes}`);
  }
  if (!(resolved.requestTimeoutMs > 0)) throw new RangeError(`receiver requestTimeoutMs must be positive, got ${resolved.requestTimeoutMs}`);
  return resolved;
}

export interface Receiver {
  /** Starts listening; resolves with the bound port (useful with port 0). */
  start(): Promise<{ port: number }>;
  /** Stops accepting, waits for requests in flight, closes every connection. */
  stop(): Promise<void>;
}

/** The receiver's config plus an optional observer of finished requests. */
export type ReceiverSettings = Partial<ReceiverConfig> & {
  observer?: ReceiverObserver;
  /** Checks the `Authorization` header (HTTP) or metadata (gRPC); absent: every sender is let in, as tenant ''. */
  authenticate?: Authenticate;
  /** PEM certificate and key: serve TLS. */
  tls?: { cert: Buffer; key: Buffer };
};

export type Authenticate = (authorization: string | undefined) => { ok: true; tenant: string | undefined } | { ok: false; reason: string };

/** The tenant a request writes for, or the error that refuses it. */
export function tenantOf(authenticate: Authenticate | undefined, authorization: string | undefined): string {
  if (!authenticate) return '';
  const result = authenticate(authorization);
  if (!result.ok) throw new UnauthenticatedError(result.reason);
  return result.tenant ?? '';
}
