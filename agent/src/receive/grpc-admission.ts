/**
 * Admission of OTLP/gRPC calls, as a grpc-js server interceptor: how many calls may be in flight across every
 * connection, and how long a call's message may take to arrive. grpc-js buffers a message until it is whole, bounds
 * streams per connection only, and gives the server no deadline of its own, so without this a sender that opens
 * connections and stalls mid-message holds what it sent for as long as it keeps them open.
 */
import { Metadata, ServerInterceptingCall, status as grpcStatus, type ServerInterceptor } from '@grpc/grpc-js';
import { constants, type Http2Stream } from 'node:http2';
import { statusProto, type Signal } from '../decode/index.js';
import type { FailureReason, ReceiverObserver } from './observer.js';

export function grpcAdmission(options: {
  maxInFlight: number;
  requestTimeoutMs: number;
  signalOf: (path: string) => Signal | undefined;
  observer?: ReceiverObserver;
}): ServerInterceptor {
  const { maxInFlight, requestTimeoutMs, signalOf, observer } = options;
  let inFlight = 0;

  return (method, call) => {
    const signal = signalOf(method.path);
    const started = performance.now();
    let held = false;
    let timer: NodeJS.Timeout | undefined;
    const release = () => {
      clearTimeout(timer);
      if (held) inFlight--;
      held = false;
    };
    // Answered here, before the handler has the message: counted as the handler counts its answers.
    const refuse = (code: number, details: string, reason: FailureReason, retryDelaySeconds?: number) => {
      const metadata = new Metadata();
      if (retryDelaySeconds !== undefined) metadata.set('grpc-status-details-bin', statusProto({ code, message: details, retryDelaySeconds }));
      call.sendStatus({ code, details, metadata });
      // grpc-js ends its side only, and keeps what arrived of the message while the sender's side is open.
      // Resetting the stream with NO_ERROR after a complete answer is how HTTP/2 asks a client to stop sending
      // (RFC 9113, 8.1). grpc-js has no API for a call's stream: its field is read as grpc-js 1.14 names it
      // (test/receive/grpc-in-flight.test.ts fails if that changes).
      (call as unknown as { stream?: Http2Stream }).stream?.close(constants.NGHTTP2_NO_ERROR);
      observer?.requestDone({ transport: 'grpc', signal, status: code, items: 0, rejected: 0, reason, durationMs: performance.now() - started });
    };
    return new ServerInterceptingCall(call, {
      start(next) {
        const admitted = inFlight < maxInFlight;
        if (admitted) {
          inFlight++;
          held = true;
          timer = setTimeout(() => {
            release();
            refuse(grpcStatus.DEADLINE_EXCEEDED, `the request did not arrive whole within ${requestTimeoutMs / 1000} s`, 'incomplete');
          }, requestTimeoutMs);
        }
        next({
          onReceiveMessage(message, nextMessage) {
            clearTimeout(timer);
            nextMessage(message);
          },
          onCancel: release,
        });
        if (!admitted) refuse(grpcStatus.UNAVAILABLE, `too many requests in flight (${maxInFlight}); retry later`, 'backpressure', 1);
      },
      sendStatus(status, next) {
        release();
        next(status);
      },
    });
  };
}
