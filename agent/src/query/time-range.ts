import { parseDurationMs } from '../config/units.js';

/**
 * An ISO-8601 date or date-time, `T` or a space between (as the CLI prints times), with an optional zone: `Z`,
 * `UTC`, `+01:00`, `+0100` or `+01`.
 */
const ISO_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * `now`, `now-7d`, `now-90m`, ISO-8601 or epoch milliseconds (any run of digits) → ms; undefined when unparseable.
 * A time without a zone is UTC, as every time the API and the CLI print is: not the agent's own zone.
 */
export function parseTime(text: string, nowMs: number): number | undefined {
  const trimmed = text.trim();
  if (trimmed === 'now') return nowMs;
  const relative = trimmed.match(/^now-(.+)$/);
  if (relative) {
    const offset = parseDurationMs(relative[1]!);
    return offset === undefined ? undefined : nowMs - offset;
  }
  if (/^\d+$/.test(trimmed)) {
    const ms = Number(trimmed);
    return Number.isSafeInteger(ms) ? ms : undefined;
  }
  const iso = ISO_TIME.exec(trimmed);
  if (!iso) return undefined;
  const [, date, time = '00:00', zone = 'Z'] = iso;
  const parsed = Date.parse(`${date}T${time}${offsetOf(zone)}`);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** A zone as `Date.parse` reads it in every engine: `Z` or `±hh:mm`. */
function offsetOf(zone: string): string {
  if (/^(z|utc)$/i.test(zone)) return 'Z';
  const digits = zone.slice(1).replace(':', '');
  return `${zone[0]}${digits.slice(0, 2)}:${digits.slice(2) || '00'}`;
}
