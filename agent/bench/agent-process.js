// The agent under load runs in its own process (`flowlens serve`), so it and the load generator each get a
// core: free ports on 127.0.0.1, a temporary configuration and store, ready when /readyz answers 200.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'flowlens.js');
const READY_TIMEOUT_MS = 30_000;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts `flowlens serve` with analysis off; `nodeArgs` go to node itself (e.g. --cpu-prof). */
export async function startAgentProcess({ nodeArgs = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-bench-'));
  const [http, grpc, api] = [await freePort(), await freePort(), await freePort()];
  const configPath = join(dir, 'flowlens.yaml');
  writeFileSync(
    configPath,
    [
      `storage:\n  path: ${join(dir, 'flowlens.db')}`,
      `otlp:\n  http: 127.0.0.1:${http}\n  grpc: 127.0.0.1:${grpc}`,
      `api:\n  listen: 127.0.0.1:${api}`,
      'analysis:\n  enabled: false',
      'log:\n  level: warn',
    ].join('\n'),
  );
  const child = spawn(process.execPath, [...nodeArgs, BIN, 'serve', '--config', configPath], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const agent = {
    dir,
    pid: child.pid,
    httpUrl: `http://127.0.0.1:${http}`,
    grpcAddress: `127.0.0.1:${grpc}`,
    apiUrl: `http://127.0.0.1:${api}`,
    /** VmRSS (now) and VmHWM (peak) in MB, from /proc. */
    memory() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
      return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
    },
    /** CPU seconds the agent has used so far (user + system), from /proc/<pid>/stat. */
    cpuSeconds() {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    /** SIGTERM (a graceful stop, which also writes a --cpu-prof profile), then removes the store. */
    async stop({ keep = false } = {}) {
      child.kill('SIGTERM');
      await exited;
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const state = await Promise.race([exited, readyz(agent.apiUrl)]);
    if (state === true) return agent;
    if (typeof state === 'object') throw new Error(`the agent exited before it was ready (${state.code ?? state.signal}): ${stderr}`);
    if (Date.now() > deadline) {
      await agent.stop();
      throw new Error(`the agent was not ready within ${READY_TIMEOUT_MS / 1000} s: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function readyz(apiUrl) {
  try {
    return (await fetch(`${apiUrl}/readyz`)).status === 200;
  } catch {
    return false;
  }
}
