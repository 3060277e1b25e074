import { createTheme } from '@grafana/data';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import type { Run, RunComparison } from '../api/types.js';
import findings from '../test/responses/findings.json';
import health from '../test/responses/health-nightly-etl.json';
import patterns from '../test/responses/patterns-nightly-etl.json';
import sharedAdvice from '../test/responses/recommendation-shared.json';
import recommendations from '../test/responses/recommendations.json';
import run from '../test/responses/run-r-etl-24.json';
import runs from '../test/responses/runs-nightly-etl.json';
import session from '../test/responses/session-nightly-etl.json';
import similar from '../test/responses/similar-f-1.json';
import slos from '../test/responses/slos.json';
import verification from '../test/responses/verification-nightly-etl.json';
import workflow from '../test/responses/workflow-nightly-etl.json';
import { appLinks, currentUrl, renderApp } from '../test/renderApp.js';
import { useRecordedBackend, type SeenRequest } from '../test/recordedBackend.js';
import { testIds } from '../testIds.js';

const etlOnly = <T extends { workflow: string }>(body: { items: T[] }) => ({
  items: body.items.filter((i) => i.workflow === 'nightly-etl'),
});

const agent = {
  'GET /api/v1/workflows/nightly-etl': workflow,
  'GET /api/v1/workflows/nightly-etl/health': health,
  'GET /api/v1/workflows/nightly-etl/runs': (req: SeenRequest) => ({
    status: 200,
    data: req.params.status ? { items: runs.items.filter((r) => r.status === req.params.status) } : runs,
  }),
  'GET /api/v1/runs/r-etl-24': run,
  'GET /api/v1/findings': etlOnly(findings),
  'GET /api/v1/findings/f-1': findings.items[0],
  'GET /api/v1/findings/f-1/similar': similar,
  'GET /api/v1/recommendations': etlOnly(recommendations),
  'GET /api/v1/slos': slos,
  'GET /api/v1/patterns': patterns,
};

