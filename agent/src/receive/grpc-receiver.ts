/**
 * OTLP/gRPC receiver: TraceService/Export and LogsService/Export from a hand-written service definition whose
 * (de)serialisers pass raw Buffers through, so the protobuf decoder of the HTTP receiver serves here too
 * (OTel JS builds its gRPC exporter client the same way).
 */
import { Metadata, Server, ServerCredentials, status as grpcStatus, type sendUnaryData, type ServerUnaryCall, type ServiceDefinition } from '@grpc/grpc-js';
import { protobufCodec, statusProto, type Signal } from '../decode/index.js';
import { DEFAULT_GRPC_PORT, MAX_IN_FLIGHT, receiverConfig, tenantOf, type Receiver, type ReceiverSettings } from './config.js';
import type { OtlpConsumer } from './consumer.js';
import { errorReply } from './errors.js';
import { grpcAdmission } from './grpc-admission.js';
import { exportLogs, exportTraces, type ExportResult } from './export.js';
import type { FailureReason } from './observer.js';

const passThrough = (bytes: Buffer) => bytes;
/** How long a shutdown waits for calls in flight. */
const DRAIN_GRACE_MS = 10_000;

function exportService(path: string): ServiceDefinition {
  return {
    Export: {
      path,
      requestStream: false,
      responseStream: false,
      requestSerialize: passThrough,
      requestDeserialize: passThrough,
      responseSerialize: passThrough,
      responseDeserialize: passThrough,
    },
  };
}

const TRACE_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const LOGS_PATH = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';
const TRACE_SERVICE = exportService(TRACE_PATH);
const LOGS_SERVICE = exportService(LOGS_PATH);
const SIGNALS: Readonly<Record<string, Signal>> = { [TRACE_PATH]: 'traces', [LOGS_PATH]: 'logs' };

export function createGrpcReceiver(settings: ReceiverSettings, consumer: OtlpConsumer): Receiver {
  const { host, port, maxBodyBytes, requestTimeoutMs } = receiverConfig(settings, DEFAULT_GRPC_PORT);
  const observer = settings.observer;
  let server: Server | undefined;

  function handler(signal: Signal) {
    return async (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
      const started = performance.now();
      let result: ExportResult | undefined;
      let code: number = grpcStatus.OK;
      let reason: FailureReason | undefined;
      let decoded = 0;
      try {
        const authorization = call.metadata.get('authorization')[0];
        const context = { tenant: tenantOf(settings.authenticate, typeof authorization === 'string' ? authorization : undefined) };
        if (signal === 'traces') {
          const batch = protobufCodec.decodeTraces(call.request);
          decoded = batch.spanCount;
          result = await exportTraces(consumer, batch, context);
        } else {
          const batch = protobufCodec.decodeLogs(call.request);
          decoded = batch.recordCount;
          result = await exportLogs(consumer, batch, context);
        }
        reason = result.reason;
        callback(null, protobufCodec.exportResponse(signal, result));
      } catch (error) {
        const reply = errorReply(error);
        code = reply.grpcCode;
        reason = reply.reason;
        const metadata = new Metadata();
        if (reply.retryAfterSeconds !== undefined) {
          // google.rpc.Status with RetryInfo in the trailer, where gRPC clients look for retry advice.
          metadata.set('grpc-status-details-bin', statusProto({ code, message: reply.message, retryDelaySeconds: reply.retryAfterSeconds }));
        }
        callback({ code, details: reply.message, metadata });
      } finally {
        observer?.requestDone({
          transport: 'grpc',
          signal,
          status: code,
          items: result?.accepted ?? 0,
          rejected: result?.rejected ?? decoded,
          reason,
          durationMs: performance.now() - started,
        });
      }
    };
  }

  return {
    async start() {
      // The message limit applies to the decompressed message too (grpc-js checks it after inflating). Calls in
      // flight and the time their message may take are bounded across connections by the admission interceptor.
      const admission = grpcAdmission({ maxInFlight: MAX_IN_FLIGHT, requestTimeoutMs, signalOf: (path) => SIGNALS[path], ...(observer && { observer }) });
      const s = new Server({ 'grpc.max_receive_message_length': maxBodyBytes, 'grpc.max_concurrent_streams': MAX_IN_FLIGHT, interceptors: [admission] });
      s.addService(TRACE_SERVICE, { Export: handler('traces') });
      s.addService(LOGS_SERVICE, { Export: handler('logs') });
      const bound = await new Promise<number>((resolve, reject) =>
        s.bindAsync(`${host.includes(':') ? `[${host}]` : host}:${port}`, credentials(settings), (error, p) =>
          error ? reject(error) : resolve(p),
        ),
      );
      server = s;
      return { port: bound };
    },
    async stop() {
      const s = server;
      if (!s) return;
      server = undefined;
      // tryShutdown stops accepting and lets calls in flight finish before the sessions close.
      // After the grace period calls still open (a stalled sender) are cut off; they were never acknowledged.
      const force = setTimeout(() => s.forceShutdown(), DRAIN_GRACE_MS).unref();
      await new Promise<void>((resolve) => s.tryShutdown(() => resolve()));
      clearTimeout(force);
    },
  };
}

function credentials(settings: ReceiverSettings): ServerCredentials {
  if (!settings.tls) return ServerCredentials.createInsecure();
  return ServerCredentials.createSsl(null, [{ cert_chain: settings.tls.cert, private_key: settings.tls.key }], false);
}
