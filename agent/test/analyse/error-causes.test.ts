import { describe, expect, it } from 'vitest';
import { analyse } from '../../src/analyse/index.js';
import { seededRandom } from '../../src/analyse/prng.js';
import type { Attributes } from '../../src/model/otlp.js';
import type { RunRecord } from '../../src/model/workflow.js';
import { pipelineRun } from './pipelines.js';
import { minerTemplateOf } from './scenario.js';

const HOUR = 3600_000;
const templateOf = (m: string) => ({ templateId: m, template: m });
const failures = (out: ReturnType<typeof analyse>) => out.candidates.filter((c) => c.kind === 'error_pattern' || c.kind === 'correlation');

/**
 * 300 hourly runs of extract → load → publish; `load` calls postgres.internal in every run, and from run 280 it
 * fails with `error`, the failing step carrying `failingAttributes`.
 */
function etl(workflow: string, error: string, failingAttributes: Attributes = {}): RunRecord[] {
  return Array.from({ length: 300 }, (_, i) => {
    const fails = i >= 280;
    return pipelineRun(workflow, i, i * HOUR, [
      { name: 'extract', ms: 5000 },
      { name: 'load', ms: 9000, calls: ['postgres.internal'], ...(fails ? { error, attributes: failingAttributes } : {}) },
      ...(fails ? [] : [{ name: 'publish', ms: 2000 }]),
    ]);
  });
}

describe('the outcome is never the cause', () => {
  it.each<[string, Attributes]>([
    ['what the failing step called', {}],
    ['the OpenTracing error tag', { error: true }],
    ['an exit code', { 'process.exit.code': 1 }],
    ['an exit code (snake case)', { exit_code: 1 }],
  ])('keeps two workflows apart that share only %s', (_, failingAttributes) => {
    const runs = [
      ...etl('orders-etl', "ValidationError: column 'total' must not be null", failingAttributes),
      ...etl('customers-etl', "TypeError: Cannot read properties of undefined (reading 'id')", failingAttributes),
    ];
    const found = failures(analyse({ nowMs: 300 * HOUR, runs, templateOf, config: {} }));
    expect(found.map((c) => [c.workflow, c.workflows, c.kind, c.rootCause.attributes])).toEqual([
      ['customers-etl', undefined, 'error_pattern', {}],
      ['orders-etl', undefined, 'error_pattern', {}],
    ]);
    for (const c of found) expect(c.title).not.toMatch(/postgres|error=|exit/);
  });

  it('does not blame a call every run makes for a step timing out on its own deadline', () => {
    const rand = seededRandom(3);
    const runs = Array.from({ length: 300 }, (_, i) =>
      pipelineRun('release', i, i * HOUR, [
        { name: 'build', ms: 60_000 },
        i >= 250 && rand() < 0.5
          ? { name: 'deploy', ms: 1800_000, calls: ['metrics-collector'], status: 'timeout' as const, error: 'step deploy exceeded its deadline of 30m' }
          : { name: 'deploy', ms: 300_000, calls: ['metrics-collector'] },
      ]),
    );
    const [c, ...rest] = failures(analyse({ nowMs: 300 * HOUR, runs, templateOf, config: {} }));
    expect(rest).toEqual([]);
    expect(c!.title).toBe('`release` fails in step `deploy`: step deploy exceeded its deadline of 30m');
    expect(c!.rootCause.attributes).toEqual({});
  });
});

describe('attributes with many values', () => {
  it.each([
    ['tenant', 60, 'globex', 'for tenant `globex`'],
    ['tenant', 200, 'globex', 'for tenant `globex`'],
    ['host.name', 80, 'ci-7', 'on host `ci-7`'],
  ])('names the one %s of %i that fails every run since it began', (key, values, culprit, where) => {
    // Every tenth run is the culprit's, the others spread over the rest; from run 1700 each of its runs fails.
    const rand = seededRandom(values);
    const runs = Array.from({ length: 2000 }, (_, i) => {
      const value = i % 10 === 0 ? culprit : `other-${Math.floor(rand() * (values - 1))}`;
      const fails = value === culprit && i >= 1700;
      return pipelineRun('tenant-import', i, i * 600_000, [
        { name: 'download', ms: 4000 },
        { name: 'validate', ms: 2000, ...(fails ? { error: "ValidationError: field 'email' does not match schema" } : {}) },
        ...(fails ? [] : [{ name: 'load', ms: 9000 }]),
      ], { [key]: value });
    });
    const out = analyse({ nowMs: 2000 * 600_000, runs, templateOf, config: {} });
    expect(out.candidates.filter((c) => c.severity !== 'low').map((c) => c.title)).toEqual([
      `\`tenant-import\` fails in step \`validate\` ${where}: ValidationError: field 'email' does not match schema`,
    ]);
  });
});