describe('Workflow page', () => {
  it('shows health factors, timeline, step shares, SLO burn, findings, patterns and recommendations', async () => {
    const seen = useRecordedBackend(agent);
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl?from=now-7d');

    const factors = await screen.findByTestId(testIds.workflow.factors);
    expect(await within(factors).findByText('62.5% of runs succeeded (baseline 99%)')).toBeInTheDocument();
    // Named in words, as the agent's keys read: `success_rate` is "success rate".
    expect(within(factors).getByText('success rate')).toBeInTheDocument();
    const timeline = within(screen.getByTestId(testIds.workflow.timeline));
    expect(timeline.getByRole('img', { name: 'Runs of nightly-etl: 24 runs, 9 failed' })).toBeInTheDocument();
    expect(timeline.getByRole('img', { name: 'Run duration: p95 up to 1h 00m' })).toBeInTheDocument();

    // load_warehouse holds every failure and most of the time, so it comes first.
    const stepRows = within(screen.getByTestId(testIds.workflow.steps)).getAllByRole('row').slice(1);
    expect(stepRows[0]).toHaveTextContent('load_warehouse');
    expect(stepRows[0]).toHaveTextContent('100%');
    expect(stepRows[0]).toHaveTextContent('warehouse.example.com (27/96 failed)');
    // A step that passes only on a retry says so, beside its failures.
    const cells = (row: HTMLElement) => within(row).getAllByRole('cell').map((c) => c.textContent);
    expect(cells(stepRows[1]!).slice(3, 5)).toEqual(['0/24', '5/24']);
    expect(cells(stepRows[0]!).slice(3, 5)).toEqual(['9/24', '0/24']);
    // How long a step waited for a worker, where its runner says: Airflow did for extract, not for load_warehouse.
    expect(within(screen.getByTestId(testIds.workflow.steps)).getByRole('columnheader', { name: 'Waited for a worker p50 / p95' })).toBeInTheDocument();
    expect(cells(stepRows[1]!)[6]).toBe('1.2 s / 4.8 s');
    // A run's wait for workers in all: its own 12 s to start and its tasks' waits for pool slots.
    const runs = within(await screen.findByTestId(testIds.workflow.runs));
    expect(runs.getByRole('columnheader', { name: 'Waited for workers' })).toBeInTheDocument();
    expect(cells((await runs.findAllByRole('row'))[1]!)[4]).toBe('20m 50s');
    expect(within(stepRows[0]!).getAllByRole('cell')[6]).toHaveAccessibleName('absent');

    const slo = screen.getByTestId(testIds.workflow.slo);
    expect(await within(slo).findByText('exhausted (3.1× spent)')).toBeInTheDocument();
    expect(slo).toHaveTextContent('40.0 · 38.0 · 37.5 · 30.0 · 22.0 · 12.0 · 4.0');

    expect(await screen.findByText('load_warehouse fails with 503 from warehouse.example.com')).toBeInTheDocument();
    expect(await screen.findByText('giving up after <*> attempts: 503 Service Unavailable')).toBeInTheDocument();
    expect(await screen.findByText('Check the warehouse API\'s status')).toBeInTheDocument();

    const asked = (path: string) => seen.find((r) => r.path === path)!;
    expect(asked('/api/v1/workflows/nightly-etl').params).toEqual({ from: 'now-7d', to: 'now' });
    expect(asked('/api/v1/findings').params).toEqual({ workflow: 'nightly-etl' });
    expect(asked('/api/v1/patterns').params).toEqual({ workflow: 'nightly-etl', from: 'now-7d', to: 'now' });
  });

  it('drills down into a run: steps as a tree, errors, and the logs of one step', async () => {
    useRecordedBackend(agent);
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl');

    const runRow = await screen.findByTestId(testIds.workflow.run('r-etl-24'));
    await userEvent.click(within(runRow).getByRole('button', { name: 'scheduled__2026-11-21T23:00' }));
    expect(currentUrl.value).toContain('run=r-etl-24');

    const detail = await screen.findByTestId(testIds.run.detail);
    await within(detail).findByText('upload_batch');
    const names = within(detail).getAllByRole('row').slice(1).map((r) => r.firstChild!.textContent);
    expect(names).toEqual(['extract', 'load_warehouse', 'upload_batch']);
    expect(within(detail).getAllByText('HTTPError: 503 Service Unavailable from warehouse.example.com').length).toBeGreaterThan(0);
    expect(within(detail).getByTestId(testIds.run.logs)).toHaveTextContent('extracting 120000 rows');

    await userEvent.click(within(detail).getByRole('button', { name: 'upload_batch' }));
    const logs = within(detail).getByTestId(testIds.run.logs);
    expect(within(detail).getByText('Logs of upload_batch')).toBeInTheDocument();
    expect(logs).toHaveTextContent('giving up after 3 attempts');
    expect(logs).not.toHaveTextContent('extracting 120000 rows');

    expect(within(detail).queryByText(/span limit/)).not.toBeInTheDocument();

    await userEvent.click(within(detail).getByRole('button', { name: 'Close run' }));
    expect(screen.queryByTestId(testIds.run.detail)).not.toBeInTheDocument();
    expect(currentUrl.value).not.toContain('run=');
  });

  it("draws each step on the run's timeline: when it started into the run and how long it ran", async () => {
    useRecordedBackend(agent);
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl?run=r-etl-24');

    const detail = await screen.findByTestId(testIds.run.detail);
    const steps = (await within(detail).findByRole('columnheader', { name: 'Timeline' })).closest('table')!;
    expect(within(steps).getAllByRole('columnheader').map((h) => h.textContent)).toEqual([
      'Step',
      'Status',
      'Duration',
      'Timeline',
      'Calls',
      'Error',
    ]);

    // The run spans 23:00:00–23:58:00 (3480 s); load_warehouse ran from 23:05:10 to its end (310 s in, 3170 s long).
    const load = within(steps).getByRole('img', { name: 'load_warehouse: starts at 5m 10s, runs 52m 50s' });
    expect(load).toHaveAttribute('title', 'load_warehouse: starts at 5m 10s, runs 52m 50s');
    expect(load).toHaveStyle({ left: '8.91%', width: '91.09%' });
    // extract ran from 23:00:05 for 300 s.
    const extract = within(steps).getByRole('img', { name: 'extract: starts at 5.0 s, runs 5m 00s' });
    expect(extract).toHaveStyle({ left: '0.14%', width: '8.62%' });

    // Coloured by status from the theme: @grafana/ui's default one here, with no Grafana around to set the user's.
    const theme = createTheme();
    expect(load).toHaveStyle({ backgroundColor: theme.colors.error.main });
    expect(extract).toHaveStyle({ backgroundColor: theme.colors.success.main });
  });

  it("says when the run's trace reached the agent's span limit, and how many of its spans were refused", async () => {
    useRecordedBackend({
      ...agent,
      'GET /api/v1/runs/r-etl-24': () => ({ status: 200, data: { ...run, spansRefused: 1200 } }),
    });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl?run=r-etl-24');

    const detail = await screen.findByTestId(testIds.run.detail);
    expect(await within(detail).findByText('Steps missing: the trace reached the agent’s span limit')).toBeInTheDocument();
    expect(detail).toHaveTextContent('1,200 spans of this run’s trace were refused past otlp.maxSpansPerTrace: the run lacks the steps they held.');
  });

  it("asks for 200 of a long run's steps (the agent adds its failed ones), and for all of them on request", async () => {
    const steps = Array.from({ length: 450 }, (_, i) => ({
      ...run.steps[0]!,
      id: `p${i}`,
      name: `partition ${i}`,
      startTime: new Date(Date.UTC(2026, 10, 21, 23, 0, i)).toISOString(),
      status: i === 200 ? 'failure' : 'success',
    }));
    const seen = useRecordedBackend({
      ...agent,
      // As the agent answers `steps=200`: the first and the last 100, and the failed one.
      'GET /api/v1/runs/r-long': (req: SeenRequest) => ({
        status: 200,
        data: {
          ...run,
          id: 'r-long',
          stepCount: 450,
          steps: req.params.steps === 200 ? [...steps.slice(0, 100), steps[200], ...steps.slice(350)] : steps,
        },
      }),
    });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl?run=r-long');

    const detail = await screen.findByTestId(testIds.run.detail);
    await within(detail).findByText('partition 0');
    // Rows and the button by selector and text: role queries over hundreds of rows take seconds in jsdom.
    const names = () => [...detail.querySelectorAll('tbody tr')].map((r) => r.firstChild!.textContent);
    expect(names()).toHaveLength(201);
    expect(names().slice(99, 102)).toEqual(['partition 99', 'partition 200', 'partition 350']);
    expect(detail).toHaveTextContent('249 of 450 steps not listed (the first and last 100 and every failed one are).');

    await userEvent.click(within(detail).getByText('List all 450 steps'));
    await waitFor(() => expect(names()).toHaveLength(450));
    expect(within(detail).queryByText('List all 450 steps')).not.toBeInTheDocument();
    expect(seen.filter((r) => r.path === '/api/v1/runs/r-long').map((r) => r.params)).toEqual([{ steps: 200 }, {}]);
  });

  it('filters recent runs by status, failed being every way a run fails: failure, error and timeout', async () => {
    const timedOut = { ...runs.items[1]!, id: 'r-etl-22', runId: 'scheduled__2026-11-21T21:00', status: 'timeout' };
    const all = [...runs.items, timedOut];
    const seen = useRecordedBackend({
      ...agent,
      // As the agent answers `status=a,b`: runs of any of them.
      'GET /api/v1/workflows/nightly-etl/runs': (req: SeenRequest) => ({
        status: 200,
        data: { items: req.params.status ? all.filter((r) => String(req.params.status).split(',').includes(r.status)) : all },
      }),
    });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl');
    await screen.findByTestId(testIds.workflow.run('r-etl-23'));
    expect(screen.queryByLabelText('failure')).not.toBeInTheDocument();
    await userEvent.click(screen.getByLabelText('failed'));
    await waitFor(() => expect(screen.queryByTestId(testIds.workflow.run('r-etl-23'))).not.toBeInTheDocument());
    expect(screen.getByTestId(testIds.workflow.run('r-etl-24'))).toBeInTheDocument();
    expect(screen.getByTestId(testIds.workflow.run('r-etl-22'))).toBeInTheDocument();
    expect(seen.filter((r) => r.path.endsWith('/runs')).at(-1)!.params).toMatchObject({ status: 'failure,error,timeout', limit: 26 });
    expect(currentUrl.value).toContain('runStatus=failed');
  });

  it('says when more runs match than it lists, and lists 25 more on request', async () => {
    // 32 failed runs, newest first, as the agent lists them up to `limit`.
    const failed = Array.from({ length: 32 }, (_, i) => ({ ...runs.items[0]!, id: `r-f-${32 - i}`, runId: `failed-${32 - i}` }));
    const seen = useRecordedBackend({
      ...agent,
      'GET /api/v1/workflows/nightly-etl/runs': (req: SeenRequest) => ({ status: 200, data: { items: failed.slice(0, Number(req.params.limit)) } }),
    });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl?runStatus=failed');
    const table = await screen.findByTestId(testIds.workflow.runs);
    await within(table).findByTestId(testIds.workflow.run('r-f-32'));
    expect(within(table).getAllByRole('row')).toHaveLength(1 + 25);
    expect(screen.getByText('The newest 25 runs; more match in this time range.')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Show 25 more' }));
    await screen.findByTestId(testIds.workflow.run('r-f-1'));
    expect(within(screen.getByTestId(testIds.workflow.runs)).getAllByRole('row')).toHaveLength(1 + 32);
    expect(screen.queryByText(/more match/)).not.toBeInTheDocument();
    expect(seen.filter((r) => r.path.endsWith('/runs')).map((r) => r.params.limit)).toEqual([26, 51]);
  });

  it("lists only the runs with the attribute a finding's root cause links to, and all runs again on request", async () => {
    const seen = useRecordedBackend({
      ...agent,
      // As the agent answers: of these runs only r-etl-24 ran on worker-3.
      'GET /api/v1/workflows/nightly-etl/runs': (req: SeenRequest) => ({
        status: 200,
        data: req.params.attribute ? { items: runs.items.filter((r) => r.id === 'r-etl-24') } : runs,
      }),
    });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl?attribute=host.name%3Dworker-3');

    expect(await screen.findByText('Runs with host.name = worker-3')).toBeInTheDocument();
    await screen.findByTestId(testIds.workflow.run('r-etl-24'));
    expect(screen.queryByTestId(testIds.workflow.run('r-etl-23'))).not.toBeInTheDocument();
    const runsAsked = () => seen.filter((r) => r.path === '/api/v1/workflows/nightly-etl/runs').map((r) => r.params);
    expect(runsAsked()).toEqual([{ from: 'now-24h', to: 'now', limit: 26, attribute: ['host.name=worker-3'] }]);

    await userEvent.click(screen.getByRole('button', { name: 'Show all runs' }));
    await screen.findByTestId(testIds.workflow.run('r-etl-23'));
    expect(currentUrl.value).not.toContain('attribute');
    expect(screen.queryByText('Runs with host.name = worker-3')).not.toBeInTheDocument();
    expect(runsAsked().at(-1)).toEqual({ from: 'now-24h', to: 'now', limit: 26 });
  });

  it('says when no run in the time range has the attribute, whose value may hold `=`', async () => {
    const seen = useRecordedBackend({ ...agent, 'GET /api/v1/workflows/nightly-etl/runs': { items: [] } });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl?attribute=url.query%3Dregion%3Deu');

    expect(await screen.findByText('No run with url.query = region=eu in this time range.')).toBeInTheDocument();
    expect(screen.getByText('Runs with url.query = region=eu')).toBeInTheDocument();
    expect(seen.find((r) => r.path === '/api/v1/workflows/nightly-etl/runs')!.params).toMatchObject({ attribute: ['url.query=region=eu'] });
  });

  it('opens a run linked from an alert or a finding directly', async () => {
    useRecordedBackend(agent);
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl?run=r-etl-24');
    expect(await within(await screen.findByTestId(testIds.run.detail)).findByText('upload_batch')).toBeInTheDocument();
  });

  it('asks again for every section, and the run and finding open, each interval of a shared link, without blanking them', async () => {
    // Only the refresh timer is faked: the recorded agent still answers on a later tick.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const seen = useRecordedBackend(agent);
      renderApp('/a/flowlens-workflows-app/workflow/nightly-etl?from=now-6h&run=r-etl-24&finding=f-1&refresh=30s');
      await within(await screen.findByTestId(testIds.run.detail)).findByText('upload_batch');
      await within(screen.getByTestId(testIds.findings.detail)).findByText('Retry with exponential backoff up to 10 minutes.');
      await screen.findAllByText("Check the warehouse API's status");
      await screen.findAllByText('giving up after <*> attempts: 503 Service Unavailable');
      await answersLanded();
      const first = seen.map((r) => `${r.path} ${JSON.stringify(r.params)}`);

      act(() => vi.advanceTimersByTime(30_000));
      expect(screen.queryByTestId(testIds.state.loading)).not.toBeInTheDocument();
      expect(screen.getByTestId(testIds.run.detail)).toHaveTextContent('upload_batch');
      await answersLanded();
      expect(seen.slice(first.length).map((r) => `${r.path} ${JSON.stringify(r.params)}`).sort()).toEqual([...first].sort());
      expect(first).toContain('/api/v1/workflows/nightly-etl {"from":"now-6h","to":"now"}');
    } finally {
      vi.useRealTimers();
    }
  });

  it('brings a run opened from a link or the list into view, once its steps are there', async () => {
    useRecordedBackend(agent);
    const scrolled = vi.spyOn(Element.prototype, 'scrollIntoView');
    try {
      renderApp('/a/flowlens-workflows-app/workflow/nightly-etl?run=r-etl-24');
      const detail = await screen.findByTestId(testIds.run.detail);
      await within(detail).findByText('upload_batch');
      expect(scrolled.mock.contexts).toEqual([detail]);
    } finally {
      scrolled.mockRestore();
    }
  });

  it('moves focus to the heading of a run opened with the keyboard', async () => {
    useRecordedBackend(agent);
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl');
    within(await screen.findByTestId(testIds.workflow.run('r-etl-24'))).getByRole('button').focus();
    await userEvent.keyboard('{Enter}');
    const detail = await screen.findByTestId(testIds.run.detail);
    await within(detail).findByText('upload_batch');
    expect(document.activeElement).toBe(within(detail).getByRole('heading', { name: /^Run scheduled__2026-11-21T23:00/ }));
  });

  it("opens a run of another workflow, as a finding of several workflows links its runs, on that workflow's page", async () => {
    useRecordedBackend({
      ...agent,
      'GET /api/v1/runs/r-sales-3': { ...run, id: 'r-sales-3', workflow: 'sales-etl', runId: 'sales-etl-3' },
      'GET /api/v1/workflows/sales-etl': { ...workflow, name: 'sales-etl' },
    });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl?from=2026-11-21T00%3A00%3A00.000Z&to=now&run=r-sales-3');
    await waitFor(() =>
      expect(currentUrl.value).toBe('/a/flowlens-workflows-app/workflow/sales-etl?from=2026-11-21T00%3A00%3A00.000Z&to=now&run=r-sales-3')
    );
    expect(await within(await screen.findByTestId(testIds.run.detail)).findByRole('heading', { name: /Run sales-etl-3/ })).toBeInTheDocument();
  });

  it("opens a run by the runner's own run id, as findings' example runs and alert labels give it", async () => {
    const seen = useRecordedBackend(agent);
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl?run=scheduled__2026-11-21T23%3A00');
    const detail = await screen.findByTestId(testIds.run.detail);
    expect(await within(detail).findByText('upload_batch')).toBeInTheDocument();
    // The run itself, asked for by either id; its comparison is asked for apart.
    expect(seen.filter((r) => /^\/api\/v1\/runs\/[^/]+$/.test(r.path)).map((r) => r.path)).toEqual([
      '/api/v1/runs/scheduled__2026-11-21T23%3A00',
      '/api/v1/runs/r-etl-24',
    ]);
  });

  it('says when a linked run is unknown', async () => {
    useRecordedBackend(agent);
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl?run=gone');
    expect(await within(await screen.findByTestId(testIds.run.detail)).findByTestId(testIds.state.error)).toHaveTextContent('Not found');
  });

  it('says when the workflow is unknown to the agent', async () => {
    useRecordedBackend(agent);
    renderApp('/a/flowlens-workflows-app/workflow/no-such-flow');
    const error = await screen.findByTestId(testIds.state.error);
    expect(error).toHaveTextContent('Not found');
    expect(error).toHaveTextContent('no /api/v1/workflows/no-such-flow');
  });
});

