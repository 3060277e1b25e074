import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { generateSloRules, SloRulesError, type SloRuleInput } from '../../src/export/slo-rules.js';
import { sloNames } from '../../src/analyse/slo/report.js';
import { findBinary, runTool, skipNote } from './support/tools.js';

const promtool = findBinary('promtool');

// paging fails 1 run in 4, slow-burn 1 in 20, healthy 1 in 200 (all 99% over 30d); "CI / build" never fails
// but 1 run in 4 takes longer than 300s (95% within 300s over 7d); idle has no runs at all.
const SLOS: SloRuleInput[] = [
  { workflow: 'paging', objective: 99, window: '30d' },
  { workflow: 'slow-burn', objective: 99, window: '30d' },
  { workflow: 'healthy', name: 'availability', objective: 99, window: 30 * 86_400_000 },
  { workflow: 'CI / build', objective: 95, window: '7d', maxDuration: 300_000 },
  { workflow: 'idle', objective: 99.9, window: '30d' },
];

function runs(workflow: string, status: string, perMinute: number, tenant?: string) {
  const job = tenant ? `job="flowlens-${tenant}",tenant="${tenant}"` : 'job="flowlens"';
  return { series: `flowlens_workflow_runs_total{workflow="${workflow}",runner="argo",status="${status}",${job},otel_scope_name="flowlens"}`, values: `0+${perMinute}x90` };
}

function durationBucket(le: string, perMinute: number) {
  return { series: `flowlens_workflow_run_duration_seconds_bucket{workflow="CI / build",le="${le}",job="flowlens"}`, values: `0+${perMinute}x90` };
}

const INPUT_SERIES = [
  runs('paging', 'success', 3), runs('paging', 'failure', 1),
  runs('slow-burn', 'success', 19), runs('slow-burn', 'error', 1), runs('slow-burn', 'cancelled', 50),
  runs('healthy', 'success', 199), runs('healthy', 'timeout', 1),
  // Tenant acme's `healthy` (its own scrape job) fails 1 run in 4: its SLO burns, the other's does not.
  runs('healthy', 'success', 3, 'acme'), runs('healthy', 'failure', 1, 'acme'),
  runs('CI / build', 'success', 20),
  durationBucket('120', 4), durationBucket('300', 15), durationBucket('600', 20), durationBucket('+Inf', 20),
  { series: 'flowlens_workflow_run_duration_seconds_count{workflow="CI / build",job="flowlens"}', values: '0+20x90' },
];

function firing(workflow: string, slo: string, severity: string, long: string, short: string, tenant?: string) {
  return {
    labels: `ALERTS{alertname="FlowLensSLOErrorBudgetBurn",alertstate="firing",workflow="${workflow}",slo="${slo}",severity="${severity}",category="slo",long="${long}",short="${short}"${tenant ? `,tenant="${tenant}"` : ''}}`,
    value: 1,
  };
}

