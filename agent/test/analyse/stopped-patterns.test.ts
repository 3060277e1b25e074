/**
 * An error pattern is a problem while it occurs: once it has stopped, its candidate goes, and the analysis service
 * resolves the finding five runs after it was last seen.
 */
import { describe, expect, it } from 'vitest';
import { analyse } from '../../src/analyse/index.js';
import type { RunRecord } from '../../src/model/workflow.js';
import { newestEnd } from './scenario.js';
import { hourly, run } from './runs.js';

const failing = (i: number, r: RunRecord) => run('etl', i, r.startMs, 60_000, 'failure');

function errorPatterns(runs: RunRecord[]) {
  const out = analyse({ nowMs: newestEnd(runs), runs, templateOf: (m) => ({ templateId: m, template: m }), config: {} });
  return out.candidates.filter((c) => c.kind === 'error_pattern' || c.kind === 'correlation');
}

describe('an error pattern that stopped', () => {
  // Two weeks of hourly runs; runs 300–319 fail the same way, every run after passes.
  const outage = (clean: number) => hourly('etl', 320 + clean, (i, r) => (i >= 300 && i < 320 ? failing(i, r) : r));

  it('is no longer reported once five runs have passed without it', () => {
    const during = errorPatterns(outage(4));
    expect(during).toHaveLength(1);
    expect(during[0]!.severity).toBe('critical');
    expect(errorPatterns(outage(5))).toEqual([]);
    expect(errorPatterns(outage(18))).toEqual([]);
  });

  it('is reported again when it returns', () => {
    const back = hourly('etl', 340, (i, r) => ((i >= 300 && i < 320) || i >= 335 ? failing(i, r) : r));
    expect(errorPatterns(back).map((c) => c.lastSeenMs)).toEqual([back[339]!.endMs]);
  });

  it('is still reported while it fails now and then, though the last five runs passed', () => {
    // One run in five runs on host ci-7, and fails there from run 200 to run 330.
    const onHost = (count: number) =>
      hourly('etl', count, (i, r) => {
        const shaped = i >= 200 && i <= 330 && i % 5 === 0 ? failing(i, r) : r;
        return { ...shaped, attributes: { 'host.name': i % 5 === 0 ? 'ci-7' : `ci-${i % 5}` } };
      });
    // Eight runs after its last failure it is still a problem.
    const now = errorPatterns(onHost(339));
    expect(now.map((c) => c.rootCause.attributes)).toEqual([{ 'host.name': 'ci-7' }]);
    // Gone once it has missed as many runs in a row as it would by chance only one time in a thousand (30 here).
    expect(errorPatterns(onHost(360))).toHaveLength(1);
    expect(errorPatterns(onHost(361))).toEqual([]);
  });
});
