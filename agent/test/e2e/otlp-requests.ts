/**
 * Hand-made OTLP trace requests (OTLP/JSON objects, hex ids) sent to a test agent over OTLP/HTTP JSON, OTLP/HTTP
 * protobuf or OTLP/gRPC, with the answer's partial success read back the same way whichever way it came.
 */
import { Client, credentials, Metadata, status as grpcStatus } from '@grpc/grpc-js';
import type { TestAgent } from '../helpers/agent.js';
import { protobufOf } from '../reliability/support.js';
import { decodeExportResponse } from '../receive/rpc-status.js';

export const TRANSPORTS = ['http/json', 'http/protobuf', 'grpc'] as const;
export type Transport = (typeof TRANSPORTS)[number];

export interface ExportAnswer {
  /** The HTTP status, or the gRPC status code. */
  status: number;
  /** The partial success, when the answer carried one. */
  partial?: { rejected: number; errorMessage: string };
}

const TRACE_EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

export async function exportTraces(agent: TestAgent, transport: Transport, request: object): Promise<ExportAnswer> {
  if (transport === 'grpc') return grpcExport(agent, protobufOf(request));
  const json = transport === 'http/json';
  const response = await fetch(`${agent.otlpHttpUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': json ? 'application/json' : 'application/x-protobuf' },
    body: json ? JSON.stringify(request) : protobufOf(request),
  });
  const body = Buffer.from(await response.arrayBuffer());
  if (!json) return { status: response.status, partial: decodeExportResponse('traces', body) };
  const partial = JSON.parse(body.toString()).partialSuccess;
  return { status: response.status, partial: partial && { rejected: Number(partial.rejectedSpans ?? 0), errorMessage: partial.errorMessage ?? '' } };
}

function grpcExport(agent: TestAgent, request: Buffer): Promise<ExportAnswer> {
  const client = new Client(agent.otlpGrpcAddress!, credentials.createInsecure());
  return new Promise<ExportAnswer>((resolve) => {
    client.makeUnaryRequest(TRACE_EXPORT, (b: Buffer) => b, (b: Buffer) => b, request, new Metadata(), (error, body) =>
      resolve(error ? { status: error.code } : { status: grpcStatus.OK, partial: decodeExportResponse('traces', body as Buffer) }),
    );
  }).finally(() => client.close());
}

/** Nanoseconds since the epoch as OTLP/JSON's decimal string. */
export const nanos = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;

/** A 32-hex-character trace id and a 16-hex-character span id, from small numbers. */
export const traceIdOf = (n: number) => n.toString(16).padStart(32, '0');
export const spanIdOf = (n: number) => n.toString(16).padStart(16, '0');

/** One ExportTraceServiceRequest holding one ResourceSpans per resource given. */
export function traceRequest(...groups: { resource: Record<string, string>; spans: object[] }[]): object {
  return {
    resourceSpans: groups.map(({ resource, spans }) => ({
      resource: { attributes: Object.entries(resource).map(([key, value]) => ({ key, value: { stringValue: value } })) },
      scopeSpans: [{ scope: { name: 'flowlens-test' }, spans }],
    })),
  };
}
