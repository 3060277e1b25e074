import { dirname, join } from 'node:path';
import { startConfiguredAgent } from '../agent.js';
import { loadConfig } from '../config/load.js';
import { simulate } from '../demo/simulator.js';
import { removeStore } from '../store/sqlite/index.js';
import { FindingFeed } from './finding-feed.js';
import type { CliIo } from './main.js';
import { untilSignalled } from './serve.js';

const DEMO_STORE = './data/flowlens-demo.db';

/**
 * `flowlens demo`: the agent plus a simulator of several runners with injected faults, printing findings as
 * they appear. A configuration (`--config`) gives it the API's address, tokens and settings, but the demo never
 * touches what `serve` keeps or tells: its store is a throw-away file beside the configured one, its findings go
 * to no Alertmanager, and the simulator sends to receivers of its own on loopback, which need no ingest token. It
 * serves no TLS.
 */
export async function runDemo(configPath: string | undefined, io: CliIo): Promise<number> {
  const config = await loadConfig(configPath);
  // A configuration that keeps nothing on disk (':memory:') gets a demo that keeps nothing either.
  const storePath = !configPath ? DEMO_STORE : config.storage.path === ':memory:' ? ':memory:' : join(dirname(config.storage.path), 'flowlens-demo.db');
  // Each demo starts from an empty store, at today's date.
  removeStore(storePath);
  const { url: _alertmanager, ...alertmanager } = config.alertmanager;
  const agent = await startConfiguredAgent({
    ...config,
    storage: { ...config.storage, path: storePath },
    analysis: { ...config.analysis, schedule: '*/30 * * * * *' },
    alertmanager,
    otlp: { ...config.otlp, http: { host: '127.0.0.1', port: 0 }, grpc: false },
    auth: { ...config.auth, ingestTokens: [] },
    // The simulator's plain fetch could not trust a self-signed certificate, nor one that does not name 127.0.0.1.
    tls: {},
  });
  io.stdout.write(`FlowLens demo: agent API on ${agent.apiUrl} — simulating Temporal, Airflow, n8n, Argo, Jenkins and GitHub Actions runs with injected faults…\n`);
  const feed = new FindingFeed();
  const open = () => agent.store.findings({ status: 'open', limit: 10_000 });
  await simulate({
    otlpHttpUrl: agent.otlpHttpUrl!,
    onSlice: async ({ runs, upToMs }) => {
      await agent.analysis.run();
      io.stdout.write(`\n[${new Date(upToMs).toISOString()}] ${runs} runs received\n`);
      io.stdout.write(feed.update(open(), (id) => agent.store.finding(id)));
    },
  });
  io.stdout.write(`\n${FindingFeed.summary(open())}`);
  io.stdout.write(`\nExplore: ${agent.apiUrl}/api/v1/findings, ${agent.apiUrl}/api/v1/workflows?from=now-7d, ${agent.apiUrl}/metrics\nPress Ctrl-C to stop.\n`);
  return (await untilSignalled(agent)) ? 0 : 1;
}
