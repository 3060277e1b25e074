import { ask, CLIENT_OPTIONS_HELP, parseClientArgs, when } from './api-client.js';
import type { CliIo } from './main.js';

const HELP = `Usage: flowlens findings [--workflow NAME] [--severity S] [--kind K] [--status open] [options]

The agent's findings, most severe first: what is wrong, since when, why, and the first thing to do.

Options:
  --workflow NAME  only this workflow's
  --severity S     critical, high, medium, low or info
  --kind K         anomaly, error_pattern, correlation, flaky, trend, sla, stalled or rule
  --status S       open (default), acknowledged or resolved
  --limit N        at most N (default 20)
${CLIENT_OPTIONS_HELP}
`;

interface FindingItem {
  id: string;
  kind: string;
  severity: string;
  status: string;
  workflow: string;
  workflows?: string[];
  title: string;
  firstSeen: string;
  lastSeen: string;
  rootCause: { step?: string; attributes: Record<string, string>; description: string };
  evidence: { affectedRuns: number; totalRuns: number; exampleRunIds: string[]; changes?: { runId: string; baselineRunId: string } };
  recommendations: { title: string; steps: string[] }[];
}

/** `flowlens findings`: 0 when listed (none included), 1 when the agent cannot answer, 2 on bad usage. */
export async function runFindings(args: string[], io: CliIo, env?: NodeJS.ProcessEnv): Promise<number> {
  const filters = { workflow: { type: 'string' }, severity: { type: 'string' }, kind: { type: 'string' }, status: { type: 'string' }, limit: { type: 'string' } } as const;
  const parsed = parseClientArgs('findings', HELP, args, io, filters, env);
  if (typeof parsed === 'number') return parsed;
  const { options, values, positionals } = parsed;
  if (positionals.length > 0) {
    io.stderr.write(`flowlens findings: unexpected argument ${JSON.stringify(positionals[0])}\n\n${HELP}`);
    return 2;
  }
  const query = new URLSearchParams({ status: 'open', limit: '20' });
  for (const key of Object.keys(filters)) if (typeof values[key] === 'string') query.set(key, values[key] as string);
  return ask<{ items: FindingItem[] }>('findings', io, options, `/api/v1/findings?${query}`, (answer) =>
    answer.items.length === 0 ? `No ${query.get('status')} finding${query.size > 2 ? ' matches these filters' : ''}.\n` : answer.items.map(describe).join(''),
  );
}

function describe(f: FindingItem): string {
  const workflows = (f.workflows ?? [f.workflow]).join(', ');
  const lines = [
    `[${f.severity}] ${f.title}`,
    `  ${f.kind} · ${workflows} · ${f.status} · since ${when(f.firstSeen)} · last seen ${when(f.lastSeen)} · ${f.evidence.affectedRuns} of ${f.evidence.totalRuns} runs`,
    `  why: ${f.rootCause.description}`,
  ];
  const todo = f.recommendations[0];
  if (todo) lines.push(`  do:  ${todo.title}`);
  const run = f.evidence.exampleRunIds[0];
  if (run) lines.push(`  run: ${run}`);
  const changes = f.evidence.changes;
  if (changes) lines.push(`  compare: flowlens compare ${changes.runId} --with ${changes.baselineRunId}`);
  lines.push(`  id:  ${f.id}`);
  return `${lines.join('\n')}\n\n`;
}
