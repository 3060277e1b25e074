import { SpanKind } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../../agent/test/helpers/agent.js';
import { createSdk, type SpanSpec } from '../../agent/test/helpers/sdk.js';
import { findBinary, skipNote } from '../../agent/test/export/support/tools.js';
import { RULES_FILE } from './paths.js';
import { promtoolTest, seriesOfScrapes } from './scraped-series.js';

/**
 * The project's alert rules over what a real agent exports: the agent ingests runs, its /metrics is scraped, and
 * promtool evaluates the rules over those samples as Prometheus would have scraped them.
 */

const promtool = findBinary('promtool');
const MIN = 60_000;
const HOUR = 60 * MIN;
const RUNBOOK = 'https://github.com/flowlens/flowlens/blob/main/alert-rules/RUNBOOK.md';
const dashboard = (workflow: string) => `http://localhost:3000/a/flowlens-workflows-app/workflow/${workflow}`;

/** A CI/CD-semconv pipeline run of one step, ending `endMs` with `result` (success, failure, timeout…). */
function pipelineRun(workflow: string, runId: string, endMs: number, result: string): SpanSpec {
  const startMs = endMs - 2 * MIN;
  return {
    name: `run ${workflow}`,
    kind: SpanKind.SERVER,
    startMs,
    endMs,
    attributes: { 'cicd.pipeline.name': workflow, 'cicd.pipeline.run.id': runId, 'cicd.pipeline.result': result },
    children: [
      {
        name: 'main',
        startMs: startMs + 1_000,
        endMs,
        attributes: { 'cicd.pipeline.task.name': 'main', 'cicd.pipeline.task.run.result': result },
      },
    ],
  };
}

describe.skipIf(!promtool)(`alert rules over a real agent's metrics${skipNote({ promtool })}`, () => {
  let agent: TestAgent | undefined;
  afterEach(async () => {
    await agent?.close();
    agent = undefined;
  });

  const scrape = async () => (await fetch(`${agent!.apiUrl}/metrics`)).text();

  /** promtool, evaluating the rules over the scraped series once a minute, finds the one alert expected at `at`. */
  const firesAt = async (input_series: unknown, alertname: string, eval_time: string, exp_labels: object, exp_annotations: object) => {
    const result = await promtoolTest(promtool!, [RULES_FILE], [
      { interval: '1m', input_series, alert_rule_test: [{ alertname, eval_time, exp_alerts: [{ exp_labels, exp_annotations }] }] },
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  };

  it('pages the SLO fast burn of an hourly workflow whose last runs failed, as the agent does', async () => {
    // A 7-day SLO of 80 %: a burn of 5× is a page for it (14.4 × 7 ÷ 30 = 3.36), as it would not be for 30 days.
    agent = await startTestAgent({ slos: [{ workflow: 'hourly-report', objective: 80, window: '7d' }] });
    const sdk = createSdk('http/protobuf', agent, { 'service.name': 'ci' });
    const lastMs = Date.now() - 2 * HOUR;
    // A day of hourly runs, the last 8 failed; another workflow moves event time 40 minutes past the last one, so
    // the 5m and 30m windows hold no run of hourly-report.
    for (let i = 23; i >= 0; i--) await sdk.emit(pipelineRun('hourly-report', `h-${i}`, lastMs - i * HOUR, i < 8 ? 'failure' : 'success'));
    for (let i = 1; i <= 4; i++) await sdk.emit(pipelineRun('ticker', `t-${i}`, lastMs + i * 10 * MIN, 'success'));
    await sdk.shutdown();
    expect((await agent.post('/api/v1/analyze')).status).toBe(200);
    const [slo] = (await agent.get('/api/v1/slos')).body.items;
    expect(slo).toMatchObject({ state: 'critical', firing: '1h+5m > 3.36' });

    await firesAt(
      seriesOfScrapes([{ text: await scrape(), minutes: 15 }], ['flowlens_slo_burn_rate', 'flowlens_slo_window_seconds']),
      'FlowLensSLOFastBurn', '10m', { severity: 'critical', category: 'slo', workflow: 'hourly-report', slo: 'hourly-report-80' },
      {
        summary: 'SLO hourly-report-80 of hourly-report is burning its error budget fast',
        description: 'The error budget of hourly-report/hourly-report-80 burns at 5.0× the sustainable rate; at this pace it is gone within days.',
        runbook_url: `${RUNBOOK}#flowlensslofastburn`,
        dashboard: dashboard('hourly-report'),
      },
    );
  });

  it('warns of a sender whose every request is refused unread', async () => {
    agent = await startTestAgent();
    const scrapes = [];
    // Five minutes apart, the sender's exporter has sent two more requests as text/plain.
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 2; j++) {
        const response = await fetch(`${agent.otlpHttpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'span' });
        expect(response.status).toBe(415);
      }
      scrapes.push({ text: await scrape(), minutes: 5 });
    }
    await firesAt(
      seriesOfScrapes(scrapes, ['flowlens_rejected_requests_total', 'flowlens_request_duration_seconds_count', 'flowlens_received_spans_total']),
      'FlowLensAgentRejectingData', '29m', { severity: 'warning', category: 'agent', job: 'flowlens', instance: 'agent:9470', transport: 'http', signal: 'traces' },
      {
        summary: 'FlowLens agent agent:9470 rejects traces over http',
        description:
          '100% of the traces sent to agent:9470 over http in the last 10 minutes were rejected (the share of spans or log records, or else of requests refused whole; their reason labels say why).',
        runbook_url: `${RUNBOOK}#flowlensagentrejectingdata`,
        dashboard: 'http://localhost:3000/d/flowlens-overview/flowlens-overview',
      },
    );
  });

  it("alerts on a workflow's first timeouts: their counter was already scraped at 0", async () => {
    agent = await startTestAgent();
    const sdk = createSdk('http/protobuf', agent, { 'service.name': 'ci' });
    const startMs = Date.now() - HOUR;
    await sdk.emit(pipelineRun('nightly-etl', 'n-0', startMs, 'success'));
    const before = await scrape();
    for (let i = 1; i <= 3; i++) await sdk.emit(pipelineRun('nightly-etl', `n-${i}`, startMs + i * 10 * MIN, 'timeout'));
    await sdk.shutdown();
    const after = await scrape();

    // Scraped for 10 minutes before the timeouts, and for 50 after.
    await firesAt(
      seriesOfScrapes([{ text: before, minutes: 10 }, { text: after, minutes: 50 }], ['flowlens_workflow_runs_total']),
      'FlowLensWorkflowFailing', '35m', { severity: 'warning', category: 'reliability', workflow: 'nightly-etl' },
      {
        summary: 'Workflow nightly-etl is failing',
        description: '100% of the finished runs of nightly-etl failed, errored or timed out in the last hour.',
        runbook_url: `${RUNBOOK}#flowlensworkflowfailing`,
        dashboard: dashboard('nightly-etl'),
      },
    );
  });
});
