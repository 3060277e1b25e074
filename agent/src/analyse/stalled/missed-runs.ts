import type { WallClock } from '../wall-clock.js';

const DAY_MS = 86_400_000;
/** Schedules rest at weekends and at night: a week tells both, a day the nights only. */
const PERIODS = [
  { period: 'week', periodMs: 7 * DAY_MS },
  { period: 'day', periodMs: DAY_MS },
] as const;
/** A period of fewer intervals than this tells no more than the cadence does. */
const MIN_INTERVALS_PER_PERIOD = 4;

export interface MissedRuns {
  /** Runs the schedule would have started after the last start and by `untilMs`. */
  count: number;
  /** When the first of them was due. */
  dueMs: number;
  /** The period the schedule was taken to repeat; none when only the cadence was known. */
  period?: (typeof PERIODS)[number]['period'];
}

/**
 * The runs a scheduled workflow has missed since its last start `lastMs`, up to `untilMs`: the starts it would
 * have made had it repeated the period (a week, else a day) that ended with its last start, or the one before that,
 * so a schedule that rests at night or at weekends is not due then, while hours an earlier outage left empty are. Only a period the history holds in full is used; without one, a
 * start every `intervalMs`. `starts`: every start known (settled and running runs), oldest first. Periods repeat on
 * `clock`: a schedule kept in a zone with daylight saving time keeps its hours on that zone's clocks.
 */
export function missedRuns(starts: readonly number[], lastMs: number, intervalMs: number, untilMs: number, clock: WallClock): MissedRuns {
  const wall = periodRuns(starts.map(clock.toWall), clock.toWall(lastMs), intervalMs, untilMs, clock);
  if (wall) return { ...wall, dueMs: clock.fromWall(wall.dueMs) };
  // A cadence is kept in elapsed time: the hour a clock skips or repeats is no run more or less.
  return { count: Math.max(0, Math.floor((untilMs - lastMs) / intervalMs)), dueMs: lastMs + intervalMs };
}

/**
 * The missed runs by the period the history holds in full, on the wall clock; undefined when it holds none. Each
 * slot falls due at its real time, by `untilMs` (real): the hour the clocks repeat neither hides nor delays one.
 */
function periodRuns(starts: readonly number[], lastMs: number, intervalMs: number, untilMs: number, clock: WallClock): MissedRuns | undefined {
  // A time the clocks skip (02:30 on the night they go forward) is no start a schedule on them makes.
  const exists = (wallMs: number) => clock.toWall(clock.fromWall(wallMs)) === wallMs;
  // Half an interval absorbs start jitter, at the period's edge and between a run and a retry of it.
  const slackMs = intervalMs / 2;
  for (const { period, periodMs } of PERIODS) {
    // The start a period before the last one is the last one's own slot, not another.
    const fromMs = lastMs - periodMs + slackMs;
    if (periodMs < MIN_INTERVALS_PER_PERIOD * intervalMs || starts[0]! > fromMs) continue;
    // The period before that too, when the history holds it: a slot is due if the workflow ran then in either, so
    // an outage last week does not teach that its hours are idle.
    const times: number[] = [];
    for (const start of starts) {
      if (start > fromMs && start <= lastMs) times.push(start);
      else if (starts[0]! <= fromMs - periodMs && start > fromMs - periodMs && start <= lastMs - periodMs) times.push(start + periodMs);
    }
    times.sort((a, b) => a - b);
    const slots: number[] = [];
    for (const time of times) if (slots.length === 0 || time - slots[slots.length - 1]! >= slackMs) slots.push(time);
    let count = 0;
    for (const slot of slots) for (let due = slot + periodMs; clock.fromWall(due) <= untilMs; due += periodMs) if (exists(due)) count++;
    return { count, dueMs: slots[0]! + periodMs, period };
  }
  return undefined;
}
