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
    for (const command of ['serve', 'demo', 'patterns', 'rules generate', 'status', 'findings', 'compare RUN']) expect(stdout).toContain(command);
  });

  it('exits 2 with the bad key named when the configuration is invalid', async () => {
    const error = await run(process.execPath, [bin, 'serve'], { env: { ...process.env, FLOWLENS_STORAGE_RETENTION: 'soon' } }).catch((e) => e);
    expect(error.code).toBe(2);
    expect(error.stderr).toMatch(/storage\.retention: expected a duration/);
  });

  it('answers --help after serve and demo, and refuses their unknown options with the usage, not a stack trace', async () => {
    for (const command of ['serve', 'demo']) {
      const { stdout } = await run(process.execPath, [bin, command, '--help']);
      expect(stdout).toContain(`usage: flowlens ${command} [--config flowlens.yaml]`);
      const unknown = await run(process.execPath, [bin, command, '--port', '4318']).catch((e) => e);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toBe(`flowlens ${command}: Unknown option '--port'\nusage: flowlens ${command} [--config flowlens.yaml]\n`);
      const positional = await run(process.execPath, [bin, command, 'flowlens.yaml']).catch((e) => e);
      expect(positional.code).toBe(2);
      expect(positional.stderr).toMatch(/^flowlens \w+: Unexpected argument 'flowlens\.yaml'.*\nusage: flowlens \w+ \[--config flowlens\.yaml\]\n$/);
    }
  });

  it('rejects an unknown command', async () => {
    const error = await run(process.execPath, [bin, 'frobnicate']).catch((e) => e);
    expect(error.code).toBe(2);
    expect(error.stderr).toMatch(/unknown command "frobnicate"/);
  });
});
