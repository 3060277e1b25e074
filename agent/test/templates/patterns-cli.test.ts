import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runPatterns } from '../../src/cli/patterns.js';

const dir = mkdtempSync(join(tmpdir(), 'flowlens-patterns-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const input = [
  'Failed password for invalid user test9 from 52.80.34.196 port 36060 ssh2',
  'Connection timeout to db1.example.com:5432 after 3000ms',
  'Failed password for invalid user webmaster from 173.234.31.186 port 38926 ssh2',
  'Failed password for invalid user ftpuser from 10.0.0.1 port 62891 ssh2',
  '',
  'Failed password for invalid user pi from 10.0.0.2 port 49289 ssh2',
  'Connection timeout to 10.0.0.7:5432 after 250 ms',
  'Failed password for invalid user admin from 10.1.1.1 port 22 ssh2',
];

async function run(argv: string[], stdinText = '') {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await runPatterns(argv, { stdin: Readable.from([stdinText]), stdout, stderr });
  return { code, out, err };
}

const parse = (out: string) =>
  out
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { line: number; templateId: string; template: string });

describe('flowlens patterns', () => {
  it('prints one JSON line per input line, in order, each with its final template', async () => {
    const file = join(dir, 'errors.log');
    writeFileSync(file, input.join('\n') + '\n');
    const { code, out, err } = await run([file]);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    const rows = parse(out);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const ssh = 'Failed password for invalid user <*> from <*> port <*> ssh2';
    // The first user name was a constant when it arrived; its line is printed with the template it ended in.
    expect(rows.map((r) => r.template)).toEqual([
      ssh,
      'Connection timeout to <*> after <*>',
      ssh,
      ssh,
      '',
      ssh,
      'Connection timeout to <*> after <*>',
      ssh,
    ]);
    expect(new Set(rows.map((r) => r.templateId)).size).toBe(3);
  });

  it('reads standard input for "-" or no file, with the same result as for the file', async () => {
    const file = join(dir, 'same.log');
    writeFileSync(file, input.join('\r\n'));
    const fromFile = await run([file]);
    const dash = await run(['-'], input.join('\n'));
    const none = await run([], input.join('\n'));
    expect(dash).toEqual(fromFile);
    expect(none).toEqual(fromFile);
  });

  it('explains itself with --help and rejects bad usage', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/final template/);
    const bad = await run(['--frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown option --frobnicate/);
    expect((await run(['a.log', 'b.log'])).code).toBe(2);
    const missing = await run([join(dir, 'no-such.log')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/ENOENT/);
  });
});
