import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/runtime/logger.js';
import { sampleValue } from '../helpers/metrics.js';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { createSdk, type SpanSpec } from '../helpers/sdk.js';

const T0 = Date.parse('2026-11-20T10:00:00Z');
const MIN = 60_000;

/** A CI/CD semantic-convention pipeline run with a job per name in `jobs`. */
function pipelineRun(pipeline: string, runId: string, startMs: number, jobs: string[], failing = false): SpanSpec {
  return {
    name: `run ${pipeline}`,
    kind: SpanKind.SERVER,
    startMs,
    endMs: startMs + (jobs.length + 1) * MIN,
    attributes: { 'cicd.pipeline.name': pipeline, 'cicd.pipeline.run.id': runId, 'cicd.pipeline.result': failing ? 'failure' : 'success' },
    children: jobs.map((job, i) => ({
      name: job,
      startMs: startMs + i * MIN,
      endMs: startMs + (i + 1) * MIN,
      attributes: { 'cicd.pipeline.task.name': job, 'cicd.pipeline.task.run.result': failing && i === 0 ? 'failure' : 'success' },
    })),
  };
}

describe('Prometheus label caps through the real agent', () => {
  let agent: TestAgent;
  let text = '';
  const warnings: string[] = [];
  const value = (name: string, ...labels: string[]) => sampleValue(text, name, ...labels);

  beforeAll(async () => {
    const logger = createLogger('warn', (line) => warnings.push((JSON.parse(line) as { message: string }).message));
    agent = await startTestAgent({ metrics: { maxWorkflows: 2, maxStepsPerWorkflow: 1 } }, logger);
    const sdk = createSdk('http/protobuf', agent, { 'service.name': 'ci' });
    await sdk.emit(pipelineRun('alpha', 'a-1', T0, ['build', 'test']));
    await sdk.emit(pipelineRun('beta', 'b-1', T0 + 10 * MIN, ['build', 'test']));
    await sdk.emit(pipelineRun('gamma', 'g-1', T0 + 20 * MIN, ['build', 'test'], true));
    await sdk.emit(pipelineRun('delta', 'd-1', T0 + 30 * MIN, ['lint']));
    await sdk.emit(pipelineRun('alpha', 'a-2', T0 + 40 * MIN, ['build', 'test']));
    await sdk.shutdown();
    text = await (await fetch(`${agent.apiUrl}/metrics`)).text();
  });
  afterAll(() => agent.close());

  it('keeps the first workflows by name and counts the rest under workflow="other", with its failures', () => {
    expect(value('flowlens_workflow_runs_total', 'workflow="alpha"', 'status="success"')).toBe(2);
    expect(value('flowlens_workflow_runs_total', 'workflow="beta"', 'status="success"')).toBe(1);
    expect(value('flowlens_workflow_runs_total', 'workflow="other"', 'status="success"')).toBe(1);
    expect(value('flowlens_workflow_runs_total', 'workflow="other"', 'status="failure"')).toBe(1);
    expect(value('flowlens_workflow_run_duration_seconds_count', 'workflow="other"')).toBe(2);
    expect(text).not.toMatch(/workflow="(gamma|delta)"/);
  });

  it('keeps the first step of each workflow and folds the others into step="other"', () => {
    expect(value('flowlens_step_runs_total', 'workflow="alpha"', 'step="build"', 'status="success"')).toBe(2);
    expect(value('flowlens_step_runs_total', 'workflow="alpha"', 'step="other"', 'status="success"')).toBe(2);
    // gamma's build failed and delta's only job is lint: under workflow="other", build came first.
    expect(value('flowlens_step_runs_total', 'workflow="other"', 'step="build"', 'status="failure"')).toBe(1);
    expect(value('flowlens_step_runs_total', 'workflow="other"', 'step="other"', 'status="success"')).toBe(2);
    expect(value('flowlens_step_duration_seconds_count', 'workflow="other"', 'step="other"')).toBe(2);
    expect(text).not.toMatch(/step="(test|lint)"/);
  });

  it('logs each cap once, when it is first passed, naming the setting to raise', () => {
    const capped = warnings.filter((message) => message.startsWith('metrics:'));
    expect(capped.filter((message) => message.includes('more than 2 workflows'))).toEqual([
      expect.stringMatching(/"gamma" and every later new workflow are counted under workflow="other" \(metrics\.maxWorkflows/),
    ]);
    // One line per workflow label whose steps passed the cap: alpha, beta and other, each when its "test" came.
    expect(capped.filter((message) => message.includes('more than 1 steps'))).toEqual([
      expect.stringMatching(/^metrics: workflow "alpha" has more than 1 steps: "test" and every later new step/),
      expect.stringMatching(/^metrics: workflow "beta" .*"test"/),
      expect.stringMatching(/^metrics: workflow "other" .*"test".*metrics\.maxStepsPerWorkflow/),
    ]);
  });

  it('counts each folded value once in flowlens_label_overflow_total', () => {
    expect(value('flowlens_label_overflow_total', 'label="workflow"')).toBe(2);
    // test in alpha, beta and other; lint in other.
    expect(value('flowlens_label_overflow_total', 'label="step"')).toBe(4);
  });
});
