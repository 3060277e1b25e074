import { rmSync } from 'node:fs';
import { startConfiguredAgent } from '../agent.js';
import { loadConfig } from '../config/load.js';
import { simulate } from '../demo/simulator.js';
import { FindingFeed } from './finding-feed.js';
import type { CliIo } from './main.js';
import { untilSignalled } from './serve.js';

const DEMO_STORE = './data/flowlens-demo.db';

/**
 * `flowlens demo`: the agent plus a simulator of several runners with injected faults, printing findings as
 * they appear. The store defaults to a throw-away file so the demo never mixes with real data.
 */
export async function runDemo(configPath: string | undefined, io: CliIo): Promise<number> {
  const config = await loadConfig(configPath);
  const storePath = configPath ? config.storage.path : DEMO_STORE;
  // The default demo store is throw-away: each demo starts from an empty one, at today's date.
  if (!configPath) for (const suffix of ['', '-wal', '-shm']) rmSync(`${DEMO_STORE}${suffix}`, { force: true });
  const agent = await startConfiguredAgent({
    ...config,
    storage: { ...config.storage, path: storePath },
    analysis: { ...config.analysis, schedule: '*/30 * * * * *' },
  });
  if (!agent.otlpHttpUrl) throw new Error('the demo needs the OTLP/HTTP receiver (otlp.http) turned on');
  io.stdout.write(`FlowLens demo: agent API on ${agent.apiUrl} — simulating Temporal, Airflow, n8n, Argo, Jenkins and GitHub Actions runs with injected faults…\n`);
  const feed = new FindingFeed();
  const open = () => agent.store.findings({ status: 'open', limit: 10_000 });
  await simulate({
    otlpHttpUrl: agent.otlpHttpUrl,
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
