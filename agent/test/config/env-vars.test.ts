import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';

const SECRET = 's3cret-0123456789abcdef';

/** What `flowlens serve` prints when a variable is wrong: the error's message, as main.ts writes it. */
async function failure(env: NodeJS.ProcessEnv): Promise<string> {
  try {
    await loadConfig(undefined, env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('token variables', () => {
  it('take a bare token, or several comma-separated, besides JSON', async () => {
    const one = await loadConfig(undefined, { FLOWLENS_AUTH_API_TOKENS: SECRET });
    expect(one.auth.apiTokens).toEqual([{ token: SECRET }]);
    const two = await loadConfig(undefined, { FLOWLENS_AUTH_INGEST_TOKENS: `${SECRET}, other-0123456789abcdef` });
    expect(two.auth.ingestTokens).toEqual([{ token: SECRET }, { token: 'other-0123456789abcdef' }]);
    const tenants = await loadConfig(undefined, { FLOWLENS_AUTH_API_TOKENS: JSON.stringify([{ token: SECRET, tenant: 'alpha' }]) });
    expect(tenants.auth.apiTokens).toEqual([{ token: SECRET, tenant: 'alpha' }]);
  });

  it('never echo the value in an error', async () => {
    const message = await failure({ FLOWLENS_AUTH_API_TOKENS: `[{"token":"${SECRET}"` });
    expect(message).toMatch(/FLOWLENS_AUTH_API_TOKENS must be a JSON list or comma-separated tokens/);
    expect(message).not.toContain(SECRET);
    const short = await failure({ FLOWLENS_AUTH_INGEST_TOKENS: 's3cret' });
    expect(short).toMatch(/auth\.ingestTokens\.0: tokens must be at least 16 characters/);
    expect(short).not.toContain('s3cret');
  });

  it('refuse an empty value rather than turning authentication off', async () => {
    expect(await failure({ FLOWLENS_AUTH_API_TOKENS: ' ' })).toMatch(/FLOWLENS_AUTH_API_TOKENS is empty/);
    expect((await loadConfig(undefined, { FLOWLENS_AUTH_API_TOKENS: '[]' })).auth.apiTokens).toEqual([]);
  });
});

describe("the CLI's own variables", () => {
  it('are left to the CLI: FLOWLENS_URL and FLOWLENS_API_TOKEN do not stop the agent', async () => {
    const config = await loadConfig(undefined, { FLOWLENS_URL: 'http://127.0.0.1:9470', FLOWLENS_API_TOKEN: SECRET });
    expect(config.auth.apiTokens).toEqual([]);
    expect(await failure({ FLOWLENS_API_TOKENS: SECRET })).toMatch(/unknown environment variable FLOWLENS_API_TOKENS/);
  });
});
