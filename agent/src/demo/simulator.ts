import type { RunRecord } from '../model/workflow.js';
import { logRequest, traceRequest } from './runner-spans.js';
import { allFaults, generateScenario } from './scenarios.js';

export interface SimulationOptions {
  /** OTLP/HTTP base URL of the agent, e.g. http://127.0.0.1:4318. */
  otlpHttpUrl: string;
  seed?: number;
  days?: number;
  /** Event time the simulated history ends at (default: now). */
  endMs?: number;
  /** Called after each slice of history is acknowledged, oldest first. */
  onSlice?: (sent: { runs: number; upToMs: number }) => Promise<void> | void;
  slices?: number;
  /** Runs per export request. */
  batchRuns?: number;
}

/**
 * Replays a few days of several runners' telemetry with every kind of fault injected, through the agent's own
 * OTLP/HTTP receiver, in time order and in slices, so findings appear as the faults begin.
 */
export async function simulate(options: SimulationOptions): Promise<RunRecord[]> {
  const days = options.days ?? 4;
  const endMs = options.endMs ?? Date.now();
  const runs = generateScenario({ seed: options.seed ?? 7, startMs: endMs - days * 86_400_000, days, faults: allFaults })
    .filter((run) => run.endMs <= endMs)
    .sort((a, b) => a.endMs - b.endMs);
  const slices = options.slices ?? 8;
  const batch = options.batchRuns ?? 100;
  const sliceMs = (days * 86_400_000) / slices;
  let next = 0;
  for (let slice = 1; slice <= slices; slice++) {
    const upToMs = endMs - days * 86_400_000 + slice * sliceMs;
    const start = next;
    while (next < runs.length && runs[next]!.endMs <= upToMs) next++;
    for (let i = start; i < next; i += batch) {
      const group = runs.slice(i, Math.min(next, i + batch));
      await post(`${options.otlpHttpUrl}/v1/traces`, traceRequest(group));
      await post(`${options.otlpHttpUrl}/v1/logs`, logRequest(group));
    }
    await options.onSlice?.({ runs: next, upToMs });
  }
  return runs;
}

async function post(url: string, body: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    if (response.ok) return;
    // 429/503 ask the sender to come back later (the agent's backpressure); anything else is a bug to show.
    if ((response.status === 429 || response.status === 503) && attempt < 20) {
      await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
      continue;
    }
    throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  }
}
