import { CronTime } from 'cron';

/**
 * How long from `nowMs` until the analysis schedule (a cron expression) next passes: how long findings sent now
 * must stay valid in Alertmanager, when that is longer than the resend interval (a pass every 10 minutes, or none
 * overnight).
 */
export function untilNextPassMs(schedule: string, nowMs: number): number {
  return new CronTime(schedule).getNextDateFrom(new Date(nowMs)).toMillis() - nowMs;
}
