/**
 * Web pages cannot use the API: a cross-site POST is refused (a page on another site could send one to localhost
 * without a preflight), and on loopback so is a foreign Host (DNS rebinding). The CLI, Grafana's proxy (no Origin,
 * the agent's address as Host) and scrapers are unaffected.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserGuard } from '../../src/security/browser-guard.js';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';

/** A request with the exact Host and Origin a browser would send (fetch sets Host itself). */
function call(apiUrl: string, method: string, path: string, headers: Record<string, string>, body?: string) {
  const { hostname, port } = new URL(apiUrl);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: hostname, port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('an API on loopback, open', () => {
  let agent: TestAgent;
  let port: string;
  beforeAll(async () => {
    agent = await startTestAgent();
    port = new URL(agent.apiUrl).port;
  });
  afterAll(() => agent.close());

  it('refuses a POST from another site, even a text/plain one that needs no preflight', async () => {
    const evil = await call(agent.apiUrl, 'POST', '/api/v1/analyze', { origin: 'https://evil.example', 'content-type': 'text/plain' }, 'x');
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.body).error.message).toMatch(/another site/);
    const sandboxed = await call(agent.apiUrl, 'POST', '/api/v1/analyze', { origin: 'null' });
    expect(sandboxed.status).toBe(403);
  });

  it('takes POSTs without an Origin (CLI, Grafana proxy) and from its own origin', async () => {
    expect((await call(agent.apiUrl, 'POST', '/api/v1/analyze', {})).status).toBe(200);
    expect((await call(agent.apiUrl, 'POST', '/api/v1/analyze', { origin: `http://127.0.0.1:${port}` })).status).toBe(200);
    expect((await call(agent.apiUrl, 'GET', '/api/v1/workflows', { origin: 'https://evil.example' })).status).toBe(200);
  });

  it('refuses a Host that is not a loopback name, on the API and /metrics', async () => {
    for (const path of ['/api/v1/workflows', '/metrics']) {
      const rebound = await call(agent.apiUrl, 'GET', path, { host: `evil.example:${port}` });
      expect(rebound.status).toBe(403);
      expect(JSON.parse(rebound.body).error.message).toMatch(/neither a loopback name/);
    }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'localhost', `localhost.:${port}`]) {
      expect((await call(agent.apiUrl, 'GET', '/api/v1/workflows', { host })).status).toBe(200);
    }
  });

  it('takes IPv4 loopback mapped to IPv6 as a loopback name, and no other mapped address', async () => {
    // As a browser writes http://[::ffff:127.0.0.1]:port/ in Host (the WHATWG URL parser's spelling).
    for (const host of [`[::ffff:7f00:1]:${port}`, '[::ffff:7f00:1]', `[::ffff:7f01:203]:${port}`]) {
      expect((await call(agent.apiUrl, 'GET', '/api/v1/workflows', { host })).status, host).toBe(200);
    }
    for (const host of [`[::ffff:a00:1]:${port}`, `[::ffff:10.0.0.1]:${port}`, `[::2]:${port}`, `[::ffff:7f00:1:2]:${port}`]) {
      expect((await call(agent.apiUrl, 'GET', '/api/v1/workflows', { host })).status, host).toBe(403);
    }
  });

  it('answers every spelling of a loopback address, those the URL parser rewrites included', async () => {
    for (const host of ['[::ffff:127.0.0.1]', `[::ffff:127.0.0.1]:${port}`, `[::FFFF:7F00:1]:${port}`, `[0:0:0:0:0:0:0:1]:${port}`, '[::1]']) {
      expect((await call(agent.apiUrl, 'GET', '/api/v1/workflows', { host })).status, host).toBe(200);
    }
    expect(browserGuard('127.0.0.1')('GET', { host: '[::ffff:192.168.0.1]:9470' })).toMatch(/neither a loopback name/);
  });
});

describe('an API on loopback behind a reverse proxy', () => {
  let agent: TestAgent;
  beforeAll(async () => (agent = await startTestAgent({ api: { listen: '127.0.0.1:0', externalUrl: 'https://flowlens.example.com' } })));
  afterAll(() => agent.close());

  it('answers to the name of api.externalUrl too', async () => {
    expect((await call(agent.apiUrl, 'GET', '/api/v1/workflows', { host: 'flowlens.example.com' })).status).toBe(200);
    // The same name with its scheme's default port written out, as some proxies pass it on.
    expect((await call(agent.apiUrl, 'GET', '/api/v1/workflows', { host: 'flowlens.example.com:443' })).status).toBe(200);
    expect((await call(agent.apiUrl, 'GET', '/api/v1/workflows', { host: 'evil.example' })).status).toBe(403);
  });
});

describe('an API listening on all interfaces', () => {
  let agent: TestAgent;
  beforeAll(async () => (agent = await startTestAgent({ api: { listen: '0.0.0.0:0' } })));
  afterAll(() => agent.close());

  it('answers to the names it is reached by, but still refuses cross-site POSTs', async () => {
    const url = agent.apiUrl.replace('0.0.0.0', '127.0.0.1');
    expect((await call(url, 'GET', '/api/v1/workflows', { host: 'flowlens-agent:9470' })).status).toBe(200);
    expect((await call(url, 'POST', '/api/v1/analyze', { host: 'flowlens-agent:9470' })).status).toBe(200);
    expect((await call(url, 'POST', '/api/v1/analyze', { host: 'flowlens-agent:9470', origin: 'https://evil.example' })).status).toBe(403);
    expect((await call(url, 'POST', '/api/v1/analyze', { host: 'flowlens-agent:9470', origin: 'http://flowlens-agent:9470' })).status).toBe(200);
  });
});