/** Lets answers still on their way land (the recorded backend answers on a later tick), to check what did not show. */
const answersLanded = () => act(() => new Promise((resolve) => setTimeout(resolve, 0)));

const [failedRun, lastSuccess] = runs.items as [Run, Run];
const earlierSuccess: Run = {
  ...lastSuccess,
  id: 'r-etl-22',
  runId: 'scheduled__2026-11-21T21:00',
  startTime: '2026-11-21T21:00:00.000Z',
  endTime: '2026-11-21T21:35:00.000Z',
  durationSeconds: 2100,
};

/** r-etl-23 as the agent details it: the run that went well before r-etl-24. */
const succeededDetail = { ...run, ...lastSuccess, errorType: undefined, errorMessage: undefined, stepCount: 1, steps: run.steps.slice(0, 1) };

const comparisonOf = (subject: Run, baseline: Run | null, changes: Partial<RunComparison> = {}): RunComparison => ({
  run: { ...subject, traceId: '4bf92f3577b34da6a3ce929d0e0e4736' },
  baseline,
  baselineChoice: 'last-success',
  attributes: [],
  steps: [],
  stepsCompared: 3,
  stepsChanged: changes.steps?.length ?? 0,
  ...changes,
});

const noDownstreamChange = { added: [], removed: [], failing: [] };

/** r-etl-24 against r-etl-23, the last run that went well before it. */
const failedComparison = comparisonOf(failedRun, lastSuccess, {
  status: { from: 'success', to: 'failure' },
  duration: { fromSeconds: 1800, toSeconds: 3480, deltaSeconds: 1680, ratio: 1.93 },
  attributes: [
    { key: 'deployment.version', from: '2.3.0', to: '2.4.0' },
    { key: 'airflow.pool', from: null, to: 'etl-large' },
    { key: 'host.name', from: 'worker-2', to: 'worker-5', varies: true },
  ],
  steps: [
    {
      name: 'load_warehouse',
      path: [],
      change: 'failed',
      stepId: 's2',
      baselineStepId: 'b2',
      from: { status: 'success', durationSeconds: 1500 },
      to: { status: 'failure', durationSeconds: 3170 },
      deltaSeconds: 1670,
      ratio: 2.11,
      errorMessage: 'HTTPError: 503 Service Unavailable from warehouse.example.com',
      attributes: [{ key: 'retry.count', from: null, to: 3 }],
      downstream: { ...noDownstreamChange, failing: ['warehouse.example.com'] },
    },
    {
      name: 'upload_batch',
      path: ['load_warehouse'],
      change: 'slower',
      stepId: 's3',
      baselineStepId: 'b3',
      from: { status: 'success', durationSeconds: 0 },
      to: { status: 'success', durationSeconds: 3168 },
      deltaSeconds: 3168,
      ratio: null,
      attributes: [],
      downstream: { added: ['s3.eu-west-1'], removed: ['warehouse-replica'], failing: [] },
    },
    {
      name: 'extract',
      path: [],
      change: 'waited',
      stepId: 's6',
      baselineStepId: 'b6',
      from: { status: 'success', durationSeconds: 302, waitSeconds: 2 },
      to: { status: 'success', durationSeconds: 390, waitSeconds: 90 },
      deltaSeconds: 88,
      ratio: 1.29,
      attributes: [],
      downstream: noDownstreamChange,
    },
    {
      name: 'notify',
      path: [],
      change: 'missing',
      baselineStepId: 'b4',
      from: { status: 'success', durationSeconds: 2 },
      attributes: [],
      downstream: noDownstreamChange,
    },
    {
      name: 'vacuum',
      path: [],
      change: 'status',
      stepId: 's5',
      baselineStepId: 'b5',
      from: { status: 'success', durationSeconds: 40 },
      to: { status: 'skipped', durationSeconds: 0 },
      deltaSeconds: -40,
      ratio: 0,
      attributes: [],
      downstream: noDownstreamChange,
    },
  ],
});

