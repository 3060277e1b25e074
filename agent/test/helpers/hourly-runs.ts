import { createHash } from 'node:crypto';
import type { OtlpSpan } from '../../src/model/otlp.js';
import { span } from '../normalise/helpers.js';

const HOUR = 3_600_000;

/**
 * Run `i` of a workflow that runs hourly from `startMs`, a minute long, in a trace of its own, numbered
 * `<workflow>-<i>` by its runner (as its UI shows it); when asked, failing as a database refusing connections would.
 */
export function hourlyRun(workflow: string, i: number, startMs: number, failed = false): OtlpSpan {
  return span({
    id: `r${i}`,
    trace: createHash('md5').update(`${workflow}#${i}`).digest('hex'),
    name: `run ${workflow}`,
    start: startMs + i * HOUR,
    end: startMs + i * HOUR + 60_000,
    attributes: { 'cicd.pipeline.name': workflow, 'cicd.pipeline.run.id': `${workflow}-${i}` },
    ...(failed && { status: 2, message: 'connection refused: warehouse-db:5432' }),
  });
}
