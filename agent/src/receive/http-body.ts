/**
 * Reading an OTLP/HTTP body under a size limit: checked on Content-Length, on the streamed bytes, and again
 * while inflating, which stops as soon as the output passes the limit (a decompression bomb never gets
 * inflated in full; CVE-2024-36129 was exactly that in the Collector).
 */
import type { IncomingMessage } from 'node:http';
import { gunzip, inflate, type InputType, type ZlibOptions } from 'node:zlib';
import { OtlpDecodeError } from '../decode/index.js';
import { BodyTooLargeError } from './errors.js';

type Inflate = (body: InputType, options: ZlibOptions, callback: (error: Error | null, result: Buffer) => void) => void;

/**
 * The content codings read, by name. The Collector's `compression: deflate` and `zlib` both send zlib-wrapped
 * deflate (RFC 1950), as HTTP's `deflate` is defined. Its zstd, snappy and lz4 have no reader in Node 20's zlib.
 */
const INFLATE = new Map<string, { name: string; inflate: Inflate }>([
  ['gzip', { name: 'gzip', inflate: gunzip }],
  ['x-gzip', { name: 'gzip', inflate: gunzip }],
  ['deflate', { name: 'deflate', inflate }],
  ['zlib', { name: 'zlib', inflate }],
]);

/** What an unsupported Content-Encoding's answer lists. */
export const SUPPORTED_ENCODINGS = ['deflate', 'gzip', 'identity', 'zlib'];

/** Whether a Content-Encoding value is one this receiver can read. */
export function isSupportedEncoding(encoding: string): boolean {
  return encoding === '' || encoding === 'identity' || INFLATE.has(encoding);
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
  const coding = INFLATE.get(encoding);
  if (body.length === 0 || coding === undefined) return Promise.resolve(body);
  return new Promise((resolve, reject) => {
    coding.inflate(body, { maxOutputLength: limit }, (error, inflated) => {
      if (!error) return resolve(inflated);
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return reject(new BodyTooLargeError(limit));
      reject(new OtlpDecodeError(`${coding.name}: ${error.message}`));
    });
  });
}
