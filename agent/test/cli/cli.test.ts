import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/flowlens.js', import.meta.url));

// The built CLI, as `npx flowlens` runs it after `npm ci`.
describe('flowlens CLI', () => {
  it('prints help naming every command', async () => {
    const { stdout } = await run(process.execPath, [bin, '--help']);
    for (const command of ['serve', 'demo', 'patterns', 'rules generate']) expect(stdout).toContain(command);
  });

  it('exits 2 with the bad key named when the configuration is invalid', async () => {
    const error = await run(process.execPath, [bin, 'serve'], { env: { ...process.env, FLOWLENS_STORAGE_RETENTION: 'soon' } }).catch((e) => e);
    expect(error.code).toBe(2);
    expect(error.stderr).toMatch(/storage\.retention: expected a duration/);
  });

  it('rejects an unknown command', async () => {
    const error = await run(process.execPath, [bin, 'frobnicate']).catch((e) => e);
    expect(error.code).toBe(2);
    expect(error.stderr).toMatch(/unknown command "frobnicate"/);
  });
});
