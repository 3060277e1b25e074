import { parseArgs } from 'node:util';
import { formatDuration, utcTime } from '../analyse/format.js';
import { displayWidth, escapeControls, fitCell } from './cells.js';
import type { CliIo } from './main.js';

/**
 * What `status`, `findings` and `compare` share: they ask a running agent's API, on this machine or another, as the
 * Grafana app does. `--url` (or FLOWLENS_URL) names it, `--token` (or FLOWLENS_API_TOKEN) is sent as a bearer token,
 * and `--json` prints the API's answer as it came, for scripts.
 */

const DEFAULT_URL = 'http://127.0.0.1:9470';

export interface ClientOptions {
  url: string;
  token?: string;
  json: boolean;
}

/** The API answered with an error (its status), or could not be reached: said on stderr, exit code 1. */
class ApiCallError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Said after an error of these statuses, whatever the command. */
const HINTS: Record<number, string> = { 401: '--token', 403: '--token' };
/** Longest reason quoted from an answer that is not the agent's own error (a proxy's page). */
const MAX_REASON = 120;

export const CLIENT_OPTIONS_HELP = `  --url URL      the agent's API (default $FLOWLENS_URL or ${DEFAULT_URL})
  --token TOKEN  an API token, when the agent asks for one (default $FLOWLENS_API_TOKEN)
  --json         print the API's answer as JSON
  -h, --help     show this help`;

type Extra = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

/**
 * The command's options and arguments, or the exit code when there is nothing to run: 0 after `--help`, 2 after
 * bad usage (said on stderr).
 */
export function parseClientArgs<E extends Extra>(
  command: string,
  help: string,
  args: string[],
  io: CliIo,
  extra: E,
  env: NodeJS.ProcessEnv = process.env,
): { options: ClientOptions; values: Record<string, unknown>; positionals: string[] } | number {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { url: { type: 'string' }, token: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, ...extra },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    io.stderr.write(`flowlens ${command}: ${(error as Error).message}\n\n${help}`);
    return 2;
  }
  const values = parsed.values as Record<string, unknown>;
  const positionals = parsed.positionals;
  if (values['help']) {
    io.stdout.write(help);
    return 0;
  }
  const url = (values['url'] as string | undefined) ?? env['FLOWLENS_URL'] ?? DEFAULT_URL;
  // `localhost:9470` parses as a URL of scheme `localhost:`: only http and https reach an agent.
  if (!URL.canParse(url) || !['http:', 'https:'].includes(new URL(url).protocol)) {
    io.stderr.write(`flowlens ${command}: --url: ${JSON.stringify(url)} is not an http:// or https:// URL (such as ${DEFAULT_URL})\n`);
    return 2;
  }
  const token = (values['token'] as string | undefined) ?? env['FLOWLENS_API_TOKEN'];
  return { options: { url: url.replace(/\/+$/, ''), ...(token && { token }), json: values['json'] === true }, values, positionals };
}

/** GET a path of the API: its JSON answer, or an `ApiCallError` that says what went wrong in a line. */
async function getJson<T>(options: ClientOptions, path: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${options.url}${path}`, {
      headers: { accept: 'application/json', ...(options.token && { authorization: `Bearer ${options.token}` }) },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new ApiCallError(`cannot reach the agent at ${options.url} (${cause}); is \`flowlens serve\` running there? (--url)`);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new ApiCallError(`the agent at ${options.url} stopped answering (${(error as Error).message})`);
  }
  if (!response.ok) throw new ApiCallError(`the agent answered ${response.status}: ${reasonOf(response, text)}`, response.status);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiCallError(`${options.url} answered something other than the FlowLens API's JSON; is --url the agent's API address?`);
  }
}

/**
 * Why the API refused, in one line: the agent's own error message, else (a proxy's page, say) its title or first
 * words, else the status text.
 */
function reasonOf(response: Response, text: string): string {
  let reason: string | undefined;
  try {
    reason = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message as string | undefined;
  } catch {
    // Not the agent's JSON error.
  }
  if (typeof reason !== 'string') {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1];
    reason = (title ?? text.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim().replace(new RegExp(`^${response.status}\\b\\W*`), '');
    if (reason.length > MAX_REASON) reason = `${reason.slice(0, MAX_REASON - 1)}…`;
  }
  return escapeControls(reason) || response.statusText || 'no reason given';
}

/**
 * Asks the API and prints its answer, as JSON with `--json`, else as `render` puts it: exit code 0, or 1 with the
 * reason in a line on stderr when the agent cannot answer. `hints`: what to say after an error of a status.
 */
export async function ask<T>(
  command: string,
  io: CliIo,
  options: ClientOptions,
  path: string,
  render: (answer: T) => string,
  hints: Record<number, string> = {},
): Promise<number> {
  try {
    const answer = await getJson<T>(options, path);
    io.stdout.write(options.json ? `${JSON.stringify(answer, null, 2)}\n` : render(answer));
    return 0;
  } catch (error) {
    if (!(error instanceof ApiCallError)) throw error;
    const hint = error.status === undefined ? undefined : (hints[error.status] ?? HINTS[error.status]);
    io.stderr.write(`flowlens ${command}: ${error.message}${hint ? ` (${hint})` : ''}\n`);
    return 1;
  }
}

/** The widest a cell may be: a longer name is cut with an ellipsis rather than pad every row. */
const MAX_CELL = 48;

/** Fixed-width columns, the last left ragged: a table for a terminal, whatever the cells hold. */
export function table(rows: string[][]): string {
  const cells = rows.map((row) => row.map((cell) => fitCell(cell, MAX_CELL)));
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => displayWidth(row[i]!))));
  const pad = (cell: string, width: number) => cell + ' '.repeat(width - displayWidth(cell));
  return cells.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : pad(cell, widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}

/** A duration in seconds as titles put it (`formatDuration`), or – when unknown. */
export function seconds(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : formatDuration(value * 1000);
}

/** An ISO time as titles put it (`utcTime`), or – when unknown. */
export function when(iso: string | null | undefined): string {
  return iso ? utcTime(Date.parse(iso)) : '–';
}
