import { parseArgs } from 'node:util';
import { ConfigError } from '../config/error.js';
import { StoreOpenError } from '../store/sqlite/open.js';

const HELP = `flowlens — troubleshooting for workflow automation

Usage:
  flowlens serve [--config flowlens.yaml]      run the agent (OTLP on :4318 HTTP and :4317 gRPC, API on :9470)
  flowlens demo [--config flowlens.yaml]       run the agent with a built-in simulator of runners with faults
  flowlens patterns [FILE|-]                   group log lines by template; prints one JSON line per input line
  flowlens rules generate [--config FILE] [--out FILE]
                                               write Prometheus SLO recording and alerting rules
  flowlens status [--from now-24h]             ask a running agent: its workflows, worst first
  flowlens findings [--workflow NAME]          ask a running agent: what is wrong, why, what to do
  flowlens compare RUN [--with RUN]            ask a running agent: what changed since the last good run
                                               (these three take --url, --token and --json; see --help)
  flowlens --help | --version

Every configuration key can also be set as a FLOWLENS_… environment variable (see the README).
`;

export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const defaultIo: CliIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

/** The `flowlens` command: returns the process exit code. */
export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.stdout.write(HELP);
        return 0;
      case '-v':
      case '--version':
        io.stdout.write(`${await version()}\n`);
        return 0;
      // Commands load lazily: `--help` or `patterns` should not pay for the whole agent's start-up.
      case 'serve':
      case 'demo': {
        const options = agentOptions(command, rest, io);
        if (typeof options === 'number') return options;
        if (command === 'serve') return await (await import('./serve.js')).runServe(options.config, io);
        return await (await import('./demo.js')).runDemo(options.config, io);
      }
      case 'patterns':
        return await (await import('./patterns.js')).runPatterns(rest, io);
      case 'status':
        return await (await import('./status.js')).runStatus(rest, io);
      case 'findings':
        return await (await import('./findings.js')).runFindings(rest, io);
      case 'compare':
        return await (await import('./compare.js')).runCompare(rest, io);
      case 'rules': {
        const { loadConfig } = await import('../config/load.js');
        return await (await import('./rules.js')).runRules(rest, io, (path) => loadConfig(path));
      }
      default:
        io.stderr.write(`flowlens: unknown command "${command}"\n\n${HELP}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr.write(`flowlens: ${error.message}\n`);
      return 2;
    }
    if (error instanceof StoreOpenError) {
      io.stderr.write(`flowlens: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

/**
 * The options of `serve` and `demo`, or the exit code when there is nothing to run: 0 after `--help`, 2 after an
 * unknown option or an argument (said on stderr, not thrown as a stack trace).
 */
function agentOptions(command: string, args: string[], io: CliIo): { config?: string } | number {
  const usage = `usage: flowlens ${command} [--config flowlens.yaml]\n`;
  let values;
  try {
    ({ values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (error) {
    io.stderr.write(`flowlens ${command}: ${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(`${usage}\n${HELP}`);
    return 0;
  }
  return { config: values.config };
}

async function version(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
