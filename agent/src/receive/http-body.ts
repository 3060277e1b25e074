/**
 * Reading an OTLP/HTTP body under a size limit: checked on Content-Length, on the streamed bytes, and again
 * while inflating gzip, which stops as soon as the output passes the limit (a decompression bomb never gets
 * inflated in full; CVE-2024-36129 was exactly that in the Collector).
 */
import type { IncomingMessage } from 'node:http';
import { gunzip } from 'node:zlib';
import { OtlpDecodeError } from '../decode/index.js';
import { BodyTooLargeError } from './errors.js';

const GZIP = new Set(['gzip', 'x-gzip']);

/** Whether a Content-Encoding value is one this receiver can read (absent, identity or gzip). */
export function isSupportedEncoding(encoding: string): boolean {
  return encoding === '' || encoding === 'identity' || GZIP.has(encoding);
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
  if (body.length === 0 || !GZIP.has(encoding)) return Promise.resolve(body);
  return new Promise((resolve, reject) => {
    gunzip(body, { maxOutputLength: limit }, (error, inflated) => {
      if (!error) return resolve(inflated);
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return reject(new BodyTooLargeError(limit));
      reject(new OtlpDecodeError(`gzip: ${error.message}`));
    });
  });
}
