import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import workflows from '../test/responses/workflows.json';
import { currentUrl, renderApp } from '../test/renderApp.js';
import { useRecordedBackend, type SeenRequest } from '../test/recordedBackend.js';
import { testIds } from '../testIds.js';

const rowNames = () =>
  screen.getAllByTestId(/^flowlens-overview-row-/).map((row) => row.getAttribute('data-testid')!.replace('flowlens-overview-row-', ''));

// The page asks for the senders' clocks too, so requests are found by path rather than by order.
const asked = (seen: SeenRequest[], path: string) => seen.find((r) => r.path === path)!;

/** Lets answers still on their way land (the recorded backend answers on a later tick), to check what did not show. */
const answersLanded = () => act(() => new Promise((resolve) => setTimeout(resolve, 0)));

const sender = (service: string, host: string, lagSeconds: number, clock: string) => ({
  service,
  host,
  lagSeconds,
  clock,
  lastSeen: '2026-12-02T17:20:00.000Z',
});

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
    // Overspent: 3.1 budgets spent, not a negative share left.
    expect(etl.getByText('critical · budget exhausted (3.1× spent)')).toBeInTheDocument();
    expect(etl.getByText('1 critical')).toBeInTheDocument();
    expect(etl.getByText('1 high')).toBeInTheDocument();
    // The agent's counts hold acknowledged findings too: the column says so.
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toContain('Open or acknowledged findings');
    expect(etl.getByRole('img', { name: 'Runs of nightly-etl: 24 runs, 9 failed' })).toBeInTheDocument();
    expect(etl.getByRole('link', { name: 'nightly-etl' })).toHaveAttribute(
      'href',
      '/a/flowlens-workflows-app/workflow/nightly-etl?from=now-24h&to=now'
    );
    expect(asked(seen, '/api/v1/workflows').params).toEqual({ from: 'now-24h', to: 'now' });
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
    expect(asked(seen, '/api/v1/workflows').params).toEqual({ from: 'now-7d', to: 'now' });
  });

  it('says all is well when every workflow is healthy with nothing open', async () => {
    const healthy = { ...workflows, items: [workflows.items[0]] };
    useRecordedBackend({ 'GET /api/v1/workflows': healthy });
    renderApp('/a/flowlens-workflows-app/overview');
    expect(await screen.findByTestId(testIds.state.allHealthy)).toHaveTextContent('All 1 workflows are healthy');
  });

  it('lists a workflow that did not run in the range (a stalled one) with its findings, and unknown health as no score', async () => {
    const stalled = {
      ...workflows.items[0]!,
      name: 'backup-hourly',
      runner: 'cicd',
      runs: 0,
      failedRuns: 0,
      successRate: null,
      p50DurationSeconds: null,
      p95DurationSeconds: null,
      health: { score: null, status: 'unknown' },
      openFindings: { critical: 0, high: 1, medium: 0, low: 0, info: 0 },
      slo: null,
      sparkline: { runs: workflows.sparklineStarts.map(() => 0), failures: workflows.sparklineStarts.map(() => 0) },
    };
    useRecordedBackend({ 'GET /api/v1/workflows': { ...workflows, items: [...workflows.items, stalled] } });
    renderApp('/a/flowlens-workflows-app/overview');

    const row = within(await screen.findByTestId(testIds.overview.row('backup-hourly')));
    expect(rowNames()).toEqual(['nightly-etl', 'order-saga', 'deploy-api', 'backup-hourly']);
    expect(row.getByText('unknown –')).toBeInTheDocument();
    expect(row.getByText('0/0 failed')).toBeInTheDocument();
    expect(row.getByText('1 high')).toBeInTheDocument();
    expect(row.getByRole('img', { name: 'Runs of backup-hourly: 0 runs, 0 failed' })).toBeInTheDocument();
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

  it('warns of senders whose clock is off, how far and which way, and leaves out those in step', async () => {
    useRecordedBackend({
      'GET /api/v1/workflows': workflows,
      'GET /api/v1/senders': {
        items: [
          sender('airflow-scheduler', '', 2100, 'late'),
          sender('ci-runner', 'build-7', -612.4, 'ahead'),
          sender('order-worker', 'pod-3', 2.1, 'ok'),
        ],
      },
    });
    renderApp('/a/flowlens-workflows-app/overview');

    const banner = await screen.findByTestId(testIds.overview.senderClocks);
    expect(within(banner).getByText('Senders’ clocks are off')).toBeInTheDocument();
    expect(within(banner).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'airflow-scheduler: 35m 00s late: its clock runs behind, or its telemetry is delayed',
      'ci-runner on build-7: 10m 12s ahead of the agent’s clock',
    ]);
    expect(banner).toHaveTextContent('Runs from a sender ahead are listed and analysed only once the agent’s clock reaches them');
    expect(banner).toHaveTextContent('running runs from a late one can be reported hung');
    expect(banner).toHaveTextContent('Synchronise the senders’ clocks (NTP/chrony); a backfill or a queued pipeline also arrives late.');
    expect(banner).not.toHaveTextContent('order-worker');
    expect(await screen.findByTestId(testIds.overview.row('nightly-etl'))).toBeInTheDocument();
  });

  it('names one sender whose clock is off in the singular, and lists five of many', async () => {
    const ahead = Array.from({ length: 8 }, (_, i) => sender(`runner-${i}`, `host-${i}`, -7200 + i * 60, 'ahead'));
    useRecordedBackend({ 'GET /api/v1/workflows': workflows, 'GET /api/v1/senders': { items: ahead } });
    const { unmount } = renderApp('/a/flowlens-workflows-app/overview');
    const many = await screen.findByTestId(testIds.overview.senderClocks);
    const lines = within(many).getAllByRole('listitem').map((li) => li.textContent);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe('runner-0 on host-0: 2h 00m ahead of the agent’s clock');
    expect(lines[1]).toBe('runner-1 on host-1: 1h 59m ahead of the agent’s clock');
    expect(lines[5]).toBe('and 3 more');
    unmount();

    useRecordedBackend({ 'GET /api/v1/workflows': workflows, 'GET /api/v1/senders': { items: ahead.slice(0, 1) } });
    renderApp('/a/flowlens-workflows-app/overview');
    const one = await screen.findByTestId(testIds.overview.senderClocks);
    expect(within(one).getByText('A sender’s clock is off')).toBeInTheDocument();
    expect(one).toHaveTextContent('Synchronise the sender’s clock (NTP/chrony)');
  });

  it.each([
    ['every sender is in step', { items: [sender('ci-runner', 'build-7', 3.2, 'ok')] }],
    ['no sender was heard from', { items: [] }],
  ])('shows no clock warning when %s', async (_, senders) => {
    const seen = useRecordedBackend({ 'GET /api/v1/workflows': workflows, 'GET /api/v1/senders': senders });
    renderApp('/a/flowlens-workflows-app/overview');
    await screen.findByTestId(testIds.overview.row('nightly-etl'));
    await answersLanded();
    expect(asked(seen, '/api/v1/senders')).toBeDefined();
    expect(screen.queryByTestId(testIds.overview.senderClocks)).not.toBeInTheDocument();
  });

  it('shows its usual content and no clock warning when the agent predates the senders endpoint', async () => {
    const seen = useRecordedBackend({
      'GET /api/v1/workflows': workflows,
      'GET /api/v1/senders': () => ({ status: 404, data: { error: { message: 'Not Found' } } }),
    });
    renderApp('/a/flowlens-workflows-app/overview');
    await screen.findByTestId(testIds.overview.row('nightly-etl'));
    await answersLanded();
    expect(rowNames()).toEqual(['nightly-etl', 'order-saga', 'deploy-api']);
    expect(asked(seen, '/api/v1/senders')).toBeDefined();
    expect(screen.queryByTestId(testIds.overview.senderClocks)).not.toBeInTheDocument();
    expect(screen.queryByTestId(testIds.state.error)).not.toBeInTheDocument();
  });
});

