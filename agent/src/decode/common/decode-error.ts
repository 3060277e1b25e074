/**
 * The one error the OTLP decoders throw: the receivers turn it into HTTP 400 / gRPC INVALID_ARGUMENT, and any
 * other error escaping a decoder is a bug.
 */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
}
