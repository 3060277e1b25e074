import { describe, expect, it } from 'vitest';
import { analyse, isCoolingDown } from '../../src/analyse/index.js';
import { allFaults } from '../../src/demo/scenarios.js';
import { analyseScenario } from './scenario.js';

describe('custom rules', () => {
  const { runs, out } = analyseScenario(7, allFaults, {
    rules: [
      { name: 'failing a lot', workflow: '*', metric: 'failure_rate', condition: '>', threshold: 0.5, severity: 'high', cooldown: '1h' },
      { workflow: 'build-and-test', metric: 'p95_duration', condition: '>', threshold: 120, severity: 'medium' },
      { workflow: 'lint', metric: 'runs', condition: '<', threshold: 10, severity: 'low' },
    ],
  });
  const ruleFindings = out.candidates.filter((c) => c.kind === 'rule');

  it('fires where the figures cross the threshold, and only there', () => {
    // crm-sync fails every run since its credentials expired, order-pipeline 70 % since the bad release.
    expect(ruleFindings.filter((c) => c.evidence.details?.['rule'] === 'failing a lot').map((c) => c.workflow)).toEqual(['crm-sync', 'order-pipeline']);
    const slow = ruleFindings.find((c) => c.workflow === 'build-and-test')!;
    expect(slow.severity).toBe('medium');
    expect(slow.category).toBe('performance');
    expect(Number(slow.evidence.current['p95_duration'])).toBeGreaterThan(120);
    // The threshold is given under the metric's name, beside the figure it was compared with.
    expect(slow.evidence.baseline).toEqual({ p95_duration: 120 });
    expect(ruleFindings.some((c) => c.workflow === 'lint')).toBe(false);
  });

  it('keeps a stable fingerprint and exposes the cooldown for the finding store', () => {
    const crm = ruleFindings.find((c) => c.workflow === 'crm-sync')!;
    expect(crm.fingerprint).toBe('rule|crm-sync|rule:failing a lot');
    expect(crm.evidence.details?.['cooldownMs']).toBe(3600_000);
    expect(crm.evidence.details?.['value']).toBeGreaterThan(0.95);
    expect(isCoolingDown(undefined, 10_000_000, 3600_000)).toBe(false);
    expect(isCoolingDown(10_000_000 - 600_000, 10_000_000, 3600_000)).toBe(true);
    expect(isCoolingDown(10_000_000 - 4_000_000, 10_000_000, 3600_000)).toBe(false);
  });

  it('counts consecutive failures back from the newest run', () => {
    const crmRuns = runs.filter((r) => r.workflow === 'crm-sync');
    const nowMs = Math.max(...crmRuns.map((r) => r.endMs));
    const result = analyse({
      nowMs,
      runs: crmRuns,
      templateOf: (m) => ({ templateId: m, template: m }),
      config: { rules: [{ workflow: 'crm-sync', metric: 'consecutive_failures', condition: '>=', threshold: 5, severity: 'critical' }] },
    });
    const c = result.candidates.find((x) => x.kind === 'rule')!;
    expect(Number(c.evidence.current['consecutive_failures'])).toBeGreaterThanOrEqual(40);
  });
});
