import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Helpers for tests that drive the real Prometheus tool binaries (promtool, amtool, prometheus, alertmanager). */

/** Absolute path of an executable on PATH, or undefined. */
export function findBinary(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a binary to completion; a non-zero exit is a result, not an error. */
export function runTool(file: string, args: string[], cwd?: string): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

/** A port free on 127.0.0.1 right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, attempts = 300, pauseMs = 100): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  throw new Error(`gave up waiting for ${what}`);
}

export interface RunningService {
  url: string;
  dir: string;
  output(): string;
  stop(): Promise<void>;
}

/** Starts a server binary on 127.0.0.1 with files in a fresh temp folder; ready when `readyPath` answers 200. */
export async function startService(opts: {
  binary: string;
  name: string;
  files: Record<string, string>;
  args: (dir: string, listen: string) => string[];
  readyPath: string;
  port?: number;
}): Promise<RunningService> {
  const dir = await mkdtemp(join(tmpdir(), `flowlens-${opts.name}-`));
  for (const [file, text] of Object.entries(opts.files)) await writeFile(join(dir, file), text);
  const port = opts.port ?? (await freePort());
  const listen = `127.0.0.1:${port}`;
  const child: ChildProcess = spawn(opts.binary, opts.args(dir, listen), { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://${listen}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(`${opts.name} on ${listen}`, async () => {
      if (child.exitCode !== null) throw new Error(`${opts.name} exited: ${output}`);
      const response = await fetch(`${url}${opts.readyPath}`);
      return response.ok ? true : undefined;
    });
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return { url, dir, output: () => output, stop };
}

/** A real Alertmanager (no clustering) with the given configuration. */
export function startAlertmanager(configYaml: string, port?: number): Promise<RunningService> {
  return startService({
    binary: findBinary('prometheus-alertmanager') ?? findBinary('alertmanager') ?? 'prometheus-alertmanager',
    name: 'alertmanager',
    files: { 'alertmanager.yml': configYaml },
    args: (dir, listen) => [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${dir}`,
      `--web.listen-address=${listen}`,
      '--cluster.listen-address=',
    ],
    readyPath: '/-/ready',
    port,
  });
}

export const alertmanagerBinary = (): string | undefined => findBinary('prometheus-alertmanager') ?? findBinary('alertmanager');

/** A suffix for a test title saying why it is skipped: ` (skipped: no promtool)`, or '' when all are present. */
export function skipNote(required: Record<string, unknown>): string {
  const absent = Object.entries(required).filter(([, value]) => !value).map(([name]) => name);
  return absent.length ? ` (skipped: no ${absent.join(', no ')})` : '';
}
