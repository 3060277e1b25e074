import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
});
