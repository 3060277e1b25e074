import type { Attributes } from '../model/otlp.js';
import { asText } from '../normalise/attributes.js';

/**
 * Attribute keys naming the machine a run or step ran on, the most specific first: a host, a Kubernetes node, a
 * Jenkins agent, a CI/CD worker, an Airflow worker. A problem that concentrates on one of them is a machine's, and
 * the advice is the same for all: compare it with the others and drain it.
 */
export const HOST_KEYS = [
  'host.name',
  'k8s.node.name',
  'ci.pipeline.agent.name',
  'ci.pipeline.agent.id',
  'cicd.worker.name',
  'cicd.pipeline.worker.name',
  'cicd.worker.id',
  'cicd.pipeline.worker.id',
  'airflow.task.hostname',
] as const;

const HOST_KEY_SET: ReadonlySet<string> = new Set(HOST_KEYS);

export function isHostKey(key: string): boolean {
  return HOST_KEY_SET.has(key);
}

/** The machine the attributes name, by the first of `HOST_KEYS` they carry. */
export function hostOf(attributes: Attributes): string | undefined {
  for (const key of HOST_KEYS) {
    const value = asText(attributes[key]);
    if (value !== undefined) return value;
  }
  return undefined;
}
