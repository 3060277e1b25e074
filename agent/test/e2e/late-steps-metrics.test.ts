import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/analyse/prng.js';
import { spansOfRun, traceRequest } from '../../src/demo/runner-spans.js';
import { generateScenario } from '../../src/demo/scenarios.js';
import type { RunRecord } from '../../src/model/workflow.js';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { sampleValue } from '../helpers/metrics.js';
import { nanos, spanIdOf, traceIdOf, traceRequest as requestOf } from './otlp-requests.js';

const END = Date.parse('2026-11-20T12:00:00Z');
const runs: RunRecord[] = generateScenario({ seed: 11, startMs: END - 2 * 3_600_000, days: 2 / 24, faults: ['auth_failure', 'slow_step'] });

/** The metrics counted per run and per step: what must not depend on how a trace's spans were split. */
const COUNTED = [
  'flowlens_workflow_runs_total',
  'flowlens_step_runs_total',
  'flowlens_step_retries_total',
  'flowlens_step_duration_seconds_count',
  'flowlens_step_duration_seconds_sum',
  'flowlens_step_queue_seconds_count',
  'flowlens_workflow_run_wait_seconds_count',
];

async function post(agent: TestAgent, body: string): Promise<void> {
  const response = await fetch(`${agent.otlpHttpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  expect(response.status).toBe(200);
}

const metricsOf = async (agent: TestAgent) => (await fetch(`${agent.apiUrl}/metrics`)).text();

/** The samples of the counted metrics, one line each, sorted; sums to the millisecond (added in another order). */
function counted(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => COUNTED.some((name) => line.startsWith(`${name}{`)))
    .map((line) => line.replace(/ (\S+)$/, (_, value: string) => ` ${Number(Number(value).toFixed(3))}`))
    .sort();
}

describe('Steps that arrive after their run ended are counted in the metrics', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    agent = await startTestAgent();
  });
  afterAll(() => agent.close());

  it('adds the later steps of a finished run, once however often they are re-sent', async () => {
    const trace = traceIdOf(7);
    const step = (n: number, name: string) => ({
      traceId: trace,
      spanId: spanIdOf(n),
      parentSpanId: spanIdOf(1),
      name,
      kind: 1,
      startTimeUnixNano: nanos(END - 50_000 + n * 1_000),
      endTimeUnixNano: nanos(END - 40_000 + n * 1_000),
      attributes: [
        { key: 'cicd.pipeline.task.name', value: { stringValue: name } },
        { key: 'cicd.pipeline.task.run.result', value: { stringValue: 'success' } },
      ],
    });
    const root = {
      traceId: trace,
      spanId: spanIdOf(1),
      name: 'run release',
      kind: 2,
      startTimeUnixNano: nanos(END - 60_000),
      endTimeUnixNano: nanos(END),
      attributes: [
        { key: 'cicd.pipeline.name', value: { stringValue: 'release' } },
        { key: 'cicd.pipeline.run.id', value: { stringValue: 'r-1' } },
        { key: 'cicd.pipeline.result', value: { stringValue: 'success' } },
      ],
    };
    const resource = { 'service.name': 'ci' };
    await post(agent, JSON.stringify(requestOf({ resource, spans: [root, step(2, 'build')] })));
    const later = JSON.stringify(requestOf({ resource, spans: [step(3, 'test'), step(4, 'ship')] }));
    await post(agent, later);
    await post(agent, later);
    // Re-sent spans beside a new one: the trace is re-derived, and only the new step counts.
    await post(agent, JSON.stringify(requestOf({ resource, spans: [root, step(2, 'build'), step(4, 'ship'), step(5, 'notify')] })));

    const text = await metricsOf(agent);
    for (const name of ['build', 'test', 'ship', 'notify']) {
      expect(sampleValue(text, 'flowlens_step_runs_total', 'workflow="release"', `step="${name}"`, 'status="success"'), name).toBe(1);
    }
    expect(sampleValue(text, 'flowlens_workflow_runs_total', 'workflow="release"', 'status="success"')).toBe(1);

    // The same run replayed in a new trace, with new span ids: the run it was, counted already.
    const replayed = traceIdOf(8);
    const again = (span: { spanId: string; parentSpanId?: string }, n: number) => ({
      ...span,
      traceId: replayed,
      spanId: spanIdOf(100 + n),
      ...(span.parentSpanId && { parentSpanId: spanIdOf(101) }),
    });
    await post(agent, JSON.stringify(requestOf({ resource, spans: [again(root, 1), again(step(2, 'build'), 2), again(step(3, 'test'), 3)] })));
    const after = await metricsOf(agent);
    for (const name of ['build', 'test']) {
      expect(sampleValue(after, 'flowlens_step_runs_total', 'workflow="release"', `step="${name}"`, 'status="success"'), `${name}, replayed`).toBe(1);
    }
  });
});

describe('Step, retry and wait counts do not depend on how the spans arrived', () => {
  let once: TestAgent;
  let messy: TestAgent;

  beforeAll(async () => {
    [once, messy] = await Promise.all([startTestAgent(), startTestAgent()]);
    await post(once, traceRequest(runs));
    // Every span in a request of its own, shuffled across runs, and every request sent twice.
    const random = seededRandom(5);
    const requests: string[] = [];
    for (const run of runs) {
      const { resource } = JSON.parse(traceRequest([run])).resourceSpans[0];
      for (const span of spansOfRun(run)) requests.push(JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ scope: { name: 'test' }, spans: [span] }] }] }));
    }
    for (let i = requests.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [requests[i], requests[j]] = [requests[j]!, requests[i]!];
    }
    for (const body of requests) {
      await post(messy, body);
      await post(messy, body);
    }
  });
  afterAll(async () => {
    await Promise.all([once.close(), messy.close()]);
  });

  it('gives the same run, step, retry and wait counts as the same runs sent whole', async () => {
    const whole = counted(await metricsOf(once));
    // The scenario has retried steps and runners that report waits, so each of these is put to the test.
    for (const name of ['flowlens_step_retries_total', 'flowlens_workflow_run_wait_seconds_count', 'flowlens_step_queue_seconds_count']) {
      expect(whole.some((line) => line.startsWith(name)), name).toBe(true);
    }
    expect(counted(await metricsOf(messy))).toEqual(whole);
  });
});