describe('Overview refresh', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Answers first with every workflow, then with deploy-api alone, as if the others had left the range. */
  const changingAgent = () => {
    let answered = 0;
    return useRecordedBackend({
      'GET /api/v1/workflows': () => ({
        status: 200,
        data: answered++ === 0 ? workflows : { ...workflows, items: workflows.items.filter((w) => w.name === 'deploy-api') },
      }),
    });
  };
  const workflowRequests = (seen: SeenRequest[]) => seen.filter((r) => r.path === '/api/v1/workflows').map((r) => r.params);

  it('asks the agent again on Refresh, with the relative range, keeping what it shows until the answer comes', async () => {
    const seen = changingAgent();
    renderApp('/a/flowlens-workflows-app/overview');
    await screen.findByTestId(testIds.overview.row('nightly-etl'));

    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(workflowRequests(seen)).toHaveLength(2);
    expect(rowNames()).toEqual(['nightly-etl', 'order-saga', 'deploy-api']);
    expect(screen.queryByTestId(testIds.state.loading)).not.toBeInTheDocument();

    await waitFor(() => expect(rowNames()).toEqual(['deploy-api']));
    // As the URL has it, not frozen: the agent ends `now-24h` at its now of each request.
    expect(workflowRequests(seen)).toEqual([
      { from: 'now-24h', to: 'now' },
      { from: 'now-24h', to: 'now' },
    ]);
  });

  it('keeps showing what it had when a refresh fails, saying so, until a refresh answers again', async () => {
    let answered = 0;
    useRecordedBackend({
      'GET /api/v1/workflows': () =>
        answered++ === 1 ? { status: 503, data: { error: { message: 'the agent is starting or stopping' } } } : { status: 200, data: workflows },
    });
    renderApp('/a/flowlens-workflows-app/overview');
    await screen.findByTestId(testIds.overview.row('nightly-etl'));

    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(await screen.findByTestId(testIds.state.stale)).toHaveTextContent(/Refreshing failed: showing the last answer/);
    expect(rowNames()).toEqual(['nightly-etl', 'order-saga', 'deploy-api']);
    expect(screen.queryByTestId(testIds.state.error)).not.toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(screen.queryByTestId(testIds.state.stale)).not.toBeInTheDocument());
    expect(rowNames()).toEqual(['nightly-etl', 'order-saga', 'deploy-api']);
  });

  it('refreshes every interval a shared link names, and stops once turned off', async () => {
    // Only the refresh timer is faked: the recorded agent still answers on a later tick.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const seen = changingAgent();
    renderApp('/a/flowlens-workflows-app/overview?refresh=1m');
    await screen.findByTestId(testIds.overview.row('nightly-etl'));
    expect(screen.getByRole('button', { name: /current interval 1 minute selected/ })).toBeInTheDocument();

    act(() => vi.advanceTimersByTime(59_000));
    expect(workflowRequests(seen)).toHaveLength(1);
    act(() => vi.advanceTimersByTime(1_000));
    expect(workflowRequests(seen)).toHaveLength(2);
    await waitFor(() => expect(rowNames()).toEqual(['deploy-api']));

    await userEvent.click(screen.getByRole('button', { name: /current interval 1 minute selected/ }));
    await userEvent.click(await screen.findByRole('menuitemradio', { name: 'Turn off auto refresh' }));
    expect(currentUrl.value).not.toContain('refresh=');
    act(() => vi.advanceTimersByTime(300_000));
    expect(workflowRequests(seen)).toHaveLength(2);
  });

  it('asks nothing while the tab is hidden, and at once on showing again if a refresh fell due, then each interval', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    // As the browser does: the state first, then the event.
    const setVisibility = (state: DocumentVisibilityState) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
      act(() => void document.dispatchEvent(new Event('visibilitychange')));
    };
    try {
      const seen = changingAgent();
      renderApp('/a/flowlens-workflows-app/overview?refresh=1m');
      await screen.findByTestId(testIds.overview.row('nightly-etl'));

      setVisibility('hidden');
      act(() => vi.advanceTimersByTime(300_000));
      expect(workflowRequests(seen)).toHaveLength(1);
      setVisibility('visible');
      expect(workflowRequests(seen)).toHaveLength(2);
      await waitFor(() => expect(rowNames()).toEqual(['deploy-api']));
      // The interval counts from that refresh.
      act(() => vi.advanceTimersByTime(59_000));
      expect(workflowRequests(seen)).toHaveLength(2);
      act(() => vi.advanceTimersByTime(1_000));
      expect(workflowRequests(seen)).toHaveLength(3);

      // Hidden while no refresh fell due: none on showing, the next at its time.
      setVisibility('hidden');
      act(() => vi.advanceTimersByTime(30_000));
      setVisibility('visible');
      expect(workflowRequests(seen)).toHaveLength(3);
      act(() => vi.advanceTimersByTime(30_000));
      expect(workflowRequests(seen)).toHaveLength(4);
    } finally {
      // The prototype's getter again, for the tests after this one.
      delete (document as { visibilityState?: DocumentVisibilityState }).visibilityState;
    }
  });

  it.each(['10s', 'toString'])('takes an interval it does not offer (refresh=%s) as off', async (interval) => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const seen = changingAgent();
    renderApp(`/a/flowlens-workflows-app/overview?refresh=${interval}`);
    await screen.findByTestId(testIds.overview.row('nightly-etl'));
    act(() => vi.advanceTimersByTime(300_000));
    expect(workflowRequests(seen)).toHaveLength(1);
    expect(screen.getByRole('button', { name: 'Auto refresh turned off. Choose refresh time interval' })).toBeInTheDocument();
  });

  it('keeps the interval chosen in the URL, as dashboards do', async () => {
    useRecordedBackend({ 'GET /api/v1/workflows': workflows });
    renderApp('/a/flowlens-workflows-app/overview');
    await screen.findByTestId(testIds.overview.row('nightly-etl'));

    await userEvent.click(screen.getByRole('button', { name: 'Auto refresh turned off. Choose refresh time interval' }));
    expect((await screen.findAllByRole('menuitemradio')).map((o) => o.textContent)).toEqual(['Off', '30s', '1m', '5m']);
    await userEvent.click(screen.getByRole('menuitemradio', { name: '30 seconds' }));
    expect(currentUrl.value).toContain('refresh=30s');
  });
});
