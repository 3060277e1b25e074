import { ask, CLIENT_OPTIONS_HELP, parseClientArgs, seconds, when } from './api-client.js';
import type { CliIo } from './main.js';

const HELP = `Usage: flowlens compare RUN [--with RUN] [--workflow NAME] [options]

What changed from the last successful run of the workflow before RUN (or from the run --with names): status,
duration, attributes, and the steps that failed, slowed, sped up, ran or no longer ran. RUN is a run's id as the
API and \`flowlens findings\` give it or, with --workflow, the runner's own run id (a GitHub run id, an Airflow
run id) as the Grafana app shows it; --with takes either.

Options:
  --with RUN       the run to compare with
  --workflow NAME  RUN's workflow, to name RUN by its runner's run id
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
  const parsed = parseClientArgs('compare', HELP, args, io, { with: { type: 'string' }, workflow: { type: 'string' } }, env);
  if (typeof parsed === 'number') return parsed;
  const { options, values, positionals } = parsed;
  if (positionals.length !== 1) {
    io.stderr.write(`flowlens compare: ${positionals.length === 0 ? 'name the RUN to compare' : 'name one RUN'}\n\n${HELP}`);
    return 2;
  }
  const other = values['with'] as string | undefined;
  const workflow = values['workflow'] as string | undefined;
  const query = new URLSearchParams({ ...(other && { with: other }), ...(workflow && { workflow }) });
  const path = `/api/v1/runs/${encodeURIComponent(positionals[0]!)}/compare${query.size > 0 ? `?${query}` : ''}`;
  // Without its workflow the agent knows a run only by its own id, while the app shows the runner's.
  const hints: Record<number, string> = workflow ? {} : { 404: "a runner's run id, as the Grafana app shows it, needs --workflow NAME" };
  const render = (answer: Comparison) => {
    // A running run's duration is its latest span's end: when it was last heard of, not how long it has run.
    const head = (r: RunHead) =>
      `run ${r.runId} of ${r.workflow} (${r.status}, started ${when(r.startTime)}, ${r.status === 'running' ? `last heard of ${seconds(r.durationSeconds)} in` : seconds(r.durationSeconds)})`;
    if (!answer.baseline) return `${head(answer.run)}\n${answer.note ?? 'Nothing to compare it with.'}\n`;
    const lines = answer.summary ?? [];
    return (
      `${head(answer.run)}\nagainst ${head(answer.baseline)}:\n` +
      (lines.length > 0 ? lines.map((line) => `  - ${line.replaceAll('`', '')}`).join('\n') : '  no difference in steps or attributes') +
      '\n'
    );
  };
  return ask<Comparison>('compare', io, options, path, render, hints);
}
