import { createServer, type Server } from 'node:http';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/cli/cells.js';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { createSdk } from '../helpers/sdk.js';
import { flowlens } from './io.js';

/** A loopback HTTP server answering every request with `status` and `body`, as a proxy in front of an agent may. */
async function answering(status: number, body: string, type = 'text/html'): Promise<{ url: string; server: Server }> {
  const server = createServer((_, res) => res.writeHead(status, { 'content-type': type }).end(body));
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

describe('flowlens status, findings and compare: bad usage', () => {
  it.each([
    [['status', '--url', 'localhost:9470'], 'flowlens status: --url: "localhost:9470" is not an http:// or https:// URL (such as http://127.0.0.1:9470)\n'],
    [['findings', '--url', 'ftp://agent.example.com'], 'flowlens findings: --url: "ftp://agent.example.com" is not an http:// or https:// URL (such as http://127.0.0.1:9470)\n'],
  ])('exits 2 on %j before asking anything', async (args, stderr) => {
    expect(await flowlens(args)).toEqual({ code: 2, stdout: '', stderr });
  });

  it.each([
    [['findings', '--kind', 'bogus'], 'flowlens findings: --kind: "bogus" is not one of anomaly, error_pattern, correlation, flaky, queue, trend, sla, stalled, rule'],
    [['findings', '--severity', 'urgent'], 'flowlens findings: --severity: "urgent" is not one of critical, high, medium, low, info'],
    [['findings', '--status', 'open,closed'], 'flowlens findings: --status: "closed" is not one of open, acknowledged, resolved'],
    [['findings', '--limit', 'x'], 'flowlens findings: --limit: expected a whole number from 1 to 1000, not "x"'],
    [['findings', '--limit', '0'], 'flowlens findings: --limit: expected a whole number from 1 to 1000, not "0"'],
    [['status', '--from', 'bogus'], 'flowlens status: --from: cannot read "bogus" as a time (ISO, epoch ms or now-7d)'],
    [['status', '--to', 'yesterday'], 'flowlens status: --to: cannot read "yesterday" as a time (ISO, epoch ms or now-7d)'],
    [['status', '--from', 'now', '--to', 'now-1h'], 'flowlens status: --from now is after --to now-1h'],
  ])('exits 2 on %j with the reason and the usage, without asking the agent', async (args, reason) => {
    // An address nothing answers at: asked, it would exit 1.
    const result = await flowlens([...args, '--url', 'http://127.0.0.1:9']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^${reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n\nUsage: flowlens ${args[0]} `));
  });

  it('names every kind of finding in its help', async () => {
    const { code, stdout } = await flowlens(['findings', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--kind K         anomaly, error_pattern, correlation, flaky, queue, trend, sla, stalled or rule\n');
  });
});

describe('flowlens status, findings and compare: an answer that is not the agent’s', () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((server) => server.close()));

  it.each([
    [
      502,
      '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n',
      'the agent answered 502: Bad Gateway',
    ],
    [504, '', 'the agent answered 504: Gateway Timeout'],
  ])('says the status and a short reason in one line for a %i page', async (status, body, said) => {
    const proxy = await answering(status, body);
    servers.push(proxy.server);
    const result = await flowlens(['status', '--url', proxy.url]);
    expect(result).toEqual({ code: 1, stdout: '', stderr: `flowlens status: ${said}\n` });
  });

  it('cuts a long reason short, in one line', async () => {
    const proxy = await answering(503, `upstream connect error or disconnect/reset before headers.\nreset reason: ${'overflow '.repeat(30)}`, 'text/plain');
    servers.push(proxy.server);
    const { code, stderr } = await flowlens(['status', '--url', proxy.url]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^flowlens status: the agent answered 503: upstream connect error or disconnect\/reset before headers\. reset reason: overflow [^\n]*…\n$/);
    expect(stderr.length).toBeLessThan(200);
  });
});

describe('flowlens status with unusual workflow names', () => {
  let agent: TestAgent;
  const LONG = `etl-${'x'.repeat(396)}`;
  const NAMES = [LONG, 'nightly\nreport', '日次レポート集計', 'plain'];
  beforeAll(async () => {
    agent = await startTestAgent();
    const sdk = createSdk('http/protobuf', agent, { 'service.name': 'ci-runner' });
    for (const [i, name] of NAMES.entries()) {
      const start = Date.now() - (i + 1) * 60_000;
      await sdk.emit({ name: 'RUN', kind: SpanKind.SERVER, startMs: start, endMs: start + 30_000, attributes: { 'cicd.pipeline.name': name, 'cicd.pipeline.run.id': String(i), 'cicd.pipeline.result': 'success' } });
    }
    await sdk.shutdown();
  });
  afterAll(() => agent.close());

  it('keeps a row per workflow, its columns in line: long names cut, control characters escaped, wide characters counted twice', async () => {
    const { code, stdout } = await flowlens(['status', '--url', agent.apiUrl]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(NAMES.length + 1);
    const names = lines.slice(1).map((line) => line.slice(0, line.indexOf('  ')));
    expect(names).toEqual(expect.arrayContaining([`etl-${'x'.repeat(43)}…`, 'nightly\\nreport', '日次レポート集計', 'plain']));
    // Each row's RUNNER column starts at the same terminal column as the header's.
    const runnerColumn = (line: string) => displayWidth(line.slice(0, line.search(/(?<=\s)(RUNNER|cicd)\b/)));
    expect(new Set(lines.map(runnerColumn))).toEqual(new Set([48 + 2]));
  });
});
