import { describe, expect, it } from 'vitest';
import { decodeTraceRequestJson } from '../../src/decode/trace/json.js';
import { queuesOf } from '../../src/analyse/queue/waits.js';
import { workMs } from '../../src/model/workflow.js';
import { modelTrace } from '../../src/normalise/index.js';
import { spansFromConsoleDump } from './console-spans.js';
import { describeRuns, hasFixture, readFixture } from './helpers.js';

const RECEIVER = 'derived__github-actions-run+job.otlp.json';
const ACTION = 'otel-cicd-action__output_failed.txt';

describe('fixture replay', () => {
  it.skipIf(!hasFixture(RECEIVER))('githubreceiver workflow_run + workflow_job: one failed run, its job, queue time and steps', () => {
    const batch = decodeTraceRequestJson(Buffer.from(readFixture(RECEIVER)));
    const spans = batch.resourceSpans.flatMap((rs) => rs.scopes.flatMap((s) => s.spans));
    expect(spans).toHaveLength(11);
    const runs = modelTrace(spans);
    expect(describeRuns(runs)).toBe(
      [
        'run github-actions "build-and-test" #14460881260 failure 94000ms attempt=13 error=: failure',
        '  step "test (1.23)" success 87000ms queue=5000ms',
        '    step "Set up job" success 2000ms',
        '    step "Run actions/checkout@v4" success 1000ms',
        '    step "Set up Go" success 0ms',
        '    step "Make test-all" success 74000ms',
        '    step "Upload coverage to Codecov" success 3000ms',
        '    step "Post Set up Go" success 0ms',
        '    step "Complete job" success 0ms',
        '    step "Post Run actions/checkout@v4" success 0ms',
      ].join('\n'),
    );
    expect(runs[0]).toMatchObject({
      traceId: '731ec8a47fd7450f753a812a4a8aa5a0',
      spanId: 'aba151af7cfbcf0f',
      attributes: { 'vcs.repository.name': 'open-telemetry-otel-collector', 'cicd.pipeline.run.status': 'failure' },
    });
    // The queue span is plumbing: its id is folded into the job, not a step of its own.
    expect(runs[0]!.steps[0]!.spanIds).toContain('d328504edfc4f5dc');
    // Where the job waited: its runner labels, which name the pool a shortage of runners shows in.
    expect([...queuesOf(runs[0]!, new Set(['test (1.23)']))]).toContain('cicd.pipeline.worker.labels=ubuntu-latest');
  });

  it.skipIf(!hasFixture(ACTION))('otel-cicd-action failed run: the failing job and step, and why it failed', () => {
    const runs = modelTrace(spansFromConsoleDump(readFixture(ACTION)));
    const title = 'Run amannn/action-semantic-pull-request@48f256284bd46cdaab1048c3721360e808335d50';
    const withoutErrors = runs.map((r) => ({
      ...r,
      errorMessage: undefined,
      steps: r.steps.map((s) => ({ ...s, errorMessage: undefined })),
    }));
    expect(describeRuns(withoutErrors).split('\n')).toEqual([
      'run github-actions "Lint Pull Request Titles" #21458831126 failure 40000ms queue=2000ms attempt=1',
      '  step "Validate PR title" failure 37000ms queue=1000ms attempt=1',
      '    step "Set up job" success 2000ms',
      `    step "${title}" failure 5000ms`,
      '    step "Complete job" success 0ms',
    ]);
    const [run] = runs;
    expect(run!.errorMessage).toMatch(/^No release type found in pull request title/);
    expect(run!.steps[0]!.errorMessage).toBe(run!.errorMessage);
    // The job waited a second for a runner with its labels; its span starts when it started, so its time is its work.
    const job = run!.steps[0]!;
    expect([...queuesOf(run!, new Set([job.name]))]).toContain('github.job.labels=depot-ubuntu-24.04-arm-small');
    expect(job.queueWithin).toBeUndefined();
    expect(workMs(job)).toBe(job.durationMs);
  });
});
