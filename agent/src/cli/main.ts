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
        return await (await import('./serve.js')).runServe(configPath(rest), io);
      case 'demo':
        return await (await import('./demo.js')).runDemo(configPath(rest), io);
      case 'patterns':
        return await (await import('./patterns.js')).runPatterns(rest, io);
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

function configPath(args: string[]): string | undefined {
  const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' } }, strict: true });
  return values.config;
}

async function version(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