const cells = (row: HTMLElement) => [...(row as HTMLTableRowElement).cells].map((c) => c.textContent);

describe('Run comparison', () => {
  it("compares a failed run at once with the last successful run: status, duration, attributes and steps", async () => {
    const seen = useRecordedBackend({ ...agent, 'GET /api/v1/runs/r-etl-24/compare': failedComparison });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl?run=r-etl-24');

    const comparison = await screen.findByTestId(testIds.run.comparison);
    expect(
      await within(comparison).findByRole('heading', {
        name: 'What changed since run scheduled__2026-11-21T22:00 success (the last successful run)',
      })
    ).toBeInTheDocument();
    expect(comparison).toHaveTextContent('2026-11-21 22:00:00 UTC · 30m 00s');
    expect(comparison).toHaveTextContent('Status: success → failure');
    expect(comparison).toHaveTextContent('Duration: 30m 00s → 58m 00s (+28m 00s, 1.9×)');

    const [attributes, steps] = within(comparison).getAllByRole('table');
    expect(within(attributes!).getAllByRole('row').map(cells)).toEqual([
      ['Key', 'Before', 'Now'],
      ['deployment.version', '2.3.0', '2.4.0'],
      ['airflow.pool', '—', 'etl-large'],
      ['host.name (varies from run to run)', 'worker-2', 'worker-5'],
    ]);

    expect(steps).toBe(within(comparison).getByTestId(testIds.run.comparisonSteps));
    const rows = within(steps!).getAllByRole('row').slice(1);
    expect(rows.map((r) => cells(r).slice(0, 5))).toEqual([
      ['load_warehouse', 'failed', 'success 25m 00s', 'failure 52m 50s', '+27m 50s, 2.1×'],
      ['load_warehouse › upload_batch', 'slower', 'success 0 ms', 'success 52m 48s', '+52m 48s'],
      // Its work took as long; it waited longer for a worker (a wait under a second is not worth a word).
      ['extract', 'waited longer', 'success 5m 02s (waited 2.0 s)', 'success 6m 30s (waited 1m 30s)', '+1m 28s, 1.3×'],
      ['notify', 'missing', 'success 2.0 s', '—', '—'],
      ['vacuum', 'status changed', 'success 40 s', 'skipped 0 ms', '-40 s, 0.0×'],
    ]);
    expect(within(rows[0]!).getByText('HTTPError: 503 Service Unavailable from warehouse.example.com')).toBeInTheDocument();
    expect(rows[0]).toHaveTextContent('retry.count: — → 3');
    expect(rows[0]).toHaveTextContent('warehouse.example.com now failing');
    expect(rows[1]).toHaveTextContent('calls s3.eu-west-1 now');
    expect(rows[1]).toHaveTextContent('no longer calls warehouse-replica');

    expect(comparison).not.toHaveTextContent('most significant');
    expect(comparison).not.toHaveTextContent('No difference');
    expect(screen.queryByRole('button', { name: 'Compare with the last successful run' })).not.toBeInTheDocument();
    expect(seen.find((r) => r.path === '/api/v1/runs/r-etl-24/compare')!.params).toEqual({});
  });

  it('says how many step changes there are when it shows only the 100 most significant', async () => {
    const steps = Array.from({ length: 100 }, (_, i) => ({
      ...failedComparison.steps[1]!,
      name: `partition ${i}`,
      stepId: `p${i}`,
      baselineStepId: `b-p${i}`,
    }));
    useRecordedBackend({
      ...agent,
      'GET /api/v1/runs/r-etl-24/compare': { ...failedComparison, steps, stepsChanged: 1234 },
    });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl?run=r-etl-24');

    const comparison = await screen.findByTestId(testIds.run.comparison);
    expect(await within(comparison).findByText('Showing the 100 most significant of 1,234 step changes.')).toBeInTheDocument();
    expect(within(comparison).getByTestId(testIds.run.comparisonSteps).querySelectorAll('tbody tr')).toHaveLength(100);
  });

  it('compares a run that went well only when asked', async () => {
    const seen = useRecordedBackend({
      ...agent,
      'GET /api/v1/runs/r-etl-23': succeededDetail,
      'GET /api/v1/runs/r-etl-23/compare': comparisonOf(lastSuccess, earlierSuccess, {
        duration: { fromSeconds: 2100, toSeconds: 1800, deltaSeconds: -300, ratio: 0.86 },
      }),
    });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl?run=r-etl-23');

    const detail = await screen.findByTestId(testIds.run.detail);
    await within(detail).findByText('extract');
    await answersLanded();
    expect(screen.queryByTestId(testIds.run.comparison)).not.toBeInTheDocument();
    expect(seen.some((r) => r.path.endsWith('/compare'))).toBe(false);

    await userEvent.click(within(detail).getByRole('button', { name: 'Compare with the last successful run' }));
    const comparison = await screen.findByTestId(testIds.run.comparison);
    expect(await within(comparison).findByText(/What changed since run scheduled__2026-11-21T21:00/)).toBeInTheDocument();
    expect(comparison).toHaveTextContent('Duration: 35m 00s → 30m 00s (-5m 00s, 0.9×)');
    expect(comparison).not.toHaveTextContent('Status:');
    expect(within(detail).queryByRole('button', { name: 'Compare with the last successful run' })).not.toBeInTheDocument();
    expect(seen.filter((r) => r.path === '/api/v1/runs/r-etl-23/compare')).toHaveLength(1);
  });

  it('says so when runs differ in neither status, steps nor attributes', async () => {
    useRecordedBackend({
      ...agent,
      'GET /api/v1/runs/r-etl-23': succeededDetail,
      'GET /api/v1/runs/r-etl-23/compare': comparisonOf(lastSuccess, earlierSuccess, {
        duration: { fromSeconds: 1800, toSeconds: 1800, deltaSeconds: 0, ratio: 1 },
      }),
    });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl?run=r-etl-23');

    await userEvent.click(await screen.findByRole('button', { name: 'Compare with the last successful run' }));
    const comparison = await screen.findByTestId(testIds.run.comparison);
    expect(
      await within(comparison).findByText('No difference in status, steps or attributes from run scheduled__2026-11-21T21:00.')
    ).toBeInTheDocument();
    expect(comparison).not.toHaveTextContent('Duration:');
    expect(within(comparison).queryByRole('table')).not.toBeInTheDocument();
  });

  it('names the steps a run still running has not reached yet, and gives no duration for it', async () => {
    useRecordedBackend({
      ...agent,
      'GET /api/v1/runs/r-etl-23': succeededDetail,
      // An agent from before `notReached` still sent the duration so far, which reads as faster.
      'GET /api/v1/runs/r-etl-23/compare': comparisonOf({ ...lastSuccess, status: 'running' }, earlierSuccess, {
        notReached: ['transform', 'load'],
        duration: { fromSeconds: 2100, toSeconds: 92, deltaSeconds: -2008, ratio: 0.04 },
      }),
    });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl?run=r-etl-23');

    await userEvent.click(await screen.findByRole('button', { name: 'Compare with the last successful run' }));
    const comparison = await screen.findByTestId(testIds.run.comparison);
    expect(await within(comparison).findByText(/Still running: not yet at/)).toHaveTextContent('Still running: not yet at transform, load');
    expect(comparison).not.toHaveTextContent('Duration:');
    expect(comparison).not.toHaveTextContent('No difference');
  });

  it('says why when there is no run to compare with', async () => {
    useRecordedBackend({
      ...agent,
      'GET /api/v1/runs/r-etl-24/compare': comparisonOf(failedRun, null, {
        note: 'No successful run of `nightly-etl` started in the 7 days before this run.',
      }),
    });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl?run=r-etl-24');

    const comparison = await screen.findByTestId(testIds.run.comparison);
    expect(await within(comparison).findByText('Nothing to compare with')).toBeInTheDocument();
    expect(comparison).toHaveTextContent('No successful run of nightly-etl started in the 7 days before this run.');
    expect(comparison).not.toHaveTextContent('What changed');
  });

  it('shows the run as before, without comparison or error, when the agent predates the comparison endpoint', async () => {
    const seen = useRecordedBackend({
      ...agent,
      'GET /api/v1/runs/r-etl-24/compare': () => ({ status: 404, data: { error: { message: 'Not Found' } } }),
    });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl?run=r-etl-24');

    const detail = await screen.findByTestId(testIds.run.detail);
    await within(detail).findByText('upload_batch');
    await answersLanded();
    expect(seen.some((r) => r.path === '/api/v1/runs/r-etl-24/compare')).toBe(true);
    expect(screen.queryByTestId(testIds.run.comparison)).not.toBeInTheDocument();
    expect(screen.queryByTestId(testIds.state.error)).not.toBeInTheDocument();
    expect(within(detail).queryByText('Loading…')).not.toBeInTheDocument();
  });

  it('explains a comparison the agent failed to answer, below the run it leaves intact', async () => {
    useRecordedBackend({
      ...agent,
      'GET /api/v1/runs/r-etl-24/compare': () => ({ status: 500, data: { error: { message: 'database is locked' } } }),
    });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl?run=r-etl-24');

    const comparison = await screen.findByTestId(testIds.run.comparison);
    const error = await within(comparison).findByTestId(testIds.state.error);
    expect(error).toHaveTextContent('The agent failed to answer');
    expect(error).toHaveTextContent('database is locked');
    expect(within(screen.getByTestId(testIds.run.detail)).getByText('upload_batch')).toBeInTheDocument();
  });
});

