import { describe, expect, it } from 'vitest';
import { FindingFeed } from '../../src/cli/finding-feed.js';
import type { Finding } from '../../src/model/finding.js';

const finding = (id: string, severity: Finding['severity'], title: string, more: Partial<Finding> = {}): Finding =>
  ({
    id, severity, title, status: 'open', category: 'resource', summary: `${title}.`, kind: 'queue', workflow: 'etl',
    rootCause: { step: 'load', attributes: { pool: 'etl' } }, evidence: {}, recommendations: [{ title: 'Add workers' }], ...more,
  }) as unknown as Finding;

describe("the demo's feed of findings", () => {
  it('prints a finding when it opens, again when its severity or workflows change, and when it is resolved', () => {
    const feed = new FindingFeed();
    const low = finding('a', 'low', 'Runs of `etl` wait 2 min');
    expect(feed.update([low], () => undefined)).toBe(
      '-  [low/resource] Runs of `etl` wait 2 min\n     Runs of `etl` wait 2 min.\n     where: step load, pool=etl\n     do: Add workers\n',
    );
    // Its figures moved on: no news.
    expect(feed.update([{ ...low, title: 'Runs of `etl` wait 3 min' }], () => undefined)).toBe('');
    const spread = finding('a', 'low', '2 workflows wait for workers', { workflows: ['etl', 'crm'] });
    expect(feed.update([spread], () => undefined)).toMatch(/^- {2}now \[low\/resource\] 2 workflows wait for workers\n/);
    const high = finding('a', 'high', '2 workflows wait for workers', { workflows: ['etl', 'crm'] });
    expect(feed.update([high], () => undefined)).toMatch(/^! {2}now \[high\/resource\] 2 workflows wait for workers\n/);
    const resolved = finding('a', 'high', '2 workflows wait for workers', { status: 'resolved', evidence: { resolution: '10 runs waited as before' } as Finding['evidence'] });
    expect(feed.update([], (id) => (id === 'a' ? resolved : undefined))).toBe('✓  resolved: 2 workflows wait for workers\n     10 runs waited as before\n');
    expect(feed.update([], () => resolved)).toBe('');
  });

  it('sums up the open findings, a line each', () => {
    expect(FindingFeed.summary([finding('a', 'critical', 'A'), finding('b', 'medium', 'B')])).toBe(
      '2 findings are open:\n!! [critical/resource] A\n*  [medium/resource] B\n',
    );
    expect(FindingFeed.summary([])).toBe('No finding is open.\n');
  });
});
