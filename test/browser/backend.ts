import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const agentSrc = resolve(here, '../../agent/src');

export interface Backend {
  apiUrl: string;
  /** An open finding's id, straight from the agent's API. */
  openFindingId(): Promise<string>;
  finding(id: string): Promise<Record<string, unknown>>;
  /** A workflow as the agent's list gives it (default range). */
  listedWorkflow(name: string): Promise<{ runs: number; failedRuns: number; sparkline: { runs: number[]; failures: number[] } }>;
  /** An open finding of several workflows, and one of its example runs that belongs to another than the finding's own. */
  exampleRunOfAnotherWorkflow(): Promise<{ findingId: string; id: string; runId: string; workflow: string }>;
  /** The agent's comparison of a run with its default baseline. */
  comparison(runId: string): Promise<{ baseline: { runId: string } | null; note?: string; stepsChanged?: number }>;
  stop(): Promise<void>;
}

interface Agent {
  apiUrl: string;
  otlpHttpUrl?: string;
  stop(): Promise<void>;
}

/**
 * The real FlowLens agent on loopback, holding the demo simulator's last four days of runner telemetry (every
 * fault injected, ending now so the pages' default "last 24h" shows the faults), analysed once.
 */
export async function startBackend(dbPath: string): Promise<Backend> {
  const { startAgent } = (await import(join(agentSrc, 'index.js'))) as { startAgent: (config: unknown) => Promise<Agent> };
  const { simulate } = (await import(join(agentSrc, 'demo/simulator.js'))) as typeof import('../../agent/src/demo/simulator.js');
  const agent = await startAgent({
    storage: { path: dbPath },
    otlp: { http: '127.0.0.1:0', grpc: false },
    api: { listen: '127.0.0.1:0' },
    analysis: { enabled: false },
    log: { level: 'error' },
    slos: [{ workflow: 'warehouse-load', objective: 99, window: '7d', maxDuration: '300s' }],
  });
  const call = async <T>(method: string, path: string): Promise<T> => {
    const response = await fetch(`${agent.apiUrl}${path}`, { method });
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  };
  try {
    await simulate({ otlpHttpUrl: agent.otlpHttpUrl!, days: 4, slices: 1 });
    await call('POST', '/api/v1/analyze');
  } catch (err) {
    await agent.stop();
    throw err;
  }
  return {
    apiUrl: agent.apiUrl,
    async openFindingId() {
      const { items } = await call<{ items: Array<{ id: string }> }>('GET', '/api/v1/findings?status=open');
      if (!items[0]) throw new Error('the agent holds no open finding');
      return items[0].id;
    },
    finding: (id) => call('GET', `/api/v1/findings/${encodeURIComponent(id)}`),
    async listedWorkflow(name) {
      const { items } = await call<{ items: Array<Awaited<ReturnType<Backend['listedWorkflow']>> & { name: string }> }>('GET', '/api/v1/workflows');
      const item = items.find((w) => w.name === name);
      if (!item) throw new Error(`the agent does not list ${name}`);
      return item;
    },
    async exampleRunOfAnotherWorkflow() {
      type ExampleRun = { id: string; runId: string; workflow: string };
      const { items } = await call<{ items: Array<{ id: string; workflow: string; workflows?: string[]; exampleRuns: ExampleRun[] }> }>(
        'GET',
        '/api/v1/findings?status=open'
      );
      for (const finding of items.filter((f) => (f.workflows?.length ?? 0) > 1)) {
        const run = finding.exampleRuns.find((r) => r.workflow !== finding.workflow);
        if (run) return { findingId: finding.id, id: run.id, runId: run.runId, workflow: run.workflow };
      }
      throw new Error('no open finding of several workflows has an example run of another than its own');
    },
    comparison: (runId) => call('GET', `/api/v1/runs/${encodeURIComponent(runId)}/compare`),
    stop: () => agent.stop(),
  };
}