const { changes: _changes, ...olderAgentWorkflow } = workflow;

/** Charts and change markers in the runs over time, in page order, those hidden from assistive technology included. */
const timelineImages = () =>
  within(screen.getByTestId(testIds.workflow.timeline))
    .getAllByRole('img', { hidden: true })
    .map((image) => image.getAttribute('aria-label'));

const RUNS_CHART = 'Runs of nightly-etl: 24 runs, 9 failed';
const DURATION_CHART = 'Run duration: p95 up to 1h 00m';
/** The duration chart's markers, p95's then p50's, as `x,y rRadius`. */
const markers = (chart: HTMLElement) =>
  [...chart.querySelectorAll('circle')].map((c) => `${c.getAttribute('cx')},${c.getAttribute('cy')} r${c.getAttribute('r')}`);
const RELEASE = 'deployment.version 2.3.0 → 2.4.0 at 2026-11-21 12:00:00 UTC';
const FLAG = 'feature.flag — → on at 2026-11-21 18:00:00 UTC';

describe('What changed', () => {
  it('lists the steady attributes that changed, newest first, and marks the change after which more runs failed', async () => {
    useRecordedBackend({
      ...agent,
      'GET /api/v1/runs/r-etl-13': { ...run, id: 'r-etl-13', runId: 'scheduled__2026-11-21T12:00' },
    });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl?from=now-7d');

    const changes = await screen.findByTestId(testIds.workflow.changes);
    expect(within(changes).getByRole('heading', { name: 'Changes' })).toBeInTheDocument();
    // Where on-call looks first: after the runs over time, before the step breakdown.
    expect(screen.getByTestId(testIds.workflow.timeline).nextElementSibling).toBe(changes);
    expect(changes.nextElementSibling).toBe(screen.getByTestId(testIds.workflow.steps));

    const [header, flag, release] = within(changes).getAllByRole('row');
    expect([header, flag, release].map((r) => cells(r!))).toEqual([
      ['When', 'Attribute', 'Before', 'After', 'Failures before → after', 'First run'],
      ['2026-11-21 18:00:00 UTC', 'feature.flag', '—', 'on', '50% (6 of 12) → 50% (3 of 6)', 'scheduled__2026-11-21T18:00'],
      ['2026-11-21 12:00:00 UTC', 'deployment.version', '2.3.0', '2.4.0', '5% (1 of 20) → 67% (8 of 12)', 'scheduled__2026-11-21T12:00'],
    ]);
    expect(within(flag!).getByRole('link', { name: 'scheduled__2026-11-21T18:00' })).toHaveAttribute(
      'href',
      '/a/flowlens-workflows-app/workflow/nightly-etl?from=now-7d&to=now&run=r-etl-19'
    );

    // The release that hurt stands out; the flag, after which runs failed as often as before, does not.
    const worse = within(release!).getByText('67% (8 of 12)');
    expect(worse.tagName).toBe('STRONG');
    expect(worse).toHaveStyle({ color: createTheme().colors.error.text });
    expect(within(release!).getByText(/5% \(1 of 20\)/).tagName).not.toBe('STRONG');
    expect(flag!.querySelector('strong')).toBeNull();

    // Its first run opens below, in the same time range, so the change stays listed.
    await userEvent.click(within(release!).getByRole('link', { name: 'scheduled__2026-11-21T12:00' }));
    expect(currentUrl.value).toBe('/a/flowlens-workflows-app/workflow/nightly-etl?from=now-7d&to=now&run=r-etl-13');
    expect(await within(await screen.findByTestId(testIds.run.detail)).findByText('upload_batch')).toBeInTheDocument();
    expect(within(screen.getByTestId(testIds.workflow.changes)).getAllByRole('row')).toHaveLength(3);
  });

  it('marks each change where it fell on the runs over time, in red when more runs failed after it', async () => {
    useRecordedBackend(agent);
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl');

    const timeline = within(await screen.findByTestId(testIds.workflow.timeline));
    expect(timeline.getByText(/a line marks each change listed below, red when more runs failed after it\.$/)).toBeInTheDocument();
    // Over both charts, newest first as listed; the duration chart's repeat the runs chart's, hidden so they are read out once.
    expect(timelineImages()).toEqual([RUNS_CHART, FLAG, RELEASE, DURATION_CHART, FLAG, RELEASE]);
    const release = timeline.getByRole('img', { name: RELEASE });
    const flag = timeline.getByRole('img', { name: FLAG });
    expect(release).toHaveAttribute('title', RELEASE);
    expect(release.parentElement).toContainElement(timeline.getByRole('img', { name: RUNS_CHART }));
    const [, repeated] = timeline.getAllByLabelText(RELEASE);
    expect(repeated).toHaveAttribute('aria-hidden', 'true');
    expect(repeated!.parentElement).toContainElement(timeline.getByRole('img', { name: DURATION_CHART }));

    // The timeline's 4 slices of 6 h start at 2026-11-21 00:00: noon lies halfway across, 18:00 three quarters.
    expect(release).toHaveStyle({ left: '50.00%' });
    expect(repeated).toHaveStyle({ left: '50.00%' });
    expect(flag).toHaveStyle({ left: '75.00%' });

    // The release after which runs failed far more often in the theme's error colour, the flag not.
    const theme = createTheme();
    expect(release).toHaveStyle({ backgroundColor: theme.colors.error.main });
    expect(flag).toHaveStyle({ backgroundColor: theme.colors.text.secondary });
  });

  it('marks no change outside the runs over time, though it lists it', async () => {
    const [flag, release] = workflow.changes;
    // The timeline covers 2026-11-21 from midnight up to, not including, the next midnight.
    const changes = [
      { ...flag!, at: '2026-11-22T00:00:00.000Z' },
      release!,
      { ...release!, key: 'container.image', at: '2026-11-20T23:59:59.000Z' },
    ];
    useRecordedBackend({ ...agent, 'GET /api/v1/workflows/nightly-etl': { ...workflow, changes } });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl');

    const listed = await screen.findByTestId(testIds.workflow.changes);
    expect(within(listed).getAllByRole('row')).toHaveLength(4);
    expect(timelineImages()).toEqual([RUNS_CHART, RELEASE, DURATION_CHART, RELEASE]);
  });

  it('shows — for the failures before a change that came with the first runs the agent saw', async () => {
    const [, release] = workflow.changes;
    const first = { ...release!, before: { runs: 0, failed: 0, failureShare: null } };
    useRecordedBackend({ ...agent, 'GET /api/v1/workflows/nightly-etl': { ...workflow, changes: [first] } });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl');

    const changes = await screen.findByTestId(testIds.workflow.changes);
    const row = within(changes).getAllByRole('row')[1]!;
    expect(cells(row)[4]).toBe('— → 67% (8 of 12)');
    // Nothing before it to compare with, so nothing to call worse.
    expect(row.querySelector('strong')).toBeNull();
  });

  it("names the steps whose own attribute changed (a worker's release under a steady run)", async () => {
    const [, release] = workflow.changes;
    const worker = { ...release!, key: 'service.version', steps: ['extract', 'load_warehouse'] };
    useRecordedBackend({ ...agent, 'GET /api/v1/workflows/nightly-etl': { ...workflow, changes: [worker, release] } });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl');

    const rows = within(await screen.findByTestId(testIds.workflow.changes)).getAllByRole('row');
    expect(cells(rows[1]!)[1]).toBe('service.version of steps extract, load_warehouse');
    expect(cells(rows[2]!)[1]).toBe('deployment.version');
  });

  it('says so when no steady attribute changed in the time range', async () => {
    useRecordedBackend({ ...agent, 'GET /api/v1/workflows/nightly-etl': { ...workflow, changes: [] } });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl');

    const changes = await screen.findByTestId(testIds.workflow.changes);
    expect(within(changes).getByRole('heading', { name: 'Changes' })).toBeInTheDocument();
    expect(within(changes).getByText('No steady attribute changed in this time range.')).toBeInTheDocument();
    expect(within(changes).queryByRole('table')).not.toBeInTheDocument();
    expect(timelineImages()).toEqual([RUNS_CHART, DURATION_CHART]);
    expect(screen.getByText('Successful runs (green) and failed runs (red) per interval.')).toBeInTheDocument();
  });

  it('shows no changes section at all for an agent that predates them', async () => {
    useRecordedBackend({ ...agent, 'GET /api/v1/workflows/nightly-etl': olderAgentWorkflow });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl');

    await screen.findByTestId(testIds.workflow.steps);
    await answersLanded();
    expect(screen.queryByTestId(testIds.workflow.changes)).not.toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Changes' })).not.toBeInTheDocument();
    expect(screen.queryByText('No steady attribute changed in this time range.')).not.toBeInTheDocument();
    expect(timelineImages()).toEqual([RUNS_CHART, DURATION_CHART]);
  });
});

