import type { Attributes } from '../../src/model/otlp.js';
import type { RunRecord, RunStatus, StepRecord } from '../../src/model/workflow.js';
import { run } from './runs.js';

/** One step of a hand-built run: it takes `ms`, fails when it has an `error`, calls `calls` (erring on `failing`). */
export interface StepSpec {
  name: string;
  ms: number;
  error?: string;
  status?: RunStatus;
  /** Its try: above 1, it was retried. */
  attempt?: number;
  attributes?: Attributes;
  calls?: string[];
  failingCalls?: string[];
}

/** A run of steps one after another from `startMs`; it fails as its first failing step does. */
export function pipelineRun(workflow: string, n: number, startMs: number, specs: StepSpec[], attributes: Attributes = {}): RunRecord {
  let at = startMs;
  const steps: StepRecord[] = specs.map((spec, i) => {
    const step: StepRecord = {
      id: `${workflow}:${n}:${i}`,
      name: spec.name,
      status: spec.error === undefined ? 'success' : (spec.status ?? 'failure'),
      startMs: at,
      endMs: at + spec.ms,
      durationMs: spec.ms,
      attributes: spec.attributes ?? {},
      downstream: (spec.calls ?? []).map((name) => ({ name, kind: 'http', calls: 1, errors: spec.failingCalls?.includes(name) ? 1 : 0, durationMs: spec.ms / 2 })),
      spanIds: [`${workflow}:${n}:${i}`],
      ...(spec.attempt === undefined ? {} : { attempt: spec.attempt }),
      ...(spec.error === undefined ? {} : { errorMessage: spec.error }),
    };
    at += spec.ms;
    return step;
  });
  const failed = steps.find((s) => s.status !== 'success');
  return run(workflow, n, startMs, at - startMs, failed?.status ?? 'success', { attributes, steps });
}
