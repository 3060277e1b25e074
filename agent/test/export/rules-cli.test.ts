import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runRules } from '../../src/cli/rules.js';
import { loadConfig } from '../../src/config/load.js';
import { findBinary, runTool } from './support/tools.js';

const promtool = findBinary('promtool');
const load = (path?: string) => loadConfig(path, {});

function capture() {
  const out = { stdout: '', stderr: '' };
  const io = { stdout: { write: (t: string) => (out.stdout += t) }, stderr: { write: (t: string) => (out.stderr += t) } };
  return { out, io };
}

describe('flowlens rules generate', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flowlens-rules-cli-'));
    await writeFile(
      join(dir, 'flowlens.yaml'),
      ['slos:', '  - { workflow: nightly-etl, objective: 99, window: 30d }', '  - { workflow: deploy, name: fast-deploys, objective: 95, window: 7d, maxDuration: 10m }', ''].join('\n'),
    );
    await writeFile(join(dir, 'bad-bucket.yaml'), 'slos:\n  - { workflow: deploy, objective: 95, window: 7d, maxDuration: 7m }\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes the rules of the configured SLOs to --out, and promtool accepts them', async () => {
    const { out, io } = capture();
    const file = join(dir, 'slo.rules.yml');
    expect(await runRules(['generate', '--config', join(dir, 'flowlens.yaml'), '--out', file], io, load)).toBe(0);
    expect(out.stderr).toBe(`flowlens rules: wrote rules for 2 SLO(s) to ${file}\n`);
    const doc = parse(await readFile(file, 'utf8')) as { groups: { name: string }[] };
    expect(doc.groups.map((g) => g.name)).toEqual(['flowlens-slo:nightly-etl:nightly-etl-99', 'flowlens-slo:deploy:fast-deploys']);
    if (promtool) expect((await runTool(promtool, ['check', 'rules', file])).code).toBe(0);
  });

  it('prints to stdout without --out', async () => {
    const { out, io } = capture();
    expect(await runRules(['generate', `--config=${join(dir, 'flowlens.yaml')}`], io, load)).toBe(0);
    expect(out.stdout).toContain('le=~"600(\\\\.0)?"');
    expect(out.stderr).toBe('');
  });

  it('says so when no SLO is configured and still writes a valid empty rule file', async () => {
    const { out, io } = capture();
    expect(await runRules(['generate'], io, load)).toBe(0);
    expect(out.stderr).toContain('no SLOs configured');
    expect(parse(out.stdout)).toEqual({ groups: [] });
  });

  it('fails with 1 and the reason when an SLO cannot be expressed or the config is invalid', async () => {
    const bucket = capture();
    expect(await runRules(['generate', '--config', join(dir, 'bad-bucket.yaml')], bucket.io, load)).toBe(1);
    expect(bucket.out.stderr).toMatch(/maxDuration 420s is not a bucket bound/);
    const missing = capture();
    expect(await runRules(['generate', '--config', join(dir, 'nope.yaml')], missing.io, load)).toBe(1);
    expect(missing.out.stderr).toMatch(/^flowlens rules: /);
  });

  it('answers usage errors with 2', async () => {
    const { out, io } = capture();
    expect(await runRules(['frobnicate'], io, load)).toBe(2);
    expect(await runRules(['generate', '--colour'], io, load)).toBe(2);
    expect(out.stderr).toContain('usage: flowlens rules generate');
  });
});
