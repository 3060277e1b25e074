import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgent, type RunningAgent } from '../../src/agent.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { createLogger, type Logger } from '../../src/runtime/logger.js';

export interface TestAgent extends RunningAgent {
  dir: string;
  get<T = any>(path: string, token?: string): Promise<{ status: number; body: T }>;
  post<T = any>(path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/**
 * A real agent on ephemeral loopback ports with its SQLite file in a temp folder; analysis only on demand. It logs
 * errors only, unless given a logger.
 */
export async function startTestAgent(overrides: ConfigInput = {}, logger: Logger = createLogger('error')): Promise<TestAgent> {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-test-'));
  const agent = await startAgent(
    {
      storage: { path: join(dir, 'flowlens.db') },
      otlp: { http: '127.0.0.1:0', grpc: '127.0.0.1:0' },
      api: { listen: '127.0.0.1:0' },
      analysis: { enabled: false },
      ...overrides,
    },
    { logger },
  );
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const response = await fetch(`${agent.apiUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...(token && { authorization: `Bearer ${token}` }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  return Object.assign(agent, {
    dir,
    get: (path: string, token?: string) => call('GET', path, undefined, token),
    post: (path: string, body?: unknown, token?: string) => call('POST', path, body, token),
    close: async () => {
      await agent.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}