const SESSION = `/api/v1/sessions/${session.id}`;

const sessionAgent = {
  ...agent,
  'POST /api/v1/sessions': () => ({ status: 201, data: session }),
  [`GET ${SESSION}`]: session,
  [`POST ${SESSION}/verify`]: verification,
};

const itemTexts = (list: HTMLElement) => within(list).getAllByRole('listitem').map((li) => li.textContent);

describe('Links from a workflow page', () => {
  it('keep its auto-refresh interval, wherever they lead, as they keep its time range', async () => {
    const shared = { ...sharedAdvice, workflows: ['payments-sync', 'nightly-etl'] };
    useRecordedBackend({ ...sessionAgent, 'GET /api/v1/recommendations': { items: [...etlOnly(recommendations).items, shared] } });
    renderApp(`/a/flowlens-workflows-app/workflow/nightly-etl?from=now-7d&finding=f-1&session=${session.id}&refresh=1m`);
    // To a run and the session beside it, to a finding, and to runs at a finding's time.
    const compare = await screen.findByRole('link', { name: 'Compare the newest failed run with the last successful one' });
    await screen.findByRole('link', { name: 'the finding shared with payments-sync' });
    await within(screen.getByTestId(testIds.findings.detail)).findByRole('link', { name: 'first affected run' });
    await within(screen.getByTestId(testIds.workflow.changes)).findByRole('link', { name: 'scheduled__2026-11-21T18:00' });

    expect(compare).toHaveAttribute(
      'href',
      `/a/flowlens-workflows-app/workflow/nightly-etl?from=now-7d&to=now&session=${session.id}&run=r-etl-24&refresh=1m`
    );
    expect(appLinks().length).toBeGreaterThan(5);
    expect(appLinks().filter((href) => new URL(href, 'http://grafana').searchParams.get('refresh') !== '1m')).toEqual([]);
  });
});

