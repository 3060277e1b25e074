/**
 * One codec per OTLP/HTTP content type, chosen by the receiver from the request's Content-Type; both yield
 * the same model types (the shape of the Collector's receiver/otlpreceiver/encoder.go).
 */
import type { LogBatch } from '../model/otlp.js';
import { decodeLogsRequestJson } from './logs/json.js';
import { decodeLogsRequestProto } from './logs/protobuf.js';
import {
  exportResponseJson,
  exportResponseProto,
  statusJson,
  statusProto,
  type ExportSummary,
  type RpcStatus,
  type Signal,
} from './responses.js';
import type { DecodedTraceBatch } from './trace/batch.js';
import { decodeTraceRequestJson } from './trace/json.js';
import { decodeTraceRequestProto } from './trace/protobuf.js';

export interface OtlpCodec {
  readonly contentType: string;
  decodeTraces(body: Buffer): DecodedTraceBatch;
  decodeLogs(body: Buffer): LogBatch;
  exportResponse(signal: Signal, summary: ExportSummary): Buffer;
  status(status: RpcStatus): Buffer;
}

export const protobufCodec: OtlpCodec = {
  contentType: 'application/x-protobuf',
  decodeTraces: decodeTraceRequestProto,
  decodeLogs: decodeLogsRequestProto,
  exportResponse: (_signal, summary) => exportResponseProto(summary),
  status: statusProto,
};

export const jsonCodec: OtlpCodec = {
  contentType: 'application/json',
  decodeTraces: decodeTraceRequestJson,
  decodeLogs: decodeLogsRequestJson,
  exportResponse: exportResponseJson,
  status: statusJson,
};

export const SUPPORTED_CONTENT_TYPES = [jsonCodec.contentType, protobufCodec.contentType];

/** The codec for a Content-Type header value (media type compared case-insensitively, parameters ignored). */
export function codecFor(contentType: string | undefined): OtlpCodec | undefined {
  if (!contentType) return undefined;
  const semicolon = contentType.indexOf(';');
  const mediaType = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  if (mediaType === protobufCodec.contentType) return protobufCodec;
  if (mediaType === jsonCodec.contentType) return jsonCodec;
  return undefined;
}
