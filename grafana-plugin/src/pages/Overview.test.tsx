import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import workflows from '../test/responses/workflows.json';
import { currentUrl, renderApp } from '../test/renderApp.js';
import { useRecordedBackend } from '../test/recordedBackend.js';
import { testIds } from '../testIds.js';

const rowNames = () =>
  screen.getAllByTestId(/^flowlens-overview-row-/).map((row) => row.getAttribute('data-testid')!.replace('flowlens-overview-row-', ''));

describe('Overview page', () => {
  it('lists workflows worst first with health, success rate, p95, SLO and open findings', async () => {
    const seen = useRecordedBackend({ 'GET /api/v1/workflows': workflows });
    renderApp('/a/flowlens-workflows-app/overview');

    await screen.findByTestId(testIds.overview.row('nightly-etl'));
    expect(rowNames()).toEqual(['nightly-etl', 'order-saga', 'deploy-api']);
    const etl = within(screen.getByTestId(testIds.overview.row('nightly-etl')));
    expect(etl.getByText('unhealthy 38')).toBeInTheDocument();
    expect(etl.getByText('62.5%')).toBeInTheDocument();
    expect(etl.getByText('1h 00m')).toBeInTheDocument();
    expect(etl.getByText('critical · budget -210%')).toBeInTheDocument();
    expect(etl.getByText('1 critical')).toBeInTheDocument();
    expect(etl.getByText('1 high')).toBeInTheDocument();
    expect(etl.getByRole('img', { name: 'Runs of nightly-etl: 24 runs, 9 failed' })).toBeInTheDocument();
    expect(etl.getByRole('link', { name: 'nightly-etl' })).toHaveAttribute(
      'href',
      '/a/flowlens-workflows-app/workflow/nightly-etl?from=now-24h&to=now'
    );
    expect(seen[0]).toMatchObject({ path: '/api/v1/workflows', params: { from: 'now-24h', to: 'now' } });
    expect(screen.queryByTestId(testIds.state.allHealthy)).not.toBeInTheDocument();
  });

  it('filters by search and health status and keeps both in the URL', async () => {
    useRecordedBackend({ 'GET /api/v1/workflows': workflows });
    renderApp('/a/flowlens-workflows-app/overview');
    await screen.findByTestId(testIds.overview.row('nightly-etl'));

    await userEvent.type(screen.getByPlaceholderText('Search workflows'), 'temporal');
    expect(rowNames()).toEqual(['order-saga']);
    expect(currentUrl.value).toContain('q=temporal');

    await userEvent.clear(screen.getByPlaceholderText('Search workflows'));
    await userEvent.click(screen.getByLabelText('healthy'));
    expect(rowNames()).toEqual(['deploy-api']);
    expect(currentUrl.value).toContain('status=healthy');

    await userEvent.click(screen.getByLabelText('unknown'));
    expect(screen.getByText('No workflow matches these filters.')).toBeInTheDocument();
  });

  it('opens with the filters and time range of a shared link', async () => {
    const seen = useRecordedBackend({ 'GET /api/v1/workflows': workflows });
    renderApp('/a/flowlens-workflows-app/overview?status=degraded&from=now-7d');
    await screen.findByTestId(testIds.overview.row('order-saga'));
    expect(rowNames()).toEqual(['order-saga']);
    expect(seen[0]!.params).toEqual({ from: 'now-7d', to: 'now' });
  });

  it('says all is well when every workflow is healthy with nothing open', async () => {
    const healthy = { ...workflows, items: [workflows.items[0]] };
    useRecordedBackend({ 'GET /api/v1/workflows': healthy });
    renderApp('/a/flowlens-workflows-app/overview');
    expect(await screen.findByTestId(testIds.state.allHealthy)).toHaveTextContent('All 1 workflows are healthy');
  });

  it('explains how to send telemetry when the agent has no runs yet', async () => {
    useRecordedBackend({ 'GET /api/v1/workflows': { sparklineStarts: [], items: [] } });
    renderApp('/a/flowlens-workflows-app/overview');
    expect(await screen.findByTestId(testIds.state.noData)).toHaveTextContent('OTEL_EXPORTER_OTLP_ENDPOINT');
  });

  it('tells an unreachable agent from a refused token', async () => {
    useRecordedBackend({ 'GET /api/v1/workflows': () => ({ status: 502, data: { message: 'dial tcp 10.0.0.9:9470: connection refused' } }) });
    const { unmount } = renderApp('/a/flowlens-workflows-app/overview');
    const unreachable = await screen.findByTestId(testIds.state.error);
    expect(unreachable).toHaveTextContent('The FlowLens agent is unreachable');
    expect(unreachable).toHaveTextContent('connection refused');
    expect(within(unreachable).getByRole('link', { name: /configuration/ })).toHaveAttribute('href', '/plugins/flowlens-workflows-app');
    unmount();

    useRecordedBackend({ 'GET /api/v1/workflows': () => ({ status: 401, data: { error: { message: 'bad token' } } }) });
    renderApp('/a/flowlens-workflows-app/overview');
    expect(await screen.findByTestId(testIds.state.error)).toHaveTextContent('The agent refused the API token');
  });
});
