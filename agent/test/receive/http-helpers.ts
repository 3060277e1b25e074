import { request } from 'node:http';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * One request with node:http, body sent as given (no automatic compression or content length when
 * `chunked`), so tests control exactly what reaches the receiver.
 */
export function send(
  port: number,
  path: string,
  body: Buffer | undefined,
  headers: Record<string, string> = {},
  options: { method?: string; chunked?: boolean } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const allHeaders: Record<string, string | number> = { ...headers };
    if (body && !options.chunked) allHeaders['Content-Length'] = body.length;
    let answered = false;
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'POST', headers: allHeaders, agent: false }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    // After an answer, the receiver may close the connection while a refused body is still being sent.
    req.on('error', (error) => (answered ? undefined : reject(error)));
    if (!body) return void req.end();
    if (!options.chunked) return void req.end(body);
    // Chunked: send in pieces so the limit is hit on streamed bytes, not on Content-Length.
    const piece = 64 * 1024;
    let offset = 0;
    const pump = () => {
      while (offset < body.length) {
        const more = req.write(body.subarray(offset, offset + piece));
        offset += piece;
        if (!more) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

export const PROTOBUF = { 'Content-Type': 'application/x-protobuf' };
export const JSON_TYPE = { 'Content-Type': 'application/json' };
