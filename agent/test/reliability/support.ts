/**
 * Shared by the reliability tests: workflow runs with unique run ids, OTLP bodies for them, the agent's CLI as a
 * real child process, and counting what the API says is stored.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import oracle from 'otlp-oracle/build/src/generated/root.js';
import { traceRequest } from '../../src/demo/runner-spans.js';
import type { RunRecord, StepRecord } from '../../src/model/workflow.js';

export const BIN = fileURLToPath(new URL('../../bin/flowlens.js', import.meta.url));
const DIST_ENTRY = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** Why a test that spawns the CLI cannot run, or undefined when it can. */
export function cliMissing(): string | undefined {
  try {
    readFileSync(DIST_ENTRY);
    return undefined;
  } catch {
    return 'agent/dist is not built (npx tsc -p agent/tsconfig.build.json)';
  }
}

/** `count` successful two-step CI runs of `workflow` with run ids `<prefix>-<first>`…, a minute apart from `startMs`. */
export function makeRuns(workflow: string, prefix: string, first: number, count: number, startMs: number): RunRecord[] {
  return Array.from({ length: count }, (_, k) => {
    const runId = `${prefix}-${first + k}`;
    const begin = startMs + (first + k) * 60_000;
    const step = (name: string, offset: number): StepRecord => ({
      id: `${runId}-${name}`,
      name,
      status: 'success',
      startMs: begin + offset,
      endMs: begin + offset + 10_000,
      durationMs: 10_000,
      attributes: {},
      downstream: [],
      spanIds: [],
    });
    return {
      id: `${workflow}:${runId}`,
      workflow,
      runner: 'cicd',
      runId,
      traceId: '',
      spanId: '',
      status: 'success',
      startMs: begin,
      endMs: begin + 25_000,
      durationMs: 25_000,
      attributes: { 'service.name': 'reliability', 'cicd.pipeline.run.id': runId },
      steps: [step('build', 1_000), step('test', 12_000)],
    };
  });
}

const collector = (oracle as any).opentelemetry.proto.collector;

/** The same ExportTraceServiceRequest as protobuf: hex span and trace ids become bytes, the rest maps field for field. */
export function protobufOf(json: string | object): Buffer {
  const request: any = typeof json === 'string' ? JSON.parse(json) : json;
  const bytes = (hex: unknown) => (typeof hex === 'string' ? Buffer.from(hex, 'hex') : hex);
  // Copies only the path down to the ids, so the caller's object stays as it was.
  const converted = {
    ...request,
    resourceSpans: (request.resourceSpans ?? []).map((group: any) => ({
      ...group,
      scopeSpans: (group.scopeSpans ?? []).map((scope: any) => ({
        ...scope,
        spans: (scope.spans ?? []).map((span: any) => ({ ...span, traceId: bytes(span.traceId), spanId: bytes(span.spanId), parentSpanId: bytes(span.parentSpanId) })),
      })),
    })),
  };
  const type = collector.trace.v1.ExportTraceServiceRequest;
  return Buffer.from(type.encode(type.fromObject(converted)).finish());
}

/** POSTs runs as one OTLP/JSON request; resolves to the HTTP status and the Retry-After header. */
export async function postRuns(otlpUrl: string, runs: readonly RunRecord[]): Promise<{ status: number; retryAfter: string | null }> {
  const response = await fetch(`${otlpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: traceRequest(runs) });
  await response.arrayBuffer();
  return { status: response.status, retryAfter: response.headers.get('retry-after') };
}

/** A `from=…&to=…` query covering [fromMs, toMs]. */
export function rangeQuery(fromMs: number, toMs: number): string {
  return `from=${new Date(fromMs).toISOString()}&to=${new Date(toMs).toISOString()}`;
}

async function getJson(url: string): Promise<any> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/** Finished runs per workflow as the workflow list counts them. */
export async function runCounts(apiUrl: string, range: string): Promise<Map<string, number>> {
  const body = await getJson(`${apiUrl}/api/v1/workflows?${range}`);
  return new Map(body.items.map((w: { name: string; runs: number }) => [w.name, w.runs]));
}

/** The runner run ids the API lists for a workflow (at most 1000, the API's page size). */
export async function listedRunIds(apiUrl: string, workflow: string, range: string): Promise<string[]> {
  const body = await getJson(`${apiUrl}/api/v1/workflows/${encodeURIComponent(workflow)}/runs?${range}&limit=1000`);
  return body.items.map((run: { runId: string }) => run.runId);
}

export interface CliAgent {
  child: ChildProcessWithoutNullStreams;
  apiUrl: string;
  otlpHttpUrl: string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Sends a signal and waits for the process to end. */
  stop(signal: NodeJS.Signals): Promise<number | null>;
  stderr(): string;
}

/** Environment for `flowlens serve` on loopback ephemeral ports (no gRPC, no scheduled analysis) with its store at `storePath`. */
export function agentEnv(storePath: string, env: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    FLOWLENS_STORAGE_PATH: storePath,
    FLOWLENS_API_LISTEN: '127.0.0.1:0',
    FLOWLENS_OTLP_HTTP: '127.0.0.1:0',
    FLOWLENS_OTLP_GRPC: 'false',
    FLOWLENS_ANALYSIS_ENABLED: 'false',
    FLOWLENS_LOG_LEVEL: 'error',
    ...env,
  };
}

/** `flowlens serve` on loopback ephemeral ports with its store at `storePath`; resolves once it printed its banner. */
export async function spawnAgent(storePath: string, env: Record<string, string> = {}): Promise<CliAgent> {
  const child = spawn(process.execPath, [BIN, 'serve'], { env: agentEnv(storePath, env) });
  let errors = '';
  child.stderr.on('data', (chunk) => (errors += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const banner = await new Promise<string>((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk;
      if (!out.includes('\n')) return;
      child.stdout.off('data', onData);
      resolve(out);
    };
    child.stdout.on('data', onData);
    void exited.then((code) => reject(new Error(`flowlens serve exited ${code} before it was ready: ${errors}`)));
  });
  return {
    child,
    apiUrl: banner.match(/API (http:\/\/[^,\s]+)/)![1]!,
    otlpHttpUrl: banner.match(/OTLP\/HTTP (http:\/\/[^,\s]+)/)![1]!,
    exited,
    stop: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    stderr: () => errors,
  };
}

/** A temp folder for a store; the agents spawned through `spawn` are killed and the folder removed after the file's tests. */
export function tempStore(prefix: string): { dir: string; storePath: string; spawn: (env?: Record<string, string>) => Promise<CliAgent> } {
  const dir = mkdtempSync(join(tmpdir(), `flowlens-${prefix}-`));
  const storePath = join(dir, 'flowlens.db');
  const agents: CliAgent[] = [];
  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.stop('SIGKILL')));
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    storePath,
    spawn: async (env) => {
      const agent = await spawnAgent(storePath, env);
      agents.push(agent);
      return agent;
    },
  };
}

/** Peak resident set size of a process in bytes (VmHWM), read from /proc. */
export function peakRssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmHWM:\s+(\d+) kB/m);
  if (!line) throw new Error(`no VmHWM for ${pid}`);
  return Number(line[1]) * 1024;
}