describe('generateSloRules', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flowlens-slo-rules-'));
    await writeFile(join(dir, 'slo.rules.yml'), generateSloRules(SLOS));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes one group per SLO with recordings for every burn-rate window and the period, then four alerts', () => {
    const doc = parse(generateSloRules(SLOS)) as { groups: { name: string; rules: { record?: string; alert?: string; labels?: Record<string, string> }[] }[] };
    expect(doc.groups.map((g) => g.name)).toEqual([
      'flowlens-slo:paging:paging-99',
      'flowlens-slo:slow-burn:slow-burn-99',
      'flowlens-slo:healthy:availability',
      'flowlens-slo:CI / build:CI / build-95-300s',
      'flowlens-slo:idle:idle-99.9',
    ]);
    const build = doc.groups[3]!.rules;
    expect(build.filter((r) => r.record?.startsWith('flowlens_slo:sli_error:ratio_rate')).map((r) => r.record!.slice(33))).toEqual([
      '5m', '30m', '1h', '2h', '6h', '1d', '3d', '7d',
    ]);
    expect(build.filter((r) => r.alert).map((r) => [r.labels!.severity, r.labels!.long, r.labels!.short])).toEqual([
      ['critical', '1h', '5m'], ['critical', '6h', '30m'], ['warning', '1d', '2h'], ['warning', '3d', '6h'],
    ]);
  });

  it('refuses a maxDuration that is not a bucket bound, naming the bounds', () => {
    expect(() => generateSloRules([{ workflow: 'w', objective: 99, window: '7d', maxDuration: '250s' }])).toThrow(
      /maxDuration 250s is not a bucket bound.*use one of 1s, 5s.*300s/,
    );
    expect(() => generateSloRules([{ workflow: 'w', objective: 99, window: '7d', maxDuration: '250s' }], { durationBuckets: [250] })).not.toThrow();
  });

  it('refuses two SLOs named alike on one workflow, and nonsense objectives and windows', () => {
    expect(() => generateSloRules([{ workflow: 'w', name: 'on-time', objective: 99, window: '7d' }, { workflow: 'w', name: 'on-time', objective: 95, window: '30d' }])).toThrow(SloRulesError);
    expect(() => generateSloRules([{ workflow: 'w', objective: 100, window: '7d' }])).toThrow(/objective/);
    expect(() => generateSloRules([{ workflow: 'w', objective: 99, window: 'soon' }])).toThrow(/window: not a duration/);
  });

  it('labels unnamed SLOs as the agent names them, with the window when two would be named alike', () => {
    const slos: SloRuleInput[] = [
      { workflow: 'etl', objective: 99.5, window: '30d' },
      { workflow: 'etl', objective: 95, maxDuration: 1_800_000, window: '30d' },
      { workflow: 'etl', objective: 95, name: 'deploys', maxDuration: '300s', window: '30d' },
      { workflow: 'load', objective: 99, window: 7 * 86_400_000 },
      { workflow: 'load', objective: 99, window: '1d' },
    ];
    expect(sloNames(slos)).toEqual(['etl-99.5', 'etl-95-1800s', 'deploys', 'load-99-7d', 'load-99-1d']);
    const rules = generateSloRules(slos.slice(3));
    expect(rules).toContain('slo="load-99-7d"');
    expect(rules).toContain('slo="load-99-1d"');
  });

  describe.skipIf(!promtool)(`with promtool${skipNote({ promtool })}`, () => {
    it('passes promtool check rules', async () => {
      const result = await runTool(promtool!, ['check', 'rules', join(dir, 'slo.rules.yml')]);
      expect(result.stdout + result.stderr).toContain('SUCCESS: 80 rules found');
      expect(result.code).toBe(0);
    });

    it('fires fast and slow burn from raw counters and the duration histogram, and stays quiet when healthy', async () => {
      const test = {
        rule_files: ['slo.rules.yml'],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: INPUT_SERIES,
            promql_expr_test: [
              {
                expr: 'flowlens_slo:sli_error:ratio_rate1h',
                eval_time: '80m',
                exp_samples: [
                  { labels: 'flowlens_slo:sli_error:ratio_rate1h{workflow="paging",slo="paging-99"}', value: 0.25 },
                  { labels: 'flowlens_slo:sli_error:ratio_rate1h{workflow="slow-burn",slo="slow-burn-99"}', value: 0.05 },
                  { labels: 'flowlens_slo:sli_error:ratio_rate1h{workflow="healthy",slo="availability"}', value: 0.005 },
                  { labels: 'flowlens_slo:sli_error:ratio_rate1h{workflow="healthy",slo="availability",tenant="acme"}', value: 0.25 },
                  { labels: 'flowlens_slo:sli_error:ratio_rate1h{workflow="CI / build",slo="CI / build-95-300s"}', value: 0.25 },
                ],
              },
              {
                expr: 'flowlens_slo:period_error_budget_remaining:ratio{workflow=~"paging|healthy",tenant=""}',
                eval_time: '80m',
                exp_samples: [
                  { labels: 'flowlens_slo:period_error_budget_remaining:ratio{workflow="paging",slo="paging-99"}', value: -24 },
                  { labels: 'flowlens_slo:period_error_budget_remaining:ratio{workflow="healthy",slo="availability"}', value: 0.5 },
                ],
              },
              {
                expr: 'ALERTS{alertname="FlowLensSLOErrorBudgetBurn",alertstate="firing"}',
                eval_time: '80m',
                exp_samples: [
                  firing('paging', 'paging-99', 'critical', '1h', '5m'),
                  firing('paging', 'paging-99', 'critical', '6h', '30m'),
                  firing('paging', 'paging-99', 'warning', '1d', '2h'),
                  firing('paging', 'paging-99', 'warning', '3d', '6h'),
                  firing('slow-burn', 'slow-burn-99', 'warning', '1d', '2h'),
                  firing('slow-burn', 'slow-burn-99', 'warning', '3d', '6h'),
                  firing('healthy', 'availability', 'critical', '1h', '5m', 'acme'),
                  firing('healthy', 'availability', 'critical', '6h', '30m', 'acme'),
                  firing('healthy', 'availability', 'warning', '1d', '2h', 'acme'),
                  firing('healthy', 'availability', 'warning', '3d', '6h', 'acme'),
                  firing('CI / build', 'CI / build-95-300s', 'critical', '1h', '5m'),
                  firing('CI / build', 'CI / build-95-300s', 'critical', '6h', '30m'),
                  firing('CI / build', 'CI / build-95-300s', 'warning', '1d', '2h'),
                  firing('CI / build', 'CI / build-95-300s', 'warning', '3d', '6h'),
                ],
              },
            ],
          },
        ],
      };
      await writeFile(join(dir, 'slo.test.yml'), stringify(test));
      const result = await runTool(promtool!, ['test', 'rules', 'slo.test.yml'], dir);
      expect(result.stdout + result.stderr).toContain('SUCCESS');
      expect(result.code).toBe(0);
    });
  });
});
