import { ask, CLIENT_OPTIONS_HELP, parseClientArgs, when } from './api-client.js';
import { escapeControls } from './cells.js';
import type { CliIo } from './main.js';
import { findingKind, findingStatus, severity } from '../api/schemas.js';

// The API's own lists: a value it would refuse is bad usage here, said before asking it.
const SEVERITIES: string[] = [...severity.options];
const KINDS: string[] = [...findingKind.options];
const STATUSES: string[] = [...findingStatus.options];
/** What is still a problem: someone being on it (acknowledged) does not make it go away. */
const LIVE = 'open,acknowledged';
const MAX_LIMIT = 1000;

const HELP = `Usage: flowlens findings [--workflow NAME] [--severity S] [--kind K] [--status S] [options]

The agent's live findings (open or acknowledged, as \`flowlens status\` counts them), the open ones first and
each most severe first: what is wrong, since when, why, and the first thing to do.

Options:
  --workflow NAME  only this workflow's
  --severity S     critical, high, medium, low or info
  --kind K         ${KINDS.slice(0, -1).join(', ')} or ${KINDS.at(-1)}
  --status S       open, acknowledged or resolved, or several comma-separated (default ${LIVE})
  --limit N        at most N, up to ${MAX_LIMIT} (default 20)
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
  acknowledgedBy?: string;
  rootCause: { step?: string; attributes: Record<string, string>; description: string };
  evidence: { affectedRuns: number; totalRuns: number; exampleRunIds: string[]; changes?: { runId: string; baselineRunId: string } };
  recommendations: { title: string; steps: string[] }[];
  /** Absent from older agents, which give only `evidence.exampleRunIds`. */
  exampleRuns?: { runId: string; workflow: string; status: string; startTime: string }[];
}

/** `flowlens findings`: 0 when listed (none included), 1 when the agent cannot answer, 2 on bad usage. */
export async function runFindings(args: string[], io: CliIo, env?: NodeJS.ProcessEnv): Promise<number> {
  const filters = { workflow: { type: 'string' }, severity: { type: 'string' }, kind: { type: 'string' }, status: { type: 'string' }, limit: { type: 'string' } } as const;
  const parsed = parseClientArgs('findings', HELP, args, io, filters, env);
  if (typeof parsed === 'number') return parsed;
  const { options, values, positionals } = parsed;
  const problem = positionals.length > 0 ? `unexpected argument ${JSON.stringify(positionals[0])}` : badFilter(values);
  if (problem) {
    io.stderr.write(`flowlens findings: ${problem}\n\n${HELP}`);
    return 2;
  }
  const query = new URLSearchParams({ status: LIVE, limit: '20' });
  for (const key of Object.keys(filters)) if (typeof values[key] === 'string') query.set(key, values[key] as string);
  const statuses = query.get('status')!.split(',').join(' or ');
  return ask<{ items: FindingItem[] }>('findings', io, options, `/api/v1/findings?${query}`, (answer) =>
    answer.items.length === 0 ? `No ${statuses} finding${query.size > 2 ? ' matches these filters' : ''}.\n` : answer.items.map(describe).join(''),
  );
}

/** What is wrong with the filters, checked here so that a typo is bad usage (2), not the agent refusing (1). */
function badFilter(values: Record<string, unknown>): string | undefined {
  const oneOf = (option: string, allowed: string[], several = false) => {
    const value = values[option];
    if (typeof value !== 'string') return undefined;
    const wrong = (several ? value.split(',') : [value]).find((item) => !allowed.includes(item));
    return wrong === undefined ? undefined : `--${option}: ${JSON.stringify(wrong)} is not one of ${allowed.join(', ')}`;
  };
  const limit = values['limit'];
  if (typeof limit === 'string' && !(/^\d+$/.test(limit) && Number(limit) >= 1 && Number(limit) <= MAX_LIMIT)) {
    return `--limit: expected a whole number from 1 to ${MAX_LIMIT}, not ${JSON.stringify(limit)}`;
  }
  return oneOf('severity', SEVERITIES) ?? oneOf('kind', KINDS) ?? oneOf('status', STATUSES, true);
}

function describe(f: FindingItem): string {
  const workflows = (f.workflows ?? [f.workflow]).join(', ');
  const status = f.status === 'acknowledged' && f.acknowledgedBy ? `acknowledged by ${f.acknowledgedBy}` : f.status;
  const lines = [
    `[${f.status === 'acknowledged' ? `${f.severity}, acknowledged` : f.severity}] ${f.title}`,
    `  ${f.kind} · ${workflows} · ${status} · since ${when(f.firstSeen)} · last seen ${when(f.lastSeen)} · ${f.evidence.affectedRuns} of ${f.evidence.totalRuns} runs`,
    `  why: ${f.rootCause.description}`,
  ];
  const todo = f.recommendations[0];
  if (todo) lines.push(`  do:  ${todo.title}`);
  const run = exampleRun(f);
  if (run) lines.push(`  run: ${run}`);
  const changes = f.evidence.changes;
  if (changes) lines.push(`  compare: flowlens compare ${changes.runId} --with ${changes.baselineRunId}`);
  lines.push(`  id:  ${f.id}`);
  return `${lines.join('\n')}\n\n`;
}

/**
 * The first example run still stored, by its runner's run id (as the runner's UI and the Grafana app show it, and as
 * `flowlens compare --workflow` takes it); an older agent gives only the agent's id.
 */
function exampleRun(f: FindingItem): string | undefined {
  if (!f.exampleRuns) return f.evidence.exampleRunIds[0];
  const [run] = f.exampleRuns;
  return run && `${escapeControls(`${run.runId} of ${run.workflow}`)} (${run.status}, started ${when(run.startTime)})`;
}
