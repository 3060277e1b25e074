import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, Client, Metadata, status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';

const openssl = ['/usr/bin/openssl', '/bin/openssl'].find(existsSync);

/** GET/POST over HTTPS trusting only the test's own certificate. */
function httpsCall(url: string, ca: Buffer, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers, ca }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

describe.skipIf(!openssl)('TLS on every server' + (openssl ? '' : ' (skipped: openssl not found)'), () => {
  let agent: TestAgent;
  let cert: Buffer;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flowlens-tls-'));
    execFileSync(openssl!, [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    cert = readFileSync(join(dir, 'cert.pem'));
    agent = await startTestAgent({
      tls: { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') },
      auth: { apiTokens: ['api-token-0123456789abcdef'], metricsRequireToken: false, healthRequireToken: true },
    });
  });
  afterAll(async () => {
    await agent.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the API and OTLP/HTTP over HTTPS only', async () => {
    expect(agent.apiUrl).toMatch(/^https:/);
    expect(agent.otlpHttpUrl).toMatch(/^https:/);
    const ingest = await httpsCall(`${agent.otlpHttpUrl}/v1/traces`, cert, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(ingest.status).toBe(200);
    await expect(fetch(`${agent.apiUrl.replace('https', 'http')}/healthz`)).rejects.toThrow();
  });

  it('applies the configured token rules: metrics open, health probes closed', async () => {
    expect((await httpsCall(`${agent.apiUrl}/metrics`, cert)).status).toBe(200);
    expect((await httpsCall(`${agent.apiUrl}/readyz`, cert)).status).toBe(401);
    expect((await httpsCall(`${agent.apiUrl}/readyz`, cert, { headers: { authorization: 'Bearer api-token-0123456789abcdef' } })).status).toBe(200);
  });

  it('serves OTLP/gRPC over TLS', async () => {
    const client = new Client(agent.otlpGrpcAddress!, credentials.createSsl(cert));
    const code = await new Promise<number>((resolve) => {
      client.makeUnaryRequest(
        '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.alloc(0),
        new Metadata(),
        (error) => resolve(error ? error.code : status.OK),
      );
    });
    client.close();
    expect(code).toBe(status.OK);
  });
});
