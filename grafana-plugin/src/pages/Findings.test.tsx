import { config } from '@grafana/runtime';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import findings from '../test/responses/findings.json';
import similar from '../test/responses/similar-f-1.json';
import workflows from '../test/responses/workflows.json';
import { currentUrl, renderApp } from '../test/renderApp.js';
import { useRecordedBackend, type Answer, type SeenRequest } from '../test/recordedBackend.js';
import { testIds } from '../testIds.js';

type Finding = (typeof findings.items)[number];

/** Answers like the agent: filters by the query parameters and remembers acknowledgements. */
function agentWith(state: Finding[]) {
  const byId = (req: SeenRequest) => state.find((f) => req.path.split('/')[4] === f.id);
  return {
    'GET /api/v1/workflows': workflows,
    'GET /api/v1/findings': (req: SeenRequest): Answer => ({
      status: 200,
      data: {
        items: state.filter((f) =>
          (['severity', 'status', 'category', 'kind', 'workflow'] as const).every(
            (k) => req.params[k] === undefined || f[k] === req.params[k]
          )
        ),
      },
    }),
    'GET /api/v1/findings/f-1': (req: SeenRequest): Answer => ({ status: 200, data: byId(req) }),
    'GET /api/v1/findings/f-1/similar': similar,
    'POST /api/v1/findings/f-1/acknowledge': (req: SeenRequest): Answer => {
      const f = byId(req)!;
      Object.assign(f, { status: 'acknowledged', acknowledgedBy: (req.data as { by?: string }).by, acknowledgedAt: '2026-11-22T00:00:00.000Z' });
      return { status: 200, data: f };
    },
  };
}

/** Links from finding f-1 open its workflow at its time: over a day old, so from before it began to after it ended. */
const AT_FINDING = '/a/flowlens-workflows-app/workflow/nightly-etl?from=2026-11-21T09%3A05%3A30.000Z&to=2026-11-22T02%3A56%3A30.000Z';

const rows = () => within(screen.getByTestId(testIds.findings.list)).getAllByRole('row').slice(1);

/** Opens `finding` shared by invoice-export and nightly-etl, and gives its detail once shown. */
async function openShared(finding: Finding) {
  const shared = { ...finding, workflows: ['invoice-export', 'nightly-etl'] };
  useRecordedBackend(agentWith([shared]));
  renderApp(`/a/flowlens-workflows-app/findings?finding=${finding.id}`);
  return screen.findByTestId(testIds.findings.detail);
}

