/**
 * A GitHub Actions matrix runs the same steps in one job per version: when one version's tests fail, the finding
 * names the job as well as the step, as the run comparison does.
 */
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/finding.js';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { createSdk, type Sdk, type SpanSpec } from '../helpers/sdk.js';

const T0 = Date.parse('2026-11-19T00:00:00Z');
const HOUR = 3_600_000;
const MIN = 60_000;
const FAILURE = { type: 'Error', message: 'FAIL src/date.test.ts > parses ISO weeks: expected 53 to be 52' };

/** Run `i` of `CI`: a job per Node version, each `Set up job` then `Run tests`; `failing` names the versions whose tests fail. */
function matrixRun(i: number, failing: string[]): SpanSpec {
  const start = T0 + i * HOUR;
  const versions = ['18', '20', '22'];
  const job = (version: string, j: number): SpanSpec => {
    const from = start + j * 10 * MIN;
    const fails = failing.includes(version);
    return {
      name: `test (${version})`,
      startMs: from,
      endMs: from + 8 * MIN,
      attributes: { 'cicd.pipeline.task.name': `test (${version})`, 'cicd.pipeline.task.run.result': fails ? 'failure' : 'success' },
      ...(fails && { error: FAILURE }),
      children: [
        { name: 'Set up job', startMs: from, endMs: from + MIN, attributes: { 'cicd.pipeline.task.name': 'Set up job', 'cicd.pipeline.task.run.result': 'success' } },
        {
          name: 'Run tests',
          startMs: from + MIN,
          endMs: from + 8 * MIN,
          attributes: { 'cicd.pipeline.task.name': 'Run tests', 'cicd.pipeline.task.run.result': fails ? 'failure' : 'success' },
          ...(fails && { error: FAILURE }),
        },
      ],
    };
  };
  return {
    name: 'CI',
    kind: SpanKind.SERVER,
    startMs: start,
    endMs: start + 30 * MIN,
    attributes: { 'cicd.pipeline.name': 'CI', 'cicd.pipeline.run.id': String(7000 + i), 'github.run_id': String(7000 + i), 'cicd.pipeline.result': failing.length > 0 ? 'failure' : 'success' },
    children: versions.map(job),
  };
}

describe('a matrix job failing in one of its versions', () => {
  let agent: TestAgent;
  let sdk: Sdk;
  let findings: Finding[];

  beforeAll(async () => {
    agent = await startTestAgent();
    sdk = createSdk('http/protobuf', agent, { 'service.name': 'otel-cicd-action' });
    // 40 hourly runs; from run 30 the tests fail on Node 18, and from run 36 on Node 22 too, less often.
    for (let i = 0; i < 40; i++) await sdk.emit(matrixRun(i, i < 30 ? [] : i >= 36 && i % 2 === 0 ? ['18', '22'] : ['18']));
    expect((await agent.post('/api/v1/analyze')).status).toBe(200);
    findings = (await agent.get('/api/v1/findings?limit=100')).body.items;
  }, 60_000);
  afterAll(async () => {
    await sdk.shutdown();
    await agent.close();
  });

  it('names the job its failing step ran in most, in the finding and its title', () => {
    const failing = findings.filter((f) => f.kind === 'error_pattern' || f.kind === 'correlation');
    expect(failing.map((f) => f.rootCause), JSON.stringify(findings.map((f) => f.title))).toEqual([
      expect.objectContaining({ step: 'Run tests', stepPath: ['test (18)'] }),
    ]);
    expect(failing[0]!.title).toContain('in step `Run tests` of `test (18)`');
    expect(failing[0]!.rootCause.description).toContain('in step `Run tests` of `test (18)`');
  });
});