describe('Troubleshooting session', () => {
  it('starts a session from pasted error lines and shows its phases, hypotheses and the runs to compare', async () => {
    const seen = useRecordedBackend(sessionAgent);
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl?from=now-7d');

    await userEvent.click(await screen.findByRole('button', { name: 'Troubleshoot' }));
    const panel = screen.getByTestId(testIds.session.panel);
    await userEvent.click(within(panel).getByLabelText('Paste error lines (optional)'));
    await userEvent.paste(
      'giving up after 3 attempts: 503 Service Unavailable\n\n   \ngiving up after 4 attempts: 503 Service Unavailable\n'
    );
    await userEvent.click(within(panel).getByRole('button', { name: 'Start session' }));

    const identification = await within(panel).findByTestId(testIds.session.phase('identification'));
    expect(seen.filter((r) => r.method === 'POST')).toEqual([
      {
        method: 'POST',
        path: '/api/v1/sessions',
        params: {},
        data: {
          workflow: 'nightly-etl',
          errorLogs: ['giving up after 3 attempts: 503 Service Unavailable', 'giving up after 4 attempts: 503 Service Unavailable'],
        },
      },
    ]);
    expect(currentUrl.value).toContain(`session=${session.id}`);
    // Shown as the agent answered the start, not asked for again.
    expect(seen.some((r) => r.path === SESSION)).toBe(false);

    expect(within(panel).getAllByRole('heading', { level: 4 }).map((h) => h.textContent)).toEqual([
      'Identification',
      'Analysis',
      'Diagnosis',
      'Resolution',
      'Verification',
    ]);
    expect(identification).toHaveTextContent('2 problem(s) on nightly-etl; 38 % of the last 24 runs failed.');
    expect(itemTexts(identification)).toEqual([
      '[critical] load_warehouse fails with 503 from warehouse.example.com',
      '[high] nightly-etl runs take twice as long',
      'pasted log pattern (2×): giving up after <*> attempts: 503 Service Unavailable',
    ]);

    // The comparison's changes nest under the line that names the runs, without their "  - ".
    const analysis = within(panel).getByTestId(testIds.session.phase('analysis'));
    expect(analysis).toHaveTextContent('Evidence for the leading problem: 9 of 24 runs affected since 2026-11-21 12:04 UTC.');
    const compared = within(analysis).getByText(/^the newest failed run/).closest('li')!;
    expect(within(compared).getByText('scheduled__2026-11-21T23:00').tagName).toBe('CODE');
    expect(itemTexts(compared)).toEqual([
      'deployment.version: 2.3.0 → 2.4.0',
      'step load_warehouse failed: HTTPError: 503 Service Unavailable (calls to warehouse.example.com failing)',
    ]);
    expect(compared.parentElement!.children).toHaveLength(3);
    expect(within(analysis).getByRole('link', { name: 'Compare the newest failed run with the last successful one' })).toHaveAttribute(
      'href',
      // In the page's time range, where the run compared and its baseline are.
      '/a/flowlens-workflows-app/workflow/nightly-etl?from=now-7d&to=now&session=7c0e4f2a-5b1d-4e8a-9f3c-2d6b8a1e0c47&run=r-etl-24'
    );

    const diagnosis = within(panel).getByTestId(testIds.session.phase('diagnosis'));
    expect(diagnosis).toHaveTextContent('Most likely: The warehouse API answers 503 since 12:00; the step retries three times and gives up.');
    const [matching, other] = within(diagnosis).getByTestId(testIds.session.hypotheses).querySelectorAll('li');
    expect(matching).toHaveTextContent('load_warehouse fails with 503 from warehouse.example.com · confidence 93%');
    expect(within(matching!).getByText('matches pasted logs')).toBeInTheDocument();
    expect(other).toHaveTextContent('nightly-etl runs take twice as long · confidence 80%');
    expect(other).not.toHaveTextContent('matches pasted logs');

    const resolution = within(panel).getByTestId(testIds.session.phase('resolution'));
    expect(itemTexts(within(resolution).getByText("Check the warehouse API's status", { selector: 'li' }))).toEqual([
      "Open the warehouse provider's status page.",
      'Retry with exponential backoff up to 10 minutes.',
    ]);
  });

  it('sends no error lines when none were pasted', async () => {
    const seen = useRecordedBackend(sessionAgent);
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl');

    await userEvent.click(await screen.findByRole('button', { name: 'Troubleshoot' }));
    await userEvent.click(screen.getByRole('button', { name: 'Start session' }));
    await screen.findByTestId(testIds.session.phase('identification'));
    expect(seen.find((r) => r.method === 'POST')!.data).toEqual({ workflow: 'nightly-etl' });
  });

  it('opens a session from a shared link', async () => {
    const seen = useRecordedBackend(sessionAgent);
    renderApp(`/a/flowlens-workflows-app/workflow/nightly-etl?session=${session.id}`);

    const panel = await screen.findByTestId(testIds.session.panel);
    const verification = await within(panel).findByTestId(testIds.session.phase('verification'));
    expect(verification).toHaveTextContent('After the fix, at least 5 runs with at most 5.0 % failures');
    expect(itemTexts(verification)).toEqual(['pattern t-503 absent']);
    expect(seen.filter((r) => r.path.startsWith('/api/v1/sessions')).map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${SESSION}`]);
    expect(screen.getByRole('button', { name: 'Troubleshoot' })).toBeDisabled();
  });

  it('says when the linked session is unknown to the agent, and starts a new one on request', async () => {
    useRecordedBackend(agent);
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl?session=gone');

    const panel = await screen.findByTestId(testIds.session.panel);
    expect(await within(panel).findByText('This troubleshooting session is unknown to the agent.')).toBeInTheDocument();
    expect(within(panel).queryByTestId(testIds.state.error)).not.toBeInTheDocument();

    await userEvent.click(within(panel).getByRole('button', { name: 'Start a new session' }));
    expect(currentUrl.value).not.toContain('session=');
    expect(within(panel).getByLabelText('Paste error lines (optional)')).toBeInTheDocument();
    expect(within(panel).queryByText('This troubleshooting session is unknown to the agent.')).not.toBeInTheDocument();
  });

  it('checks the fix: the verdict, the runs since the session started and each check', async () => {
    const seen = useRecordedBackend(sessionAgent);
    renderApp(`/a/flowlens-workflows-app/workflow/nightly-etl?session=${session.id}`);

    await userEvent.click(await screen.findByRole('button', { name: 'Check the fix' }));
    const verdict = await screen.findByTestId(testIds.session.verdict);
    expect(seen.find((r) => r.method === 'POST')).toEqual({ method: 'POST', path: `${SESSION}/verify`, params: {}, data: undefined });
    expect(verdict).toHaveTextContent('failed 6 runs since the session started');
    expect(within(verdict).getAllByRole('row').map(cells)).toEqual([
      ['Check', 'Result', 'Detail'],
      ['enough runs', 'passed', '6 of 5 runs since the session started'],
      ['failure ratio', 'failed', '17 % failed (at most 5.0 %; 38 % before)'],
      ['pattern absent', 'passed', 'the error pattern did not come back'],
    ]);
  });

  it('shows checks no run has told yet as waiting, not as passed', async () => {
    const waiting = (name: string, detail: string) => ({ name, state: 'waiting', passed: false, detail });
    useRecordedBackend({
      ...sessionAgent,
      [`POST ${SESSION}/verify`]: {
        ...verification,
        status: 'pending',
        runs: 0,
        failureRatio: 0,
        checks: [waiting('enough_runs', '0 of 5 runs since the session started'), waiting('failure_ratio', '0.0 % failed (at most 5.0 %; 38 % before)'), waiting('pattern_absent', 'no run since the session started')],
      },
    });
    renderApp(`/a/flowlens-workflows-app/workflow/nightly-etl?session=${session.id}`);

    await userEvent.click(await screen.findByRole('button', { name: 'Check the fix' }));
    const verdict = await screen.findByTestId(testIds.session.verdict);
    expect(within(verdict).getAllByRole('row').map(cells).map((row) => row.slice(0, 2))).toEqual([
      ['Check', 'Result'],
      ['enough runs', 'waiting for runs'],
      ['failure ratio', 'waiting for runs'],
      ['pattern absent', 'waiting for runs'],
    ]);
  });

  it('closes the session, taking it out of the URL', async () => {
    useRecordedBackend(sessionAgent);
    renderApp(`/a/flowlens-workflows-app/workflow/nightly-etl?from=now-7d&session=${session.id}`);

    const panel = await screen.findByTestId(testIds.session.panel);
    await within(panel).findByTestId(testIds.session.phase('identification'));
    await userEvent.click(within(panel).getByRole('button', { name: 'Close' }));
    expect(screen.queryByTestId(testIds.session.panel)).not.toBeInTheDocument();
    expect(currentUrl.value).toBe('/a/flowlens-workflows-app/workflow/nightly-etl?from=now-7d');
    expect(screen.getByRole('button', { name: 'Troubleshoot' })).toBeEnabled();
  });
});

describe('A workflow with little to show', () => {
  it('gives unknown health no score, and says why there are no factors', async () => {
    useRecordedBackend({
      ...agent,
      'GET /api/v1/workflows/nightly-etl': { ...workflow, health: { score: null, status: 'unknown' } },
      'GET /api/v1/workflows/nightly-etl/health': { score: null, status: 'unknown', factors: [] },
    });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl');

    const factors = await screen.findByTestId(testIds.workflow.factors);
    expect(await within(factors).findByText('No health score yet: too few finished runs for the agent to judge this workflow.')).toBeInTheDocument();
    expect(within(factors).queryByRole('table')).not.toBeInTheDocument();
    expect(screen.getByText('unknown –')).toBeInTheDocument();
    expect(screen.queryByText('unknown 0')).not.toBeInTheDocument();
  });

  it('says what holds a health score down that its factors would put higher', async () => {
    useRecordedBackend({
      ...agent,
      'GET /api/v1/workflows/nightly-etl/health': { ...health, score: 49, status: 'unhealthy', cappedBy: 'stalled_schedule' },
    });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl');

    expect(await screen.findByTestId(testIds.workflow.healthCap)).toHaveTextContent(
      'Unhealthy (49) whatever the factors below say: its schedule stopped starting runs.'
    );
  });

  it('says so when no run is in the time range, and when a run has no steps', async () => {
    useRecordedBackend({
      ...agent,
      'GET /api/v1/workflows/nightly-etl': { ...workflow, runs: 0, failedRuns: 0, steps: [], changes: [] },
      'GET /api/v1/runs/r-etl-24': { ...run, stepCount: 0, steps: [], logs: [] },
    });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl?run=r-etl-24');

    const steps = await screen.findByTestId(testIds.workflow.steps);
    expect(within(steps).getByText('No step ran in this time range.')).toBeInTheDocument();
    expect(within(steps).queryByRole('table')).not.toBeInTheDocument();
    const detail = await screen.findByTestId(testIds.run.detail);
    expect(await within(detail).findByText('This run has no steps: its runner reported none.')).toBeInTheDocument();
    expect(within(detail).queryByRole('columnheader', { name: 'Timeline' })).not.toBeInTheDocument();
  });

  it("counts a step's time once, in the step it ran under, and a failure once, at the step it began in", async () => {
    const base = { runs: 24, passedOnRetry: 0, p50DurationSeconds: 60, p95DurationSeconds: 90, downstream: [] };
    useRecordedBackend({
      ...agent,
      'GET /api/v1/workflows/nightly-etl': {
        ...workflow,
        steps: [
          { ...base, name: 'build', failures: 9, totalDurationSeconds: 2400, timeShare: 0.8, failureShare: 0 },
          { ...base, name: 'npm test', failures: 9, totalDurationSeconds: 1200, timeShare: null, failureShare: 1 },
          { ...base, name: 'publish', failures: 0, totalDurationSeconds: 600, timeShare: 0.2, failureShare: 0 },
        ],
      },
    });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl');

    const steps = await screen.findByTestId(testIds.workflow.steps);
    const shares = within(steps)
      .getAllByRole('row')
      .slice(1)
      .map((row) => within(row).getAllByRole('cell').slice(0, 4).map((c) => c.textContent));
    expect(shares).toEqual([
      ['npm test', '—', '100%', '9/24'],
      ['build', '80%', '0%', '9/24'],
      ['publish', '20%', '0%', '0/24'],
    ]);
    expect(within(within(steps).getAllByRole('row')[1]!).getAllByRole('cell')[1]).toHaveAccessibleName('absent');
  });

  it('shows the SLO rule that fired, with the burn rates the alerts judge, when a short window had no run', async () => {
    const rates = { '5m': 0, '30m': 100, '1h': 100, '2h': 75, '6h': 91.7, '1d': 93.7, '3d': 53.5 };
    const [etl] = slos.items;
    useRecordedBackend({
      ...agent,
      'GET /api/v1/slos': { items: [{ ...etl, burnRates: rates, judgedBurnRates: { ...rates, '5m': 100 }, firing: '1h+5m > 3.36' }] },
    });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl');
    const slo = await screen.findByTestId(testIds.workflow.slo);
    expect(await within(slo).findByText('burn over 3.36× in both 1h and 5m')).toBeInTheDocument();
    expect(slo).toHaveTextContent('Burn rate 5m · 30m · 1h · 2h · 6h · 1d · 3d');
    expect(slo).toHaveTextContent('100.0 · 100.0 · 100.0 · 75.0 · 91.7 · 93.7 · 53.5');
  });

  it('lists advice that two findings give once', async () => {
    const { items } = etlOnly(recommendations);
    useRecordedBackend({ ...agent, 'GET /api/v1/recommendations': { items: [...items, { ...items[0]!, findingId: 'f-2', severity: 'high' }] } });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl');
    expect(await screen.findAllByText("Check the warehouse API's status")).toHaveLength(1);
    expect(screen.getByText('Shorten retries')).toBeInTheDocument();
  });

  it("says which finding advice comes from when it is another workflow's finding shared with this one", async () => {
    const shared = { ...sharedAdvice, workflows: ['payments-sync', 'nightly-etl'] };
    useRecordedBackend({ ...agent, 'GET /api/v1/recommendations': { items: [...etlOnly(recommendations).items, shared] } });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl');
    const advice = (await screen.findByText('charge', { selector: 'code' })).closest('li')!;
    expect(within(advice).getByRole('link', { name: 'the finding shared with payments-sync' })).toHaveAttribute(
      'href',
      '/a/flowlens-workflows-app/findings?finding=f-9'
    );
    // The workflow's own advice needs no source.
    expect(screen.getByText("Check the warehouse API's status").closest('li')).not.toHaveTextContent('shared with');
  });

  it('says when a running run was last heard from, rather than its latest span\'s time as its duration', async () => {
    const hung = { ...run, status: 'running', endTime: '2026-11-21T23:01:32.000Z', durationSeconds: 92, errorType: undefined, errorMessage: undefined };
    useRecordedBackend({ ...agent, 'GET /api/v1/workflows/nightly-etl/runs': { items: [hung] }, 'GET /api/v1/runs/r-etl-24': hung });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl?run=r-etl-24');
    const row = await screen.findByTestId(testIds.workflow.run('r-etl-24'));
    expect(within(row).getAllByRole('cell')[3]).toHaveTextContent(/^running, last heard from 2026-11-21 23:01:32 UTC$/);
    const detail = await screen.findByTestId(testIds.run.detail);
    expect(await within(detail).findByText(/2026-11-21 23:00:00 UTC · running, last heard from 2026-11-21 23:01:32 UTC/)).toBeInTheDocument();
    expect(detail).not.toHaveTextContent('1m 32s');
  });

  it('labels the runs over time with the time they cover, and each interval with its start and counts', async () => {
    useRecordedBackend(agent);
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl');
    const timeline = await screen.findByTestId(testIds.workflow.timeline);
    // Four 6-hour intervals from midnight.
    expect(within(timeline).getByText('2026-11-21 00:00:00 UTC')).toBeInTheDocument();
    expect(within(timeline).getByText('2026-11-22 00:00:00 UTC')).toBeInTheDocument();
    const bars = within(timeline).getByRole('img', { name: 'Runs of nightly-etl: 24 runs, 9 failed' });
    expect([...bars.querySelectorAll('g > title')].map((t) => t.textContent)[1]).toBe('2026-11-21 06:00:00 UTC: 6 runs, 1 failed');
  });

  it('says when no run finished in the time range and when the last one did, instead of blank charts', async () => {
    useRecordedBackend({
      ...agent,
      'GET /api/v1/workflows/nightly-etl': {
        ...workflow,
        runs: 0,
        failedRuns: 0,
        timeline: workflow.timeline.map((p) => ({ ...p, runs: 0, failures: 0, p50DurationSeconds: null, p95DurationSeconds: null })),
      },
    });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl?from=now-1h');
    const timeline = await screen.findByTestId(testIds.workflow.timeline);
    expect(timeline).toHaveTextContent('No run finished in this time range; the last one ended 2026-11-21 23:00:00 UTC.');
    expect(within(timeline).queryByRole('img')).not.toBeInTheDocument();
  });

  it('breaks the duration lines over intervals without a finished run, rather than drop them to zero', async () => {
    const point = (t: string, runs: number, p50: number | null, p95: number | null) => ({ t, runs, failures: 0, p50DurationSeconds: p50, p95DurationSeconds: p95 });
    useRecordedBackend({
      ...agent,
      'GET /api/v1/workflows/nightly-etl': {
        ...workflow,
        changes: [],
        timeline: [
          point('2026-11-21T00:00:00.000Z', 6, 1700, 1800),
          point('2026-11-21T06:00:00.000Z', 0, null, null),
          point('2026-11-21T12:00:00.000Z', 6, 1900, 3600),
          point('2026-11-21T18:00:00.000Z', 6, 2000, 3000),
        ],
      },
    });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl');

    const chart = await within(await screen.findByTestId(testIds.workflow.timeline)).findByRole('img', { name: DURATION_CHART });
    const [p95, p50] = [...chart.querySelectorAll('path')].map((line) => line.getAttribute('d'));
    // Slots 200 wide, 80 high, up to 1h 00m: nothing drawn at 06:00, the first point a marker of its own.
    expect(p95).toBe('M500.0,0.0L700.0,13.3');
    expect(p50).toBe('M500.0,37.8L700.0,35.6');
    expect(markers(chart)).toEqual(['100.0,40.0 r4.5', '100.0,42.2 r3']);
  });

  it('marks the durations of an interval between two without a finished run, where a line would be a dot (an hourly run in a day)', async () => {
    const hourly = Array.from({ length: 6 }, (_, i) => ({
      t: new Date(Date.UTC(2026, 10, 21, i * 2)).toISOString(),
      runs: i % 2 === 0 ? 1 : 0,
      failures: 0,
      p50DurationSeconds: i % 2 === 0 ? 1800 + i * 300 : null,
      p95DurationSeconds: i % 2 === 0 ? 1800 + i * 300 : null,
    }));
    useRecordedBackend({ ...agent, 'GET /api/v1/workflows/nightly-etl': { ...workflow, changes: [], timeline: hourly } });
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl');

    const chart = await within(await screen.findByTestId(testIds.workflow.timeline)).findByRole('img', { name: 'Run duration: p95 up to 50m 00s' });
    expect([...chart.querySelectorAll('path')].map((line) => line.getAttribute('d'))).toEqual(['', '']);
    // One run: p50 equals p95, whose larger marker rings p50's.
    expect(markers(chart)).toEqual(['66.7,32.0 r4.5', '333.3,16.0 r4.5', '600.0,0.0 r4.5', '66.7,32.0 r3', '333.3,16.0 r3', '600.0,0.0 r3']);
  });
});
