import { CronTime } from 'cron';

/**
 * How long the analysis schedule (a cron expression) leaves between its next two passes after `nowMs`: how often
 * findings are re-sent to Alertmanager, when that is less often than the resend interval.
 */
export function scheduleIntervalMs(schedule: string, nowMs = Date.now()): number {
  const time = new CronTime(schedule);
  const next = time.getNextDateFrom(new Date(nowMs));
  return time.getNextDateFrom(next.toJSDate()).toMillis() - next.toMillis();
}
