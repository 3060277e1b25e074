/**
 * `flowlens demo --config` borrows the configuration's API address and tokens, but keeps away from what `serve`
 * keeps and tells: a store of its own, no findings to the team's Alertmanager, receivers that need no token.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/flowlens.js', import.meta.url));
const openssl = ['/usr/bin/openssl', '/bin/openssl'].find(existsSync);

describe('flowlens demo --config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-demo-'));
  let alertmanager: Server | undefined;
  afterAll(() => {
    alertmanager?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds its faults in a store of its own, pushes nothing to Alertmanager, and needs no ingest token nor TLS', async () => {
    const pushes: string[] = [];
    alertmanager = createServer((request, response) => {
      pushes.push(`${request.method} ${request.url}`);
      response.end('{}');
    });
    await new Promise<void>((resolve) => alertmanager!.listen(0, '127.0.0.1', resolve));
    if (openssl) {
      execFileSync(openssl, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=flowlens.example', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], {
        stdio: 'ignore',
      });
    }
    const config = join(dir, 'flowlens.yaml');
    writeFileSync(
      config,
      [
        `storage:\n  path: ${join(dir, 'flowlens.db')}`,
        `api:\n  listen: 127.0.0.1:0`,
        // OTLP off, as on an agent fed through a Collector elsewhere, and tokens for it.
        `otlp:\n  http: false\n  grpc: false`,
        `auth:\n  ingestTokens: ["ingest-token-0123456789"]`,
        `alertmanager:\n  url: http://127.0.0.1:${(alertmanager.address() as AddressInfo).port}`,
        `log:\n  level: error`,
        // A self-signed certificate, which the simulator would not trust.
        ...(openssl ? [`tls:\n  cert: ${join(dir, 'cert.pem')}\n  key: ${join(dir, 'key.pem')}`] : []),
      ].join('\n'),
    );
    // What an earlier demo left, which this one starts over from.
    for (const suffix of ['', '-wal', '.ids', '.ids-wal']) writeFileSync(join(dir, `flowlens-demo.db${suffix}`), 'left by an earlier demo');
    const child = spawn(process.execPath, [bin, 'demo', '--config', config]);
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk) => (err += chunk));
    // Two slices of history with findings printed: analysis passes that would have pushed them.
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        out += chunk;
        if ((out.match(/ runs received\n/g) ?? []).length >= 3 && /\[(critical|high)\/\w+\] /.test(out)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
    });
    // Stopped mid-simulation, as Ctrl-C would.
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
    expect(err).toBe('');
    expect(existsSync(join(dir, 'flowlens-demo.db'))).toBe(true);
    expect(existsSync(join(dir, 'flowlens.db'))).toBe(false);
    expect(pushes).toEqual([]);
  }, 180_000);

  it('keeps nothing on disk for a configuration whose store is in memory', async () => {
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    const config = join(cwd, 'memory.yaml');
    writeFileSync(config, ['storage:\n  path: ":memory:"', 'api:\n  listen: 127.0.0.1:0', 'log:\n  level: error'].join('\n'));
    const child = spawn(process.execPath, [bin, 'demo', '--config', config], { cwd });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        out += chunk;
        if (/ runs received\n/.test(out)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
    expect(readdirSync(cwd, { recursive: true })).toEqual(['memory.yaml']);
  }, 60_000);
});
