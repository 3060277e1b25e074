import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import findings from '../test/responses/findings.json';
import health from '../test/responses/health-nightly-etl.json';
import patterns from '../test/responses/patterns-nightly-etl.json';
import recommendations from '../test/responses/recommendations.json';
import run from '../test/responses/run-r-etl-24.json';
import runs from '../test/responses/runs-nightly-etl.json';
import similar from '../test/responses/similar-f-1.json';
import slos from '../test/responses/slos.json';
import workflow from '../test/responses/workflow-nightly-etl.json';
import { currentUrl, renderApp } from '../test/renderApp.js';
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
    const timeline = within(screen.getByTestId(testIds.workflow.timeline));
    expect(timeline.getByRole('img', { name: 'Runs of nightly-etl: 24 runs, 9 failed' })).toBeInTheDocument();
    expect(timeline.getByRole('img', { name: 'Run duration: p95 up to 1h 00m' })).toBeInTheDocument();

    // load_warehouse holds every failure and most of the time, so it comes first.
    const stepRows = within(screen.getByTestId(testIds.workflow.steps)).getAllByRole('row').slice(1);
    expect(stepRows[0]).toHaveTextContent('load_warehouse');
    expect(stepRows[0]).toHaveTextContent('100%');
    expect(stepRows[0]).toHaveTextContent('warehouse.example.com (27/96 failed)');

    const slo = screen.getByTestId(testIds.workflow.slo);
    expect(await within(slo).findByText('-210%')).toBeInTheDocument();
    expect(slo).toHaveTextContent('40.0 · 37.5 · 22.0 · 12.0 · 4.0');

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

  it('filters recent runs by status', async () => {
    const seen = useRecordedBackend(agent);
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl');
    await screen.findByTestId(testIds.workflow.run('r-etl-23'));
    await userEvent.click(screen.getByLabelText('failure'));
    await screen.findByTestId(testIds.workflow.run('r-etl-24'));
    expect(screen.queryByTestId(testIds.workflow.run('r-etl-23'))).not.toBeInTheDocument();
    expect(seen.filter((r) => r.path.endsWith('/runs')).at(-1)!.params).toMatchObject({ status: 'failure', limit: 25 });
  });

  it('opens a run linked from an alert or a finding directly', async () => {
    useRecordedBackend(agent);
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl?run=r-etl-24');
    expect(await within(await screen.findByTestId(testIds.run.detail)).findByText('upload_batch')).toBeInTheDocument();
  });

  it("opens a run by the runner's own run id, as findings' example runs and alert labels give it", async () => {
    const seen = useRecordedBackend(agent);
    renderApp('/a/flowlens-workflows-app/workflow/nightly-etl?run=scheduled__2026-11-21T23%3A00');
    const detail = await screen.findByTestId(testIds.run.detail);
    expect(await within(detail).findByText('upload_batch')).toBeInTheDocument();
    expect(seen.filter((r) => r.path.startsWith('/api/v1/runs/')).map((r) => r.path)).toEqual([
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
