import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/analyse/prng.js';
import { spansOfRun, traceRequest } from '../../src/demo/runner-spans.js';
import { generateScenario } from '../../src/demo/scenarios.js';
import type { RunRecord } from '../../src/model/workflow.js';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';

const END = Date.parse('2026-11-20T12:00:00Z');
const runs: RunRecord[] = generateScenario({ seed: 11, startMs: END - 2 * 3_600_000, days: 2 / 24, faults: ['auth_failure', 'slow_step'] });
const range = `from=${new Date(END - 86_400_000).toISOString()}&to=${new Date(END + 86_400_000).toISOString()}`;

async function post(agent: TestAgent, body: string): Promise<void> {
  const response = await fetch(`${agent.otlpHttpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  expect(response.status).toBe(200);
}

/** One request per span group, in the given order: what a runner whose spans straggle in would send. */
function requestsOf(spanGroups: object[][], resource: object) {
  return spanGroups.map((spans) => JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ scope: { name: 'test' }, spans }] }] }));
}

async function snapshot(agent: TestAgent) {
  const workflows = (await agent.get(`/api/v1/workflows?${range}`)).body.items.map((w: Record<string, unknown>) => {
    const { sparkline: _sparkline, ...rest } = w;
    return rest;
  });
  const details = [];
  for (const w of workflows) {
    const runList = (await agent.get(`/api/v1/workflows/${encodeURIComponent(w.name)}/runs?${range}&limit=1000`)).body.items;
    const full = [];
    for (const run of runList) full.push((await agent.get(`/api/v1/runs/${encodeURIComponent(run.id)}`)).body);
    details.push({ detail: (await agent.get(`/api/v1/workflows/${encodeURIComponent(w.name)}?${range}`)).body, runs: full });
  }
  return { workflows, details };
}

describe('OTLP is at-least-once: re-sent, split and reordered spans give the same workflows and runs', () => {
  let once: TestAgent;
  let messy: TestAgent;

  beforeAll(async () => {
    [once, messy] = await Promise.all([startTestAgent(), startTestAgent()]);
    await post(once, traceRequest(runs));

    // The same spans, each run split into single-span requests, shuffled across runs, and every request sent twice.
    const random = seededRandom(3);
    const groups: { resource: object; spans: object[] }[] = [];
    for (const run of runs) {
      const resource = JSON.parse(traceRequest([run])).resourceSpans[0].resource;
      for (const span of spansOfRun(run)) groups.push({ resource, spans: [span] });
    }
    for (let i = groups.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [groups[i], groups[j]] = [groups[j]!, groups[i]!];
    }
    for (const group of groups) {
      const [body] = requestsOf([group.spans], group.resource);
      await post(messy, body!);
      await post(messy, body!);
    }
  });
  afterAll(async () => {
    await Promise.all([once.close(), messy.close()]);
  });

  it('stores every run exactly once', async () => {
    const { workflows } = await snapshot(once);
    const total = workflows.reduce((sum: number, w: { runs: number }) => sum + w.runs, 0);
    expect(total).toBe(runs.length);
    const failed = workflows.reduce((sum: number, w: { failedRuns: number }) => sum + w.failedRuns, 0);
    expect(failed).toBe(runs.filter((r) => ['failure', 'error', 'timeout'].includes(r.status)).length);
  });

  it('counts the re-sent spans it dropped', async () => {
    const metrics = await (await fetch(`${messy.apiUrl}/metrics`)).text();
    const line = metrics.split('\n').find((l) => l.startsWith('flowlens_duplicate_items_total') && l.includes('signal="traces"'));
    expect(Number(line?.split(' ').at(-1))).toBe(runs.reduce((sum, run) => sum + spansOfRun(run).length, 0));
  });

  it('answers every API query identically whichever way the spans arrived', async () => {
    const [a, b] = await Promise.all([snapshot(once), snapshot(messy)]);
    expect(b).toEqual(a);
  });
});
