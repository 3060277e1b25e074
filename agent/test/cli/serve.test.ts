import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/flowlens.js', import.meta.url));

describe('flowlens serve', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-serve-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the API and both receivers, and shuts down cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, 'serve'], {
      env: {
        ...process.env,
        FLOWLENS_STORAGE_PATH: join(dir, 'store.db'),
        FLOWLENS_API_LISTEN: '127.0.0.1:0',
        FLOWLENS_OTLP_HTTP: '127.0.0.1:0',
        FLOWLENS_OTLP_GRPC: '127.0.0.1:0',
        FLOWLENS_LOG_LEVEL: 'error',
      },
    });
    const banner = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
        if (out.includes('\n')) resolve(out);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const api = banner.match(/API (http:\/\/[^,]+)/)![1]!;
    const otlp = banner.match(/OTLP\/HTTP (http:\/\/[^,]+)/)![1]!;
    expect(banner).toMatch(/OTLP\/gRPC 127\.0\.0\.1:\d+/);
    expect((await fetch(`${api}/readyz`)).status).toBe(200);
    expect((await fetch(`${otlp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(200);
    const spec = await (await fetch(`${api}/api/v1/openapi.json`)).json();
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/v1/workflows', '/api/v1/runs/{id}', '/api/v1/findings']));
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });

  it('names the key whose address is taken, in one line, and exits 2 with nothing left listening', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    const serve = (env: Record<string, string>) =>
      promisify(execFile)(process.execPath, [bin, 'serve'], {
        timeout: 20_000,
        env: { ...process.env, FLOWLENS_STORAGE_PATH: join(dir, 'taken.db'), FLOWLENS_LOG_LEVEL: 'error', ...env },
      }).catch((error: { code: number; stderr: string }) => error);
    try {
      const api = await serve({ FLOWLENS_API_LISTEN: `127.0.0.1:${port}`, FLOWLENS_OTLP_HTTP: '127.0.0.1:0', FLOWLENS_OTLP_GRPC: 'false' });
      expect(api).toMatchObject({
        code: 2,
        stderr: `flowlens: api.listen: cannot listen on 127.0.0.1:${port}: another process is listening there; set api.listen (FLOWLENS_API_LISTEN) to a free address\n`,
      });
      // The API and the store were open when the gRPC receiver failed: the process still ends, by itself.
      const grpc = await serve({ FLOWLENS_API_LISTEN: '127.0.0.1:0', FLOWLENS_OTLP_HTTP: '127.0.0.1:0', FLOWLENS_OTLP_GRPC: `127.0.0.1:${port}` });
      expect(grpc).toMatchObject({
        code: 2,
        stderr: `flowlens: otlp.grpc: cannot listen on 127.0.0.1:${port}: another process is listening there; set otlp.grpc (FLOWLENS_OTLP_GRPC) to a free address\n`,
      });
    } finally {
      taken.close();
    }
  }, 45_000);
});
