import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startAgent } from '../../src/agent.js';
import { ConfigError } from '../../src/config/error.js';
import type { ConfigInput } from '../../src/config/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'flowlens-validation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const token = (name: string) => `${name}-token-0123456789abcdef`;

/** Starts an agent with its store in the temp folder; resolves to the error it refused to start with. */
async function startFailure(config: ConfigInput): Promise<Error> {
  const agent = await startAgent({
    storage: { path: join(dir, 'data', 'flowlens.db') },
    otlp: { http: '127.0.0.1:0', grpc: false },
    api: { listen: '127.0.0.1:0' },
    ...config,
  }).catch((error: Error) => error);
  if (!(agent instanceof Error)) {
    await agent.stop();
    throw new Error('the agent started');
  }
  return agent;
}

describe('configuration checked at start', () => {
  it('names analysis.schedule when it is no cron expression, before anything listens', async () => {
    const error = await startFailure({ analysis: { enabled: true, schedule: '61 * * * *' } });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/analysis\.schedule: expected a cron expression .*"61 \* \* \* \*".*out of range/);
  });

  it('names analysis.schedule when it never fires', async () => {
    const error = await startFailure({ analysis: { enabled: true, schedule: '0 0 30 2 *' } });
    expect(error.message).toMatch(/analysis\.schedule: "0 0 30 2 \*" never fires/);
  });

  it('keeps tenant names that were valid before, capitals included', async () => {
    const agent = await startAgent({
      storage: { path: join(dir, 'tenants', 'flowlens.db') },
      otlp: { http: '127.0.0.1:0', grpc: false },
      api: { listen: '127.0.0.1:0' },
      auth: { ingestTokens: [{ token: token('t'), tenant: 'TeamA.eu' }] },
    });
    expect([...agent.tenants.keys()]).toContain('TeamA.eu');
    expect(existsSync(join(dir, 'tenants', 'flowlens.TeamA.eu.db'))).toBe(true);
    await agent.stop();
  });

  it('refuses a tenant name that would put its store outside the data folder', async () => {
    const error = await startFailure({ auth: { ingestTokens: [{ token: token('a'), tenant: 'x/../../escaped' }] } });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/auth\.ingestTokens\.0\.tenant: a tenant is named by 1 to 63 letters/);
    expect(existsSync(join(dir, 'escaped.db'))).toBe(false);
  });

  it('refuses a token given to two tenants, without printing it', async () => {
    const error = await startFailure({
      auth: { apiTokens: [{ token: token('shared'), tenant: 'alpha' }, { token: token('shared'), tenant: 'beta' }] },
    });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/auth\.apiTokens\.1: this token is given to tenant "beta" here and to tenant "alpha" at auth\.apiTokens\.0/);
    expect(error.message).not.toContain(token('shared'));
  });

  it('accepts one token for ingest and API of the same tenant', async () => {
    const agent = await startAgent({
      storage: { path: join(dir, 'same', 'flowlens.db') },
      otlp: { http: '127.0.0.1:0', grpc: false },
      api: { listen: '127.0.0.1:0' },
      analysis: { enabled: false },
      auth: { ingestTokens: [{ token: token('team'), tenant: 'team-a' }], apiTokens: [{ token: token('team'), tenant: 'team-a' }] },
    });
    expect([...agent.tenants.keys()]).toEqual(['', 'team-a']);
    await agent.stop();
  });
});
