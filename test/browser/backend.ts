import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const AGENT_ENTRY = join(repo, 'agent/src/index.ts');

export interface Backend {
  apiUrl: string;
  /** An open finding's id, straight from the agent's API. */
  openFindingId(): Promise<string>;
  finding(id: string): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

interface Agent {
  apiUrl: string;
  otlpHttpUrl: string;
  stop(): Promise<void>;
}

/**
 * The real FlowLens agent, fed by the demo simulator's runner telemetry with every fault injected and analysed
 * once. Until agent/src/index.ts exists, the plugin's recorded responses stand in (see recordedAgent.ts).
 */
export async function startBackend(dbPath: string): Promise<Backend> {
  const agent: Agent = existsSync(AGENT_ENTRY) ? await startRealAgent(dbPath) : await startRecorded();
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${agent.apiUrl}${path}`);
    if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  };
  return {
    apiUrl: agent.apiUrl,
    async openFindingId() {
      const { items } = await get<{ items: Array<{ id: string }> }>('/api/v1/findings?status=open');
      if (!items[0]) throw new Error('the agent holds no open finding');
      return items[0].id;
    },
    finding: (id) => get(`/api/v1/findings/${encodeURIComponent(id)}`),
    stop: () => agent.stop(),
  };
}

async function startRealAgent(dbPath: string): Promise<Agent> {
  const { startAgent } = (await import(AGENT_ENTRY)) as { startAgent: (config: unknown) => Promise<Agent> };
  const { simulate } = await import('../../agent/src/demo/simulator.js');
  const agent = await startAgent({
    storage: { path: dbPath },
    otlp: { http: '127.0.0.1:0', grpc: false },
    api: { listen: '127.0.0.1:0' },
  });
  await simulate({ otlpHttpUrl: agent.otlpHttpUrl, days: 4 });
  const analyzed = await fetch(`${agent.apiUrl}/api/v1/analyze`, { method: 'POST' });
  if (!analyzed.ok) throw new Error(`analyze answered ${analyzed.status}: ${await analyzed.text()}`);
  return agent;
}

async function startRecorded(): Promise<Agent> {
  console.warn('agent/src/index.ts is absent: the browser test runs against recorded agent responses');
  const { startRecordedAgent } = await import('./recordedAgent.js');
  return startRecordedAgent(join(repo, 'grafana-plugin/src/test/responses'));
}
