/**
 * Times as a zone's clocks show them, for what repeats by the clock on the wall: a schedule that runs at 09:00 in
 * Berlin runs an hour earlier in UTC from the last Sunday of March, and a nightly batch's heavy hour moves with it.
 * A wall time is a number of milliseconds like an epoch time, read in the zone: `toWall` adds the zone's offset at
 * that instant, so a day or a week later in wall time is the same time of day on the zone's clocks.
 */
export interface WallClock {
  /** The IANA zone, e.g. `Europe/Berlin`; `UTC` by default. */
  zone: string;
  toWall(ms: number): number;
  fromWall(wallMs: number): number;
}

const UTC: WallClock = { zone: 'UTC', toWall: (ms) => ms, fromWall: (wallMs) => wallMs };
/** Zones change their offset on the quarter hour of UTC at the finest (Newfoundland's at 04:30 UTC, Nepal's +5:45). */
const OFFSET_STEP_MS = 15 * 60_000;
/** Offsets remembered per zone, a quarter hour each: some 200 days' worth, more than an analysis window holds. */
const MAX_CACHED = 20_000;
const clocks = new Map<string, WallClock>([['UTC', UTC]]);
/** Further than any zone's offset from UTC. */
const CHANGE_REACH_MS = 15 * 3_600_000;

/** Whether `zone` is a time zone this runtime knows (`Intl`'s IANA names, `UTC`). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The clock of `zone` (an IANA name this runtime knows), one per zone. */
export function wallClock(zone = 'UTC'): WallClock {
  let clock = clocks.get(zone);
  if (!clock) clocks.set(zone, (clock = zoneClock(zone)));
  return clock;
}

function zoneClock(zone: string): WallClock {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  });
  // `Intl` is a few microseconds a call: an analysis pass asks for thousands of starts, most in the same hours.
  const offsets = new Map<number, number>();
  const offsetAt = (ms: number): number => {
    const step = Math.floor(ms / OFFSET_STEP_MS);
    let offset = offsets.get(step);
    if (offset === undefined) {
      const at = step * OFFSET_STEP_MS;
      const part: Record<string, number> = {};
      for (const { type, value } of format.formatToParts(at)) part[type] = Number(value);
      offset = Date.UTC(part.year!, part.month! - 1, part.day!, part.hour!, part.minute!) - at;
      if (offsets.size >= MAX_CACHED) offsets.clear();
      offsets.set(step, offset);
    }
    return offset;
  };
  return {
    zone,
    toWall: (ms) => ms + offsetAt(ms),
    fromWall: (wallMs) => {
      // The offsets on either side of a change that day (no zone is 14 hours off UTC): a wall time the clocks repeat
      // names two instants, of which the earlier is taken; one they skip names none, and reads as one beside it.
      const instants = [wallMs - offsetAt(wallMs - CHANGE_REACH_MS), wallMs - offsetAt(wallMs + CHANGE_REACH_MS)];
      const named = instants.filter((ms) => ms + offsetAt(ms) === wallMs);
      return named.length > 0 ? Math.min(...named) : instants[1]!;
    },
  };
}
