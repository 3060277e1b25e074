import { parseDurationMs } from '../config/units.js';

/** `now`, `now-7d`, `now-90m`, ISO-8601 or epoch milliseconds → ms; undefined when unparseable. */
export function parseTime(text: string, nowMs: number): number | undefined {
  const trimmed = text.trim();
  if (trimmed === 'now') return nowMs;
  const relative = trimmed.match(/^now-(.+)$/);
  if (relative) {
    const offset = parseDurationMs(relative[1]!);
    return offset === undefined ? undefined : nowMs - offset;
  }
  if (/^\d{12,}$/.test(trimmed)) return Number(trimmed);
  const parsed = Date.parse(trimmed);
  return Number.isNaN(parsed) ? undefined : parsed;
}
