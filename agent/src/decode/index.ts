/** Public entry of the OTLP decoders: codecs, per-signal decoders, reply encoders and the error type. */
export { codecFor, jsonCodec, protobufCodec, SUPPORTED_CONTENT_TYPES, type OtlpCodec } from './codec.js';
export { OtlpDecodeError } from './common/decode-error.js';
export { decodeLogsRequestJson } from './logs/json.js';
export { decodeLogsRequestProto } from './logs/protobuf.js';
export { exportResponseJson, exportResponseProto, statusJson, statusProto, type ExportSummary, type RpcStatus, type Signal } from './responses.js';
export type { DecodedTraceBatch } from './trace/batch.js';
export { decodeTraceRequestJson } from './trace/json.js';
export { decodeTraceRequestProto } from './trace/protobuf.js';
export { endWasMadeUp } from './trace/span-times.js';
