import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * Stop-gap until the agent exposes startAgent(): serves the plugin's recorded API responses
 * (grafana-plugin/src/test/responses) on 127.0.0.1 with the agent's paths, 404s and acknowledge semantics, so the
 * host harness can be proven end to end. Same shape as startAgent's result.
 */
export async function startRecordedAgent(responsesDir: string) {
  const recorded = Object.fromEntries(
    readdirSync(responsesDir).map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(responsesDir, f), 'utf8'))])
  );
  type Finding = { id: string; status: string; acknowledgedBy?: string; acknowledgedAt?: string };
  const findings = recorded.findings.items as Finding[];

  const answer = (method: string, path: string, query: URLSearchParams, body: string): [number, unknown] => {
    const parts = path.split('/').slice(1).map(decodeURIComponent);
    if (path === '/readyz' || path === '/healthz') return [200, { status: 'ok' }];
    if (parts[0] !== 'api' || parts[1] !== 'v1') return [404, { error: { message: `no route ${path}` } }];
    const [resource, id, sub] = parts.slice(2);
    if (resource === 'findings' && id && (sub === 'acknowledge' || sub === 'resolve') && method === 'POST') {
      const finding = findings.find((f) => f.id === id);
      if (!finding) return [404, { error: { message: `unknown finding ${id}` } }];
      const by = (JSON.parse(body || '{}') as { by?: string }).by;
      Object.assign(finding, sub === 'acknowledge' ? { status: 'acknowledged', acknowledgedBy: by, acknowledgedAt: new Date().toISOString() } : { status: 'resolved' });
      return [200, finding];
    }
    if (resource === 'findings' && id && sub === 'similar') return [200, recorded[`similar-${id}`] ?? { items: [] }];
    if (resource === 'findings' && id) {
      const finding = findings.find((f) => f.id === id);
      return finding ? [200, finding] : [404, { error: { message: `unknown finding ${id}` } }];
    }
    if (resource === 'findings') {
      const filters = [...query.entries()].filter(([k]) => k !== 'limit');
      return [200, { items: findings.filter((f) => filters.every(([k, v]) => (f as Record<string, unknown>)[k] === v)) }];
    }
    const key = { workflows: id ? (sub ? `${sub}-${id}` : `workflow-${id}`) : 'workflows', runs: `run-${id}` }[resource as 'workflows' | 'runs'] ?? resource;
    const fixed = key === 'patterns' ? recorded['patterns-nightly-etl'] : recorded[key!];
    if (!fixed) return [404, { error: { message: `unknown ${path}` } }];
    const workflow = query.get('workflow');
    return [200, workflow && fixed.items ? { items: fixed.items.filter((i: { workflow?: string }) => !i.workflow || i.workflow === workflow) } : fixed];
  };

  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const [status, data] = answer(req.method ?? 'GET', url.pathname, url.searchParams, body);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(data));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl,
    otlpHttpUrl: '',
    stop: () => new Promise<void>((done) => (server.closeAllConnections(), server.close(() => done()))),
  };
}
