import { parseTime } from '../query/time-range.js';
import { ApiError } from './errors.js';

const DAY_MS = 86_400_000;

/** Resolves `from`/`to` query values against the wall clock; default: the last 24 hours. */
export function resolveRange(from: string | undefined, to: string | undefined, nowMs: number): { fromMs: number; toMs: number } {
  const toMs = to === undefined ? nowMs : parseTime(to, nowMs);
  if (toMs === undefined) throw new ApiError(400, `to: cannot read ${JSON.stringify(to)} as a time (ISO, epoch ms or now-1h)`);
  const fromMs = from === undefined ? toMs - DAY_MS : parseTime(from, nowMs);
  if (fromMs === undefined) throw new ApiError(400, `from: cannot read ${JSON.stringify(from)} as a time (ISO, epoch ms or now-7d)`);
  if (fromMs > toMs) throw new ApiError(400, 'from must not be after to');
  return { fromMs, toMs };
}
