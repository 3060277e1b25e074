import { span } from '../normalise/helpers.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 1);

/** Hourly run `i` of `etl`: one span, a minute long, from `T0`, failing with `error` when given. */
export const etlRun = (i: number, error?: string) =>
  span({
    id: `r${i}`,
    trace: (i + 1).toString(16).padStart(32, '0'),
    name: 'run etl',
    start: T0 + i * HOUR,
    end: T0 + i * HOUR + 60_000,
    attributes: { 'cicd.pipeline.name': 'etl', 'cicd.pipeline.run.id': String(i) },
    ...(error && { status: 2, message: error }),
  });
