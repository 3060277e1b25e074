import { describe, expect, it } from 'vitest';
import { analyse } from '../../src/analyse/index.js';
import type { FindingCandidate } from '../../src/model/finding.js';
import type { RunRecord } from '../../src/model/workflow.js';
import { pipelineRun } from './pipelines.js';
import { minerTemplateOf, newestEnd } from './scenario.js';

const HOUR = 3600_000;
const advice = (c: FindingCandidate) => c.recommendations.map((r) => [r.title, ...r.steps].join(' ')).join('\n');
const findingOf = (runs: RunRecord[], step: string) =>
  analyse({ nowMs: newestEnd(runs), runs, templateOf: minerTemplateOf(), config: {} }).candidates.find((c) => c.rootCause.step === step)!;

describe('advice that fits the finding', () => {
  it("does not advise on another step's retries", () => {
    // `notify` is retried in vain now and then; from run 190 `migrate` fails on a missing setting.
    const runs = Array.from({ length: 200 }, (_, i) => {
      const migrateFails = i >= 190;
      const notifyFails = !migrateFails && i % 10 === 3;
      return pipelineRun('db-deploy', i, i * HOUR, [
        { name: 'migrate', ms: 20_000, ...(migrateFails ? { error: 'missing configuration value DATABASE_URL', status: 'failure' as const } : {}) },
        ...(migrateFails ? [] : [{ name: 'notify', ms: 2000, ...(notifyFails ? { error: 'webhook answered 500', attempt: 3 } : {}) }]),
      ]);
    });
    const c = findingOf(runs, 'migrate');
    expect(c.category).toBe('configuration');
    expect(c.recommendations.map((r) => r.title)).toEqual(['Restore the missing configuration of step `migrate`']);
  });

  it.each([
    ['Process completed with exit code 1.', false],
    ['Process completed with exit code 137.', true],
  ])('speaks of memory for a failure confined to one host only when the error does ("%s")', (error, memory) => {
    // Eight CI hosts in turn; from run 150 every run on ci-7 fails in `build`.
    const runs = Array.from({ length: 300 }, (_, i) => {
      const host = `ci-${i % 8}`;
      const fails = host === 'ci-7' && i >= 150;
      return pipelineRun('api-ci', i, i * HOUR, [{ name: 'checkout', ms: 3000 }, { name: 'build', ms: 60_000, ...(fails ? { error } : {}) }], { 'host.name': host });
    });
    const c = findingOf(runs, 'build');
    expect(c).toMatchObject({ kind: 'correlation', category: 'resource', rootCause: { attributes: { 'host.name': 'ci-7' } } });
    expect(c.recommendations[0]!.title).toMatch(/`ci-7`/);
    expect(/memory/i.test(advice(c))).toBe(memory);
  });
});

describe('advice on what the error says', () => {
  // From run 150 every run of `sync` fails in `push`, with the same error.
  const failing = (error: string) =>
    findingOf(
      Array.from({ length: 200 }, (_, i) =>
        pipelineRun('crm-sync', i, i * HOUR, [{ name: 'pull', ms: 3000 }, { name: 'push', ms: 8000, ...(i >= 150 ? { error } : {}) }]),
      ),
      'push',
    );

  it('tells to find the error behind a bare exit code, not to guard a missing value', () => {
    const c = failing('Process completed with exit code 1.');
    expect(c.category).toBe('logic');
    expect(c.recommendations[0]!.title).toMatch(/^Find the error behind ".*exit code.*" in the output of step `push`$/);
    expect(advice(c)).not.toMatch(/missing value/);
  });

  it('tells to fix the code path of an error that names a bug', () => {
    const c = failing("TypeError: Cannot read properties of undefined (reading 'id')");
    expect(c.category).toBe('logic');
    expect(c.recommendations[0]!.title).toBe('Fix the code path in step `push`');
  });

  it.each([
    ["Error: Cannot find module 'lodash'"],
    ["ModuleNotFoundError: No module named 'pandas'"],
    ['SyntaxError: Unexpected identifier'],
  ])('tells to fix what an error names that is no exit code alone ("%s")', (error) => {
    const c = failing(error);
    expect(c.category).toBe('logic');
    expect(c.recommendations[0]!.title).toBe('Fix the code path in step `push`');
    expect(advice(c)).not.toMatch(/missing value|names no cause/);
  });

  it.each([
    ['HttpError: API rate limit exceeded for installation ID 4711. (HTTP 403)'],
    ["429 Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute'"],
    ['ThrottlingException: Rate exceeded'],
  ])('tells a rate limit however the service words it ("%s")', (error) => {
    expect(failing(error).recommendations[0]!.title).toMatch(/^Stay under the rate limit/);
  });

  it.each([['Agent went offline during the build'], ['Task exited with return code 1']])(
    'tells to find the cause in the output of an error that names none ("%s")',
    (error) => {
      expect(failing(error).recommendations[0]!.title).toMatch(/^Find the error behind ".*" in the output of step `push`$/);
    },
  );

  it("takes a client's own rate limiter timing out for a timeout, not a service's limit", () => {
    expect(failing('rate limiter Wait(n=1) would exceed context deadline: context deadline exceeded').category).toBe('timeout');
  });

  it('takes a 429 that is no status for none: an outage that took 429 ms is still an outage', () => {
    const c = failing('HTTP 502 Bad Gateway after 429 ms');
    expect(c.category).toBe('external_service');
    expect(c.recommendations[0]!.title).toBe('Handle the failing downstream service in step `push`');
  });

  it('tells to stay under a rate limit, not to retry a service that is down', () => {
    const c = failing('POST https://api.hubspot.example/contacts answered 429 Too Many Requests');
    expect(c.category).toBe('external_service');
    expect(c.recommendations[0]!.title).toMatch(/^Stay under the rate limit of .* that step `push` calls$/);
    expect(advice(c)).toMatch(/Retry-After/);
    expect(advice(c)).not.toMatch(/circuit breaker/);
  });
});

describe('critical-path advice', () => {
  // `build` takes most of every run; from run 250 the short `lint` (or `build` itself) takes three times as long.
  const slowed = (step: string) =>
    Array.from({ length: 300 }, (_, i) => {
      const factor = (name: string) => (i >= 250 && name === step ? 3 : 1) * (0.95 + 0.1 * ((i * 7919) % 101) / 100);
      return pipelineRun('api-ci', i, i * HOUR, [
        { name: 'checkout', ms: 3000 * factor('checkout') },
        { name: 'build', ms: 60_000 * factor('build') },
        { name: 'lint', ms: 5000 * factor('lint') },
      ]);
    });
  const titles = (c: FindingCandidate) => c.recommendations.map((r) => r.title);

  it('is not given for a step off the critical path', () => {
    const c = findingOf(slowed('lint'), 'lint');
    expect(c).toMatchObject({ kind: 'anomaly', category: 'performance' });
    expect(titles(c)).not.toContainEqual(expect.stringMatching(/critical path/));
    expect(advice(c)).not.toMatch(/Work on `build` first/);
  });

  it("names the finding's step when it is the critical path", () => {
    const c = findingOf(slowed('build'), 'build');
    expect(c).toMatchObject({ kind: 'anomaly', category: 'performance' });
    expect(titles(c)).toContainEqual(expect.stringMatching(/^Shorten the critical path: `build` takes \d+ % of a run$/));
  });
});
