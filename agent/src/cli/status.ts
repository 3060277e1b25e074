import { parseTime } from '../query/time-range.js';
import { ask, CLIENT_OPTIONS_HELP, parseClientArgs, seconds, table, when } from './api-client.js';
import type { CliIo } from './main.js';

const HELP = `Usage: flowlens status [--from now-24h] [--to now] [options]

Every workflow that ran in the range or has a live finding (a stalled one has no runs), worst first: its health,
runs, failures, p95 duration, open findings (acknowledged ones included: still live) by severity and its newest run.

Options:
  --from TIME    start of the range: ISO (UTC unless it says otherwise), epoch ms or now-7d (default now-24h)
  --to TIME      end of the range (default now)
${CLIENT_OPTIONS_HELP}
`;

interface WorkflowItem {
  name: string;
  runner: string;
  runs: number;
  failedRuns: number;
  p95DurationSeconds: number | null;
  lastRunAt: string | null;
  health: { score: number | null; status: string };
  openFindings: Record<string, number>;
}

/** `flowlens status`: 0 when listed, 1 when the agent cannot answer, 2 on bad usage. */
export async function runStatus(args: string[], io: CliIo, env?: NodeJS.ProcessEnv): Promise<number> {
  const parsed = parseClientArgs('status', HELP, args, io, { from: { type: 'string' }, to: { type: 'string' } }, env);
  if (typeof parsed === 'number') return parsed;
  const { options, values, positionals } = parsed;
  const query = new URLSearchParams({ from: (values['from'] as string | undefined) ?? 'now-24h', to: (values['to'] as string | undefined) ?? 'now' });
  // Read here as the agent reads them, so that a typo is bad usage (2), not the agent refusing (1).
  const nowMs = Date.now();
  const [fromMs, toMs] = ['from', 'to'].map((key) => parseTime(query.get(key)!, nowMs));
  const unreadable = fromMs === undefined ? 'from' : toMs === undefined ? 'to' : undefined;
  const problem =
    positionals.length > 0
      ? `unexpected argument ${JSON.stringify(positionals[0])}`
      : unreadable
        ? `--${unreadable}: cannot read ${JSON.stringify(query.get(unreadable))} as a time (ISO, epoch ms or now-7d)`
        : fromMs! > toMs! && `--from ${query.get('from')} is after --to ${query.get('to')}`;
  if (problem) {
    io.stderr.write(`flowlens status: ${problem}\n\n${HELP}`);
    return 2;
  }
  return ask<{ items: WorkflowItem[] }>('status', io, options, `/api/v1/workflows?${query}`, (answer) => {
    if (answer.items.length === 0) return `No workflow ran between ${query.get('from')} and ${query.get('to')}.\n`;
    const rows = [['WORKFLOW', 'RUNNER', 'HEALTH', 'RUNS', 'FAILED', 'P95', 'OPEN FINDINGS', 'LAST RUN']];
    for (const w of answer.items) {
      const findings = Object.entries(w.openFindings).filter(([, n]) => n > 0).map(([severity, n]) => `${n} ${severity}`).join(', ');
      rows.push([
        w.name,
        w.runner,
        // Unknown health (too few runs) has no score: not a 0.
        `${w.health.status} ${w.health.score === null ? '–' : Math.round(w.health.score)}`,
        String(w.runs),
        String(w.failedRuns),
        seconds(w.p95DurationSeconds),
        findings || '–',
        when(w.lastRunAt),
      ]);
    }
    return table(rows);
  });
}