describe('Findings page', () => {
  it('filters by severity and status through the agent and keeps the filters in the URL', async () => {
    const seen = useRecordedBackend(agentWith(structuredClone(findings.items)));
    renderApp('/a/flowlens-workflows-app/findings');
    await screen.findByTestId(testIds.findings.row('f-3'));
    expect(rows()).toHaveLength(3);

    await userEvent.click(screen.getByLabelText('critical'));
    await screen.findByTestId(testIds.findings.row('f-1'));
    expect(rows()).toHaveLength(1);
    expect(currentUrl.value).toContain('severity=critical');

    await userEvent.click(screen.getAllByLabelText('all')[0]!);
    await userEvent.click(screen.getByLabelText('acknowledged'));
    await screen.findByTestId(testIds.findings.row('f-3'));
    expect(rows()).toHaveLength(1);
    expect(seen.filter((r) => r.path === '/api/v1/findings').at(-1)!.params).toEqual({ status: 'acknowledged' });
  });

  it('names every filter by its label', async () => {
    useRecordedBackend(agentWith(structuredClone(findings.items)));
    renderApp('/a/flowlens-workflows-app/findings?category=timeout');
    await screen.findByText('No finding matches these filters.');
    expect(screen.getByRole('radiogroup', { name: 'Severity' })).toBeInTheDocument();
    expect(screen.getByRole('radiogroup', { name: 'Status' })).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Category' })).toHaveValue('timeout');
    expect(screen.getByRole('combobox', { name: 'Kind' })).toHaveValue('all');
    expect(screen.getByRole('combobox', { name: 'Workflow' })).toBeInTheDocument();
  });

  it('applies category, kind and workflow filters from a link and says when nothing matches', async () => {
    const seen = useRecordedBackend(agentWith(structuredClone(findings.items)));
    renderApp('/a/flowlens-workflows-app/findings?category=timeout&kind=stalled&workflow=deploy-api');
    expect(await screen.findByText('No finding matches these filters.')).toBeInTheDocument();
    expect(seen.find((r) => r.path === '/api/v1/findings')!.params).toEqual({ category: 'timeout', kind: 'stalled', workflow: 'deploy-api' });
  });

  it("shows a finding's root cause, evidence, similar past findings and recommendations", async () => {
    useRecordedBackend(agentWith(structuredClone(findings.items)));
    renderApp('/a/flowlens-workflows-app/findings');
    const row = await screen.findByTestId(testIds.findings.row('f-1'));
    await userEvent.click(within(row).getByRole('button'));
    expect(currentUrl.value).toContain('finding=f-1');

    const detail = screen.getByTestId(testIds.findings.detail);
    await within(detail).findByText('The warehouse API answers 503 since 12:00; the step retries three times and gives up.');
    expect(detail).toHaveTextContent('server.address');
    expect(detail).toHaveTextContent('warehouse.example.com');
    expect(within(detail).getByRole('link', { name: 'runs with it' })).toHaveAttribute(
      'href',
      `${AT_FINDING}&attribute=server.address%3Dwarehouse.example.com`
    );
    expect(detail).toHaveTextContent('9 of 24 runs affected, since 2026-11-21 12:04:00 UTC');
    expect(within(detail).getByRole('row', { name: 'failure rate 1.0% 37.5%' })).toBeInTheDocument();
    // The example run by its runner's run id, with its status and start, opened by the agent's id.
    expect(within(detail).getByRole('link', { name: 'scheduled__2026-11-21T23:00' })).toHaveAttribute(
      'href',
      `${AT_FINDING}&run=r-etl-24`
    );
    expect(within(detail).getByRole('row', { name: 'scheduled__2026-11-21T23:00 nightly-etl failure 2026-11-21 23:00:00 UTC' })).toBeInTheDocument();
    // What changed when it began, linked to the first affected run (which compares itself with its baseline).
    expect(detail).toHaveTextContent('deployment.version: 2.3.0 → 2.4.0');
    expect(detail).toHaveTextContent('step load_warehouse failed: HTTPError: 503 Service Unavailable (calls to warehouse.example.com failing)');
    expect(within(detail).getByRole('link', { name: 'first affected run' })).toHaveAttribute(
      'href',
      `${AT_FINDING}&run=r-etl-17`
    );
    expect(detail).toHaveTextContent('load_warehouse failed with 503 from warehouse.example.com');
    expect(detail).toHaveTextContent('no failure in 24 runs after 2026-10-03T06:00Z');
    expect(within(detail).getByText('Retry with exponential backoff up to 10 minutes.')).toBeInTheDocument();
  });

  it("tells an SLO finding's evidence as the SLO table does", async () => {
    const state = structuredClone(findings.items);
    Object.assign(state[0]!, { kind: 'sla', category: 'performance' });
    Object.assign(state[0]!.evidence, { baseline: { objective: 99 }, current: { sli: 59.375, errorBudgetRemaining: -39.625, burn1h: 100 } });
    useRecordedBackend(agentWith(state));
    renderApp('/a/flowlens-workflows-app/findings?finding=f-1');
    const detail = await screen.findByTestId(testIds.findings.detail);
    await within(detail).findByRole('row', { name: 'objective 99% –' });
    expect(within(detail).getByRole('row', { name: 'SLI – 59.375%' })).toBeInTheDocument();
    expect(within(detail).getByRole('row', { name: 'error budget remaining – exhausted (40.6× spent)' })).toBeInTheDocument();
    expect(within(detail).getByRole('row', { name: 'burn rate 1h – 100×' })).toBeInTheDocument();
  });

  it('lists a similar finding still open apart from those that happened before', async () => {
    const openNow = { ...structuredClone(similar.items[0]!), id: 'f-9', status: 'open', title: 'SLO nightly-etl-99 is burning its error budget' };
    useRecordedBackend({ ...agentWith(structuredClone(findings.items)), 'GET /api/v1/findings/f-1/similar': { items: [openNow, ...similar.items] } });
    renderApp('/a/flowlens-workflows-app/findings?finding=f-1');
    const detail = await screen.findByTestId(testIds.findings.detail);
    const listUnder = (heading: string) => within(detail).getByRole('heading', { name: heading }).nextElementSibling as HTMLElement;
    await within(detail).findByRole('heading', { name: 'Similar open findings' });
    expect(listUnder('Similar open findings')).toHaveTextContent('SLO nightly-etl-99 is burning its error budget');
    expect(listUnder('Similar open findings')).not.toHaveTextContent('load_warehouse failed with 503');
    expect(listUnder('Similar past findings')).toHaveTextContent('load_warehouse failed with 503 from warehouse.example.com');
    expect(listUnder('Similar past findings')).not.toHaveTextContent('SLO nightly-etl-99');
    // Each opens as a finding of its own.
    expect(within(listUnder('Similar open findings')).getByRole('link', { name: 'SLO nightly-etl-99 is burning its error budget' })).toHaveAttribute(
      'href',
      '/a/flowlens-workflows-app/findings?finding=f-9'
    );
    expect(within(listUnder('Similar past findings')).getByRole('link', { name: /^load_warehouse failed with 503/ })).toHaveAttribute(
      'href',
      '/a/flowlens-workflows-app/findings?finding=f-old'
    );
  });

  it('moves focus to the heading of a finding opened with the keyboard', async () => {
    useRecordedBackend(agentWith(structuredClone(findings.items)));
    renderApp('/a/flowlens-workflows-app/findings');
    within(await screen.findByTestId(testIds.findings.row('f-1'))).getByRole('button').focus();
    await userEvent.keyboard('{Enter}');
    const detail = await screen.findByTestId(testIds.findings.detail);
    await within(detail).findByRole('heading', { name: 'Root cause' });
    expect(document.activeElement).toBe(within(detail).getByRole('heading', { level: 3 }));
    expect(document.activeElement).toHaveTextContent('load_warehouse fails with 503 from warehouse.example.com');
  });

  it('brings the finding opened below the list into view, and keeps it there when it is acknowledged', async () => {
    useRecordedBackend(agentWith(structuredClone(findings.items)));
    const scrolled = vi.spyOn(Element.prototype, 'scrollIntoView');
    try {
      renderApp('/a/flowlens-workflows-app/findings');
      await userEvent.click(within(await screen.findByTestId(testIds.findings.row('f-1'))).getByRole('button'));
      const detail = screen.getByTestId(testIds.findings.detail);
      await within(detail).findByRole('heading', { name: 'Root cause' });
      expect(scrolled.mock.contexts).toEqual([detail]);

      await userEvent.click(within(detail).getByRole('button', { name: 'Acknowledge' }));
      await within(detail).findByText(/Acknowledged by/);
      expect(scrolled).toHaveBeenCalledTimes(1);
    } finally {
      scrolled.mockRestore();
    }
  });

  it("names and links each workflow of a finding that spans several, apart, in the list and the finding's detail", async () => {
    const detail = await openShared(structuredClone(findings.items[0]!));
    const invoices = await within(detail).findByRole('link', { name: 'invoice-export' });
    expect(invoices.closest('p')).toHaveTextContent(/· invoice-export, nightly-etl$/);
    expect(within(detail).getByRole('link', { name: 'nightly-etl' })).toHaveAttribute('href', AT_FINDING);

    const workflowCell = within(screen.getByTestId(testIds.findings.row('f-1'))).getAllByRole('cell')[2]!;
    expect(workflowCell).toHaveTextContent(/^invoice-export, nightly-etl$/);
    expect(within(workflowCell).getByRole('link', { name: 'nightly-etl' })).toHaveAttribute('href', AT_FINDING);
  });

  it("links each workflow's runs with a root-cause attribute of a finding several workflows share", async () => {
    const detail = await openShared(structuredClone(findings.items[0]!));
    const invoices = await within(detail).findByRole('link', { name: 'runs of invoice-export with it' });
    expect(invoices.closest('dd')).toHaveTextContent(/^warehouse.example.com runs with it in invoice-export, nightly-etl$/);
    const attribute = '&attribute=server.address%3Dwarehouse.example.com';
    expect(invoices).toHaveAttribute('href', `${AT_FINDING.replace('nightly-etl', 'invoice-export')}${attribute}`);
    expect(within(detail).getByRole('link', { name: 'runs of nightly-etl with it' })).toHaveAttribute('href', `${AT_FINDING}${attribute}`);
    expect(within(detail).queryByRole('link', { name: 'runs with it' })).not.toBeInTheDocument();
  });

  it("links each example run of a finding of several workflows to its own workflow's page", async () => {
    const f1 = structuredClone(findings.items[0]!);
    const other = { id: 'r-inv-9', runId: 'manual__2026-11-21T22:10', workflow: 'invoice-export', status: 'timeout', startTime: '2026-11-21T22:10:00.000Z' };
    const detail = await openShared({ ...f1, exampleRuns: [other, ...f1.exampleRuns] } as unknown as Finding);
    const examples = within(await within(detail).findByTestId(testIds.findings.exampleRuns)).getAllByRole('row').slice(1);
    expect(examples.map((row) => row.textContent)).toEqual([
      'manual__2026-11-21T22:10invoice-exporttimeout2026-11-21 22:10:00 UTC',
      'scheduled__2026-11-21T23:00nightly-etlfailure2026-11-21 23:00:00 UTC',
    ]);
    expect(within(examples[0]!).getByRole('link')).toHaveAttribute('href', `${AT_FINDING.replace('nightly-etl', 'invoice-export')}&run=r-inv-9`);
    expect(within(examples[1]!).getByRole('link')).toHaveAttribute('href', `${AT_FINDING}&run=r-etl-24`);
  });

  it("links an older agent's example runs by the ids it gives, and shows none once they are gone", async () => {
    const older: Finding = structuredClone(findings.items[0]!);
    delete (older as Partial<Finding>).exampleRuns;
    const gone = { ...structuredClone(findings.items[0]!), id: 'f-2', exampleRuns: [] };
    useRecordedBackend({ ...agentWith([older, gone]), 'GET /api/v1/findings/f-2': gone, 'GET /api/v1/findings/f-2/similar': similar });
    renderApp('/a/flowlens-workflows-app/findings?finding=f-1');
    const detail = await screen.findByTestId(testIds.findings.detail);
    expect(await within(detail).findByRole('link', { name: 'r-etl-24' })).toHaveAttribute('href', `${AT_FINDING}&run=r-etl-24`);

    await userEvent.click(within(screen.getByTestId(testIds.findings.row('f-2'))).getByRole('button'));
    await within(screen.getByTestId(testIds.findings.detail)).findByText(/runs affected/);
    expect(screen.queryByTestId(testIds.findings.exampleRuns)).not.toBeInTheDocument();
    expect(screen.getByTestId(testIds.findings.detail)).not.toHaveTextContent('r-etl-24');
  });

  it("links a flaky step's failing run and the passing run of the same code after it", async () => {
    const state = structuredClone(findings.items);
    Object.assign(state[0]!, { kind: 'flaky', title: 'Step `load_warehouse` of `nightly-etl` is flaky' });
    state[0]!.evidence.changes = { ...state[0]!.evidence.changes!, runId: 'r-etl-17', baselineRunId: 'r-etl-18' };
    useRecordedBackend(agentWith(state));
    renderApp('/a/flowlens-workflows-app/findings?finding=f-1');
    const detail = await screen.findByTestId(testIds.findings.detail);
    expect(await within(detail).findByRole('link', { name: 'failing run' })).toHaveAttribute('href', `${AT_FINDING}&run=r-etl-17`);
    expect(within(detail).getByRole('link', { name: 'passing run of the same code' })).toHaveAttribute(
      'href',
      `${AT_FINDING}&run=r-etl-18`
    );
    expect(within(detail).queryByRole('link', { name: 'first affected run' })).not.toBeInTheDocument();
    expect(detail).toHaveTextContent('flaky · external service');
  });

  it('counts the runs a stalled schedule missed as missed, not as runs affected, in the list and the detail', async () => {
    const state = structuredClone(findings.items);
    Object.assign(state[0]!, { kind: 'stalled' });
    state[0]!.evidence = { ...state[0]!.evidence, affectedRuns: 12, totalRuns: 12, current: { missedRuns: 12 } } as unknown as Finding['evidence'];
    useRecordedBackend(agentWith(state));
    renderApp('/a/flowlens-workflows-app/findings?finding=f-1');
    const detail = await screen.findByTestId(testIds.findings.detail);
    expect(await within(detail).findByText('12 scheduled runs missed, the first due at 2026-11-21 12:04:00 UTC.')).toBeInTheDocument();
    expect(detail).not.toHaveTextContent('runs affected');
    const cells = within(screen.getByTestId(testIds.findings.row('f-1'))).getAllByRole('cell');
    expect(cells[5]).toHaveTextContent(/^12 missed$/);
  });

  it.each([
    ['a stalled workflow', { secondsSinceLastRun: 111600, missedRuns: 24, lastRun: '2026-11-20T11:00:00.000Z' }, ['last run', '2026-11-20 11:00:00 UTC']],
    ['a hung run', { runningSeconds: 7200, hungRuns: 1, oldestStart: '2026-11-21T21:58:00.000Z' }, ['oldest start', '2026-11-21 21:58:00 UTC']],
  ])('shows the times in the evidence of %s as every other time', async (_, current, [label, time]) => {
    const state = structuredClone(findings.items);
    Object.assign(state[0]!, { kind: 'stalled' });
    state[0]!.evidence = { ...state[0]!.evidence, baseline: {}, current } as unknown as Finding['evidence'];
    useRecordedBackend(agentWith(state));
    renderApp('/a/flowlens-workflows-app/findings?finding=f-1');
    const detail = await screen.findByTestId(testIds.findings.detail);
    const row = (await within(detail).findByRole('cell', { name: label! })).closest('tr')!;
    expect(within(row).getAllByRole('cell').map((c) => c.textContent)).toEqual([label, '–', time]);
  });

  it('acknowledges a finding as the signed-in user and shows the new status in the detail and the list', async () => {
    config.bootData.user.login = 'oncall-bob';
    const seen = useRecordedBackend(agentWith(structuredClone(findings.items)));
    renderApp('/a/flowlens-workflows-app/findings?finding=f-1');
    const detail = await screen.findByTestId(testIds.findings.detail);
    await userEvent.click(await within(detail).findByRole('button', { name: 'Acknowledge' }));

    expect(await within(detail).findByText(/Acknowledged by oncall-bob/)).toBeInTheDocument();
    expect(within(detail).queryByRole('button', { name: 'Acknowledge' })).not.toBeInTheDocument();
    expect(seen.find((r) => r.method === 'POST')).toMatchObject({ path: '/api/v1/findings/f-1/acknowledge', data: { by: 'oncall-bob' } });
    const row = screen.getByTestId(testIds.findings.row('f-1'));
    expect(await within(row).findByText('acknowledged')).toBeInTheDocument();
  });

  it('keeps the finding open and says why when acknowledging fails', async () => {
    const agent = { ...agentWith(structuredClone(findings.items)), 'POST /api/v1/findings/f-1/acknowledge': () => ({ status: 504, data: { message: 'Gateway Timeout' } }) };
    useRecordedBackend(agent);
    renderApp('/a/flowlens-workflows-app/findings?finding=f-1');
    const detail = await screen.findByTestId(testIds.findings.detail);
    await userEvent.click(await within(detail).findByRole('button', { name: 'Acknowledge' }));
    expect(await within(detail).findByTestId(testIds.state.error)).toHaveTextContent('The FlowLens agent is unreachable');
    expect(within(detail).getByRole('button', { name: 'Acknowledge' })).toBeEnabled();
  });

  it('names the job a failing step ran in, as the step of a matrix job', async () => {
    const [first] = structuredClone(findings.items);
    const finding = { ...first!, rootCause: { ...first!.rootCause, step: 'Run tests', stepPath: ['test (18)'] } };
    useRecordedBackend(agentWith([finding as Finding]));
    renderApp('/a/flowlens-workflows-app/findings?finding=f-1');
    const detail = await screen.findByTestId(testIds.findings.detail);
    expect(await within(detail).findByText('test (18) › Run tests')).toBeInTheDocument();
  });

  it('says nothing is wrong when the agent has no findings', async () => {
    useRecordedBackend(agentWith([]));
    renderApp('/a/flowlens-workflows-app/findings');
    expect(await screen.findByTestId(testIds.state.allHealthy)).toHaveTextContent('found nothing wrong');
  });
});