describe('workflows failing with the same message', () => {
  it('share a finding only when they fail in a step of the same name', () => {
    const ci = (workflow: string, failing: string) =>
      Array.from({ length: 200 }, (_, i) =>
        pipelineRun(workflow, i, i * HOUR, [
          { name: 'checkout', ms: 3000 },
          { name: failing, ms: 60_000, ...(i >= 190 ? { error: 'Process completed with exit code 1.' } : {}) },
        ]),
      );
    const runs = [...ci('web-frontend-ci', 'lint'), ...ci('web-admin-ci', 'lint'), ...ci('billing-service-ci', 'integration-tests')];
    const found = failures(analyse({ nowMs: 200 * HOUR, runs, templateOf: minerTemplateOf(), config: {} }));
    expect(found.map((c) => c.title).sort()).toEqual([
      '2 workflows (`web-admin-ci`, `web-frontend-ci`) fail in step `lint`: Process completed with exit code 1.',
      '`billing-service-ci` fails in step `integration-tests`: Process completed with exit code 1.',
    ]);
  });
});

describe('a release that began failing some of its runs', () => {
  /** 300 hourly runs; `key` 5.1.0, then 5.2.0 from run `releasedAt`; every third run from `failsFrom` panics. */
  function released(releasedAt: number, failsFrom: number, key = 'service.version'): RunRecord[] {
    return Array.from({ length: 300 }, (_, i) =>
      pipelineRun(
        'refunds',
        i,
        i * HOUR,
        [
          { name: 'validate', ms: 2000 },
          i >= failsFrom && i % 3 === 0 ? { name: 'issue-refund', ms: 500, error: 'runtime error: invalid memory address or nil pointer dereference' } : { name: 'issue-refund', ms: 4000 },
        ],
        { [key]: i >= releasedAt ? '5.2.0' : '5.1.0' },
      ),
    );
  }

  // Airflow's `dag_hash` changes with the DAG's code, as a release's version does.
  it.each(['service.version', 'airflow.dag_run.dag_hash'])('is named (%s), though two runs in three on it pass: no run failed before it, and every failure since is on it', (key) => {
    const [c, ...rest] = failures(analyse({ nowMs: 300 * HOUR, runs: released(250, 250, key), templateOf, config: {} }));
    expect(rest).toEqual([]);
    expect(c).toMatchObject({ kind: 'correlation', rootCause: { step: 'issue-refund', attributes: { [key]: '5.2.0' } } });
    expect(c!.recommendations.map((r) => r.title)).toContain(`Roll back or pin ${key} 5.2.0`);
  });

  it('is not named when it ran clean for longer than its failure rate makes chance', () => {
    // Out at run 100, failing from run 250: 150 clean runs where one in three fails since, so it did not begin it.
    const [c, ...rest] = failures(analyse({ nowMs: 300 * HOUR, runs: released(100, 250), templateOf, config: {} }));
    expect(rest).toEqual([]);
    expect(c).toMatchObject({ kind: 'error_pattern', rootCause: { step: 'issue-refund', attributes: {} } });
  });
});

describe('failures on one machine of a runner', () => {
  it.each([
    ['ci.pipeline.agent.id', 'on agent `linux-3`'],
    ['cicd.worker.name', 'on worker `linux-3`'],
    ['airflow.task.hostname', 'on host `linux-3`'],
  ])('name %s as the machine, and advise draining it', (key, where) => {
    // Builds land on four agents at random; from run 200 every build on linux-3 fails its integration tests.
    const rand = seededRandom(7);
    const runs = Array.from({ length: 300 }, (_, i) => {
      const agent = `linux-${1 + Math.floor(rand() * 4)}`;
      const fails = i >= 200 && agent === 'linux-3';
      return pipelineRun('shop-deploy', i, i * HOUR, [
        { name: 'build', ms: 60_000, attributes: { [key]: agent } },
        { name: 'integration-tests', ms: 120_000, attributes: { [key]: agent }, ...(fails ? { error: 'script returned exit code 1' } : {}) },
      ]);
    });
    const [c, ...rest] = failures(analyse({ nowMs: 300 * HOUR, runs, templateOf, config: {} }));
    expect(rest).toEqual([]);
    expect(c!.title).toBe(`\`shop-deploy\` fails in step \`integration-tests\` ${where}: script returned exit code 1`);
    expect(c!.category).toBe('resource');
    expect(c!.recommendations[0]!.title).toBe('Find what sets `linux-3` apart from the other hosts, and drain it meanwhile');
  });
});
