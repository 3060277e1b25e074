import { describe, expect, it } from 'vitest';
import { analyse, type RuleConfig } from '../../src/analyse/index.js';
import { allFaults } from '../../src/demo/scenarios.js';
import { hourly, run } from './runs.js';
import { analyseScenario } from './scenario.js';

const HOUR = 3_600_000;

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

describe('custom rules on a quiet window', () => {
  // A healthy workflow that runs every two hours, 70 minutes after its last run started: no run in the last hour.
  const runs = Array.from({ length: 48 }, (_, i) => run('report', i, i * 2 * HOUR, 60_000));
  const nowMs = runs[47]!.startMs + 70 * 60_000;
  const rulesOn = (rules: RuleConfig[]) =>
    analyse({ nowMs, runs, templateOf: (m) => ({ templateId: m, template: m }), config: { rules } }).candidates.filter((c) => c.kind === 'rule');

  it('does not match a rate or a duration of no runs', () => {
    const found = rulesOn([
      { workflow: '*', metric: 'success_rate', condition: '<', threshold: 0.9, severity: 'high', window: '1h' },
      { workflow: '*', metric: 'p50_duration', condition: '<', threshold: 60, severity: 'medium', window: '1h' },
      { workflow: '*', metric: 'queue_p95', condition: '<=', threshold: 10, severity: 'medium', window: '1h' },
    ]);
    expect(found.map((c) => c.title)).toEqual([]);
  });

  it('still counts the runs: no run in the window is a figure of its own', () => {
    const [quiet, ...rest] = rulesOn([{ workflow: 'report', metric: 'runs', condition: '<', threshold: 1, severity: 'low', window: '1h' }]);
    expect(rest).toEqual([]);
    expect(quiet!.title).toBe('Rule "runs < 1" matched `report`: runs is 0');
  });
});

describe('rule names', () => {
  const runs = hourly('etl', 48, (i, r) => (i >= 40 ? run('etl', i, r.startMs, 60_000, 'failure') : r));
  const nowMs = runs[47]!.endMs;
  const rulesOn = (rules: RuleConfig[]) =>
    analyse({ nowMs, runs, templateOf: (m) => ({ templateId: m, template: m }), config: { rules } }).candidates.filter((c) => c.kind === 'rule');
  const failing = (window: string): RuleConfig => ({ workflow: 'etl', metric: 'failure_rate', condition: '>', threshold: 0.5, severity: 'high', window });

  it('tell apart two unnamed rules that differ only in their window, each with a finding of its own', () => {
    const found = rulesOn([failing('1h'), failing('6h')]);
    expect(found.map((c) => c.fingerprint).sort()).toEqual(['rule|etl|rule:failure_rate > 0.5 over 1h', 'rule|etl|rule:failure_rate > 0.5 over 6h']);
    expect(found.map((c) => c.title).sort()).toEqual([
      'Rule "failure_rate > 0.5 over 1h" matched `etl`: failure_rate is 100 %',
      'Rule "failure_rate > 0.5 over 6h" matched `etl`: failure_rate is 100 %',
    ]);
  });

  it('stay metric, condition and threshold when no other rule shares them', () => {
    expect(rulesOn([failing('6h'), { ...failing('1h'), threshold: 0.9 }]).map((c) => c.fingerprint).sort()).toEqual([
      'rule|etl|rule:failure_rate > 0.5',
      'rule|etl|rule:failure_rate > 0.9',
    ]);
    // A rule alike on another workflow speaks of other findings: no clash.
    expect(rulesOn([failing('6h'), { ...failing('1h'), workflow: 'deploy' }]).map((c) => c.fingerprint)).toEqual(['rule|etl|rule:failure_rate > 0.5']);
  });
});
