import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { generateSloRules, type SloRuleInput } from '../export/slo-rules.js';

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

const USAGE = `usage: flowlens rules generate [--config FILE] [--out FILE]

Writes Prometheus recording and alerting rules for the SLOs in the configuration
(multiwindow, multi-burn-rate) to FILE, or to standard output.
`;

/**
 * `flowlens rules …`; argv starts after `rules`. Exit codes: 0 done, 1 the configuration or its SLOs are
 * invalid or the file cannot be written, 2 bad usage.
 */
export async function runRules(
  argv: string[],
  io: CliIo,
  loadConfig: (path?: string) => Promise<{ slos: SloRuleInput[] }>,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { config: { type: 'string', short: 'c' }, out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] !== 'generate') {
    io.stderr.write(USAGE);
    return 2;
  }

  let text: string;
  let count: number;
  try {
    const { slos } = await loadConfig(values.config);
    count = slos.length;
    text = generateSloRules(slos);
  } catch (error) {
    io.stderr.write(`flowlens rules: ${(error as Error).message}\n`);
    return 1;
  }
  if (count === 0) io.stderr.write('flowlens rules: no SLOs configured (key `slos`); the rule file has no groups\n');

  if (values.out === undefined) {
    io.stdout.write(text);
    return 0;
  }
  try {
    await writeFile(values.out, text);
  } catch (error) {
    io.stderr.write(`flowlens rules: cannot write ${values.out}: ${(error as Error).message}\n`);
    return 1;
  }
  io.stderr.write(`flowlens rules: wrote rules for ${count} SLO(s) to ${values.out}\n`);
  return 0;
}
