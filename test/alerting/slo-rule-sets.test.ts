import { describe, expect, it } from 'vitest';
import { generateSloRules } from '../../agent/src/export/slo-rules.js';
import { findBinary, skipNote } from '../../agent/test/export/support/tools.js';
import { RULES_FILE } from './paths.js';
import { promtoolTest } from './scraped-series.js';

const promtool = findBinary('promtool');
const TARGET = 'job="flowlens",instance="agent:9470"';
const burn = (workflow: string, slo: string, windows: string[], value: number) =>
  windows.map((window) => ({ series: `flowlens_slo_burn_rate{workflow="${workflow}",slo="${slo}",window="${window}",${TARGET}}`, values: `${value}x120` }));

describe.skipIf(!promtool)(`the static and the generated SLO alerts loaded together${skipNote({ promtool })}`, () => {
  it('page an SLO once: by its generated rules when it has them, else by the static ones', async () => {
    // deploy (generated rules) and billing (none) both burn their budgets: 9 runs in 10 fail.
    const result = await promtoolTest(
      promtool!,
      [RULES_FILE, 'slo.rules.yml'],
      [
        {
          interval: '1m',
          input_series: [
            { series: `flowlens_workflow_runs_total{workflow="deploy",runner="cicd",status="success",${TARGET}}`, values: '0+1x120' },
            { series: `flowlens_workflow_runs_total{workflow="deploy",runner="cicd",status="failure",${TARGET}}`, values: '0+9x120' },
            ...burn('deploy', 'deploy-95', ['5m', '30m', '1h', '2h', '6h', '1d', '3d'], 18),
            ...burn('billing', 'billing-99', ['5m', '1h'], 90),
            ...['deploy-95', 'billing-99'].map((slo) => ({
              series: `flowlens_slo_window_seconds{workflow="${slo.split('-')[0]}",slo="${slo}",${TARGET}}`,
              values: '2592000x120',
            })),
          ],
          promql_expr_test: [
            {
              expr: 'group by (alertname, workflow) (ALERTS{alertstate="firing", category="slo"})',
              eval_time: '90m',
              exp_samples: [
                { labels: '{alertname="FlowLensSLOErrorBudgetBurn", workflow="deploy"}', value: 1 },
                { labels: '{alertname="FlowLensSLOFastBurn", workflow="billing"}', value: 1 },
              ],
            },
          ],
        },
      ],
      { 'slo.rules.yml': generateSloRules([{ workflow: 'deploy', objective: 95, window: '30d' }]) },
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });
});
