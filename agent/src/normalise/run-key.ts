import type { OtlpSpan } from '../model/otlp.js';
import { asText } from './attributes.js';
import type { RunIdentity, RunnerDetector } from './detector.js';

/**
 * Key of a run: runner, workflow, run id and attempt when the runner gives an id, else the run span itself. Run ids
 * repeat across deployments (Airflow's `scheduled__<date>`) and Jenkins controllers (build numbers), so the
 * deployment and the runner's place join the key when the span names them; without them the key is as it always
 * was, and stored runs keep their ids.
 */
export function runKey(detector: RunnerDetector, identity: RunIdentity, span: OtlpSpan): string {
  if (identity.runId === '') return `${detector.runner}\n${span.traceId}\n${span.spanId}`;
  let key = `${detector.runner}\n${identity.workflow}\n${identity.runId}\n${identity.attempt ?? ''}`;
  // The same for every process of a run (scheduler and workers, client and workers); semconv 1.27 renamed it.
  const deployment = asText(span.resource['deployment.environment.name']) ?? asText(span.resource['deployment.environment']);
  if (deployment !== undefined) key += `\ndeployment=${deployment}`;
  const place = detector.placeOf?.(span);
  if (place !== undefined) key += `\nplace=${place}`;
  return key;
}
