/** Public entry of the OTLP receivers: factories, the consumer contract, the observer hook and the exports. */
export { DEFAULT_GRPC_PORT, DEFAULT_HTTP_PORT, DEFAULT_MAX_BODY_BYTES, receiverConfig, type Receiver, type ReceiverConfig, type ReceiverSettings } from './config.js';
export { BackpressureError, type ExportOutcome, type OtlpConsumer } from './consumer.js';
export { BodyTooLargeError, errorReply, type ErrorReply } from './errors.js';
export { exportLogs, exportTraces, type ExportResult } from './export.js';
export { createGrpcReceiver } from './grpc-receiver.js';
export { createHttpReceiver } from './http-receiver.js';
export type { FailureReason, ReceiverObserver, RequestInfo, Transport } from './observer.js';
