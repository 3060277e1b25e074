/**
 * Reading an OTLP/HTTP body under a size limit: checked on Content-Length, on the streamed bytes, and again
 * while inflating, which stops as soon as the output passes the limit (a decompression bomb never gets
 * inflated in full; CVE-2024-36129 was exactly that in the Collector).
 */
import type { IncomingMessage } from 'node:http';
import { gunzip, inflate, type InputType, type ZlibOptions } from 'node:zlib';
import { OtlpDecodeError } from '../decode/index.js';
import { BodyTooLargeError } from './errors.js';
import { unzstd } from './zstd.js';

type Inflate = (body: InputType, options: ZlibOptions, callback: (error: Error | null, result: Buffer) => void) => void;

/** Undoes one content coding, refusing output past `limit` (BodyTooLargeError) and bad input (OtlpDecodeError). */
type Decoder = (body: Buffer, limit: number) => Promise<Buffer>;

/** zlib's decoders run in its thread pool and stop at `maxOutputLength`. */
function zlibDecoder(name: string, run: Inflate): Decoder {
  return (body, limit) =>
    new Promise((resolve, reject) => {
      run(body, { maxOutputLength: limit }, (error, inflated) => {
        if (!error) return resolve(inflated);
        if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return reject(new BodyTooLargeError(limit));
        reject(new OtlpDecodeError(`${name}: ${error.message}`));
      });
    });
}

const gzip = zlibDecoder('gzip', gunzip);
const zlib = zlibDecoder('deflate', inflate);

/**
 * The content codings read, by name: those of the Collector's `compression` but snappy and lz4. Its `deflate` and
 * `zlib` both send zlib-wrapped deflate (RFC 1950), as HTTP's `deflate` is defined.
 */
const DECODERS = new Map<string, Decoder>([
  ['gzip', gzip],
  ['x-gzip', gzip],
  ['deflate', zlib],
  ['zlib', zlib],
  ['zstd', async (body, limit) => unzstd(body, limit)],
]);

/** What an unsupported Content-Encoding's answer lists (`x-gzip` is gzip's old name). */
export const SUPPORTED_ENCODINGS = ['identity', ...DECODERS.keys()].filter((name) => !name.startsWith('x-')).sort();

/** Whether a Content-Encoding value is one this receiver can read. */
export function isSupportedEncoding(encoding: string): boolean {
  return encoding === '' || encoding === 'identity' || DECODERS.has(encoding);
}

/** The whole body, refusing it as soon as it passes `limit`; the rest of an oversized upload is discarded. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      done();
      req.resume();
      reject(new BodyTooLargeError(limit));
    };
    const onEnd = () => {
      done();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/** The body with its Content-Encoding undone, at most `limit` bytes after inflating. */
export function decodeContent(body: Buffer, encoding: string, limit: number): Promise<Buffer> {
  const decoder = DECODERS.get(encoding);
  return body.length === 0 || decoder === undefined ? Promise.resolve(body) : decoder(body, limit);
}
