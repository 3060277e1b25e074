import { ask, CLIENT_OPTIONS_HELP, parseClientArgs, seconds, when } from './api-client.js';
import type { CliIo } from './main.js';

const HELP = `Usage: flowlens compare RUN [--with RUN] [options]

What changed from the last successful run of the workflow before RUN (or from the run --with names): status,
duration, attributes, and the steps that failed, slowed, sped up, ran or no longer ran. RUN is a run's id as the
API, the Grafana app and \`flowlens findings\` give it.

Options:
  --with RUN     the run to compare with
${CLIENT_OPTIONS_HELP}
`;

interface RunHead {
  id: string;
  runId: string;
  workflow: string;
  status: string;
  startTime: string;
  durationSeconds: number | null;
}

interface Comparison {
  run: RunHead;
  baseline: RunHead | null;
  note?: string;
  summary?: string[];
}

/** `flowlens compare`: 0 when compared (or nothing to compare with), 1 when the agent cannot answer, 2 on bad usage. */
export async function runCompare(args: string[], io: CliIo, env?: NodeJS.ProcessEnv): Promise<number> {
  const parsed = parseClientArgs('compare', HELP, args, io, { with: { type: 'string' } }, env);
  if (typeof parsed === 'number') return parsed;
  const { options, values, positionals } = parsed;
  if (positionals.length !== 1) {
    io.stderr.write(`flowlens compare: ${positionals.length === 0 ? 'name the RUN to compare' : 'name one RUN'}\n\n${HELP}`);
    return 2;
  }
  const other = values['with'] as string | undefined;
  const path = `/api/v1/runs/${encodeURIComponent(positionals[0]!)}/compare${other ? `?${new URLSearchParams({ with: other })}` : ''}`;
  return ask<Comparison>('compare', io, options, path, (answer) => {
    const head = (r: RunHead) => `run ${r.runId} of ${r.workflow} (${r.status}, started ${when(r.startTime)}, ${seconds(r.durationSeconds)})`;
    if (!answer.baseline) return `${head(answer.run)}\n${answer.note ?? 'Nothing to compare it with.'}\n`;
    const lines = answer.summary ?? [];
    return (
      `${head(answer.run)}\nagainst ${head(answer.baseline)}:\n` +
      (lines.length > 0 ? lines.map((line) => `  - ${line.replaceAll('`', '')}`).join('\n') : '  no difference in steps or attributes') +
      '\n'
    );
  });
}
