import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { testIds } from '../../grafana-plugin/src/testIds.js';
import { startBackend, type Backend } from './backend.js';
import { buildHostBundle, buildPluginIfStale } from './host/buildHost.js';
import { startHostServer, type HostServer } from './host/server.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const output = join(here, 'output');
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
const TOKEN = 'host-test-token';
const APP = '/a/flowlens-workflows-app';
const hasChromium = existsSync(CHROMIUM);

let backend: Backend;
let host: HostServer;
let browser: Browser;
let tmp: string;

beforeAll(async () => {
  if (!hasChromium) return;
  tmp = await mkdtemp(join(tmpdir(), 'flowlens-browser-'));
  const hostBundle = await buildHostBundle();
  const pluginDist = await buildPluginIfStale();
  backend = await startBackend(join(tmp, 'flowlens.db'));
  host = await startHostServer({
    hostBundle,
    pluginDist,
    iconsDir: join(repo, 'node_modules/@grafana/ui/dist/public/img/icons'),
    settings: { enabled: true, pinned: true, jsonData: { agentUrl: backend.apiUrl }, secureJsonData: { apiToken: TOKEN } },
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  mkdirSync(output, { recursive: true });
  // A cold host bundle build plus the agent's simulated history take a few minutes on a busy 2-core machine.
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await backend?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/**
 * One browser tab on the host page, failing the test on any uncaught error in the page; at `path` for a user whose
 * time zone preference is `timezone` (the host's boot data says UTC), in a window `width` pixels wide.
 */
async function openTab(theme: 'light' | 'dark', { path = 'overview', timezone, width = 1440 }: { path?: string; timezone?: string; width?: number } = {}) {
  const page = await browser.newPage({ viewport: { width, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${host.url}${APP}/${path}?${new URLSearchParams({ theme, ...(timezone ? { timezone } : {}) })}`);
  await page.waitForFunction(() => document.body.dataset.hostReady || document.body.dataset.hostError);
  expect(await page.evaluate(() => document.body.dataset.hostError)).toBeUndefined();
  return {
    page,
    errors,
    shot: (name: string) => page.screenshot({ path: join(output, `${name}-${theme}.png`), fullPage: true }),
    nav: (name: string) => page.getByRole('navigation').getByRole('link', { name, exact: true }).click(),
  };
}

const rowsOf = (page: Page, testId: string) => page.getByTestId(testId).locator('tbody tr');

/** Whether an element's top shows in the window, to the pixel (scrolled to, it may sit a fraction of one above). */
const inView = (locator: Locator) =>
  locator.evaluate((el) => {
    const { top } = el.getBoundingClientRect();
    return Math.round(top) >= 0 && top < window.innerHeight;
  });

describe.each(['light', 'dark'] as const)('FlowLens app in a Grafana host page (%s theme)', (theme) => {
  it('walks overview → workflow → run → findings → acknowledge → recommendations → configuration', async (ctx) => {
    if (!hasChromium) ctx.skip(true, `${CHROMIUM} is absent`);
    const { page, errors, shot, nav } = await openTab(theme);

    // Overview: every workflow the agent knows, worst first.
    const overviewRows = page.locator('[data-testid^="flowlens-overview-row-"]');
    await overviewRows.first().waitFor();
    const statuses = await overviewRows.locator('td:nth-child(2)').allInnerTexts();
    const rank = (s: string) => ['unhealthy', 'degraded', 'healthy', 'unknown'].findIndex((r) => s.startsWith(r));
    expect(statuses.map(rank)).toEqual([...statuses.map(rank)].sort((a, b) => a - b));
    expect(rank(statuses[0]!)).toBeLessThan(2);
    await shot('overview');

    // Workflow page of the worst workflow, through its link (the route alert rules link to).
    const worst = (await overviewRows.first().getAttribute('data-testid'))!.replace('flowlens-overview-row-', '');
    // Its sparkline draws the agent's per-slice counts: every finished run and failure of the range.
    const listed = await backend.listedWorkflow(worst);
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    expect(sum(listed.sparkline.runs)).toBe(listed.runs);
    expect(await overviewRows.first().getByRole('img').getAttribute('aria-label')).toBe(
      `Runs of ${worst}: ${listed.runs} runs, ${listed.failedRuns} failed`,
    );
    await overviewRows.first().getByRole('link', { name: worst }).click();
    await page.waitForURL(new RegExp(`${APP}/workflow/${encodeURIComponent(worst)}`));
    await expect.poll(() => rowsOf(page, testIds.workflow.factors).count()).toBeGreaterThan(0);
    await expect.poll(() => rowsOf(page, testIds.workflow.steps).count()).toBeGreaterThan(0);
    await rowsOf(page, testIds.workflow.runs).first().waitFor();
    // A run's id and start each read on one line beside a long error, which wraps instead.
    const longError = rowsOf(page, testIds.workflow.runs).filter({ has: page.locator('td:nth-child(6)', { hasText: /.{80}/ }) });
    const [idCell, , startCell, , , errorCell] = await longError.first().locator('td').all();
    const lines = (cell: Locator) =>
      cell.evaluate((el) => {
        // The lines its text is laid out on (cells of a row share one height, whatever their text's).
        const tops = new Set<number>();
        const texts = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let text = texts.nextNode(); text; text = texts.nextNode()) {
          const range = document.createRange();
          range.selectNodeContents(text);
          for (const box of range.getClientRects()) tops.add(Math.round(box.top));
        }
        return tops.size;
      });
    expect([await lines(idCell!), await lines(startCell!)]).toEqual([1, 1]);
    expect(await lines(errorCell!)).toBeGreaterThan(1);
    // The agent's list of steady attributes that changed in the range (or the line saying none did).
    await page.getByTestId(testIds.workflow.changes).waitFor();
    await shot('workflow');

    // A troubleshooting session, started through the proxy and kept in the URL for a shared link.
    await page.getByRole('button', { name: 'Troubleshoot' }).click();
    await page.getByRole('button', { name: 'Start session' }).click();
    const session = page.getByTestId(testIds.session.panel);
    await session.getByRole('heading', { name: 'Verification' }).waitFor();
    expect(page.url()).toContain('session=');
    await session.getByRole('button', { name: 'Check the fix' }).click();
    await session.getByTestId(testIds.session.verdict).waitFor();
    await session.scrollIntoViewIfNeeded();
    await shot('session');
    await session.getByRole('button', { name: 'Close' }).click();

    // Drill into the newest run: its steps and logs, with the run in the URL.
    await rowsOf(page, testIds.workflow.runs).first().getByRole('button').click();
    const run = page.getByTestId(testIds.run.detail);
    await run.locator('tbody tr').first().waitFor();
    expect(page.url()).toContain('run=');
    await run.scrollIntoViewIfNeeded();
    await shot('run');

    // Findings: open one, read its root cause, acknowledge it as the signed-in user.
    const open = await backend.openFindingId();
    await nav('Findings');
    await page.getByTestId(testIds.findings.row(open)).getByRole('button').click();
    const detail = page.getByTestId(testIds.findings.detail);
    await detail.getByRole('heading', { name: 'Root cause' }).waitFor();
    // Opened below the list of findings, the finding comes into view.
    expect(await inView(detail)).toBe(true);
    await shot('finding');
    await detail.getByRole('button', { name: 'Acknowledge' }).click();
    await detail.getByText(/Acknowledged by oncall-host/).waitFor();
    expect(await backend.finding(open)).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'oncall-host' });
    expect(host.proxied.find((r) => r.method === 'POST' && r.target.endsWith(`/findings/${open}/acknowledge`))).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
    });
    await expect.poll(() => page.getByTestId(testIds.findings.row(open)).innerText()).toContain('acknowledged');
    await shot('findings');

    // From the finding's evidence to one of its example runs, at the finding's time.
    const exampleRun = detail.locator('a[href*="&run="]').first();
    await exampleRun.click();
    await page.getByTestId(testIds.run.detail).locator('tbody tr').first().waitFor();
    expect(page.url()).toMatch(new RegExp(`${APP}/workflow/[^?]+\\?from=[^&]+&to=[^&]+&run=`));

    // What changed since the last successful run: at once for a failed run, else on request; as the agent has it.
    const compareButton = page.getByRole('button', { name: 'Compare with the last successful run' });
    if (await compareButton.isVisible()) await compareButton.click();
    const comparison = page.getByTestId(testIds.run.comparison);
    const compared = await backend.comparison(new URL(page.url()).searchParams.get('run')!);
    await comparison.getByText(compared.baseline ? `What changed since run ${compared.baseline.runId}` : 'Nothing to compare with').waitFor();
    await comparison.scrollIntoViewIfNeeded();
    await shot('run-comparison');

    // A pool short of workers: each step of a DAG on it says how long it waited, and the finding names the pool.
    await page.goto(`${host.url}${APP}/workflow/partner-feeds?theme=${theme}`);
    await page.waitForFunction(() => document.body.dataset.hostReady || document.body.dataset.hostError);
    const steps = page.getByTestId(testIds.workflow.steps);
    await steps.getByRole('columnheader', { name: 'Waited for a worker p50 / p95' }).waitFor();
    expect(await steps.locator('tbody tr').first().locator('td').nth(6).innerText()).toMatch(/\d/);
    await page.getByText(/^2 workflows wait for workers since .* in airflow\.task\.pool `?etl`?: `?(geo-enrich|partner-feeds)`? /).first().waitFor();
    await shot('workflow-waiting');

    // Recommendations, grouped by workflow.
    await nav('Recommendations');
    await page.locator('[data-testid^="flowlens-recommendations-"]').first().waitFor();
    await shot('recommendations');

    // Configuration: the connection test passes through the proxy with the saved settings.
    await nav('Configuration');
    await page.getByTestId(testIds.config.test).click();
    await expect.poll(() => page.getByTestId(testIds.config.testResult).innerText()).toContain('Connected');
    await shot('configuration');

    expect(errors).toEqual([]);
    await page.close();
  });

  it("opens the example run of a finding of several workflows on the run's own workflow's page, in view", async (ctx) => {
    if (!hasChromium) ctx.skip(true, `${CHROMIUM} is absent`);
    const { page, errors } = await openTab(theme);
    const example = await backend.exampleRunOfAnotherWorkflow();
    await page.goto(`${host.url}${APP}/findings?finding=${example.findingId}&theme=${theme}`);
    const detail = page.getByTestId(testIds.findings.detail);
    // Named by the runner's run id, as the runner's own UI names it.
    await detail.getByRole('link', { name: example.runId, exact: true }).click();
    await page.waitForURL(new RegExp(`${APP}/workflow/${example.workflow}\\?.*run=${example.id}`));
    const run = page.getByTestId(testIds.run.detail);
    await run.getByRole('heading', { name: `Run ${example.runId}` }).waitFor();
    expect(await inView(run)).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("fits the findings table in a window 900 pixels wide, its status column and workflows' names whole", async (ctx) => {
    if (!hasChromium) ctx.skip(true, `${CHROMIUM} is absent`);
    const { page, errors, shot } = await openTab(theme, { path: 'findings', width: 900 });
    const table = page.getByTestId(testIds.findings.list);
    await table.locator('tbody tr').first().waitFor();
    // Within the page's content, which the window holds (the host's body keeps the browser's margin of 8 px).
    const right = (el: Element) => Math.round(el.getBoundingClientRect().right);
    const content = await table.evaluate((el) => Math.round(el.parentElement!.getBoundingClientRect().right));
    expect(await table.evaluate(right)).toBeLessThanOrEqual(content);
    // Each status reads whole: its badge inside its cell, inside the page's content.
    for (const badge of await table.locator('tbody tr td:last-child > *').all()) {
      expect(await badge.evaluate(right)).toBeLessThanOrEqual(content);
    }
    // Each workflow's name whole on one line, and the comma after it on that line rather than starting the next.
    const brokenNames = await table.locator('tbody td:nth-child(3)').evaluateAll((cells) =>
      cells.flatMap((cell) => {
        const links = [...cell.querySelectorAll('a')];
        const range = document.createRange();
        const broken = links
          .filter((a) => {
            range.selectNodeContents(a);
            return new Set([...range.getClientRects()].map((box) => Math.round(box.top))).size > 1;
          })
          .map((a) => `${a.textContent} split`);
        const texts = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let text = texts.nextNode(); text; text = texts.nextNode()) {
          const comma = text.textContent!.indexOf(',');
          const name = links.filter((a) => a.compareDocumentPosition(text) & Node.DOCUMENT_POSITION_FOLLOWING && !a.contains(text)).at(-1);
          if (comma < 0 || !name) continue;
          range.setStart(text, comma);
          range.setEnd(text, comma + 1);
          const box = range.getBoundingClientRect();
          if (box.top + box.height / 2 > name.getBoundingClientRect().bottom) broken.push(`${name.textContent} parted from its comma`);
        }
        return broken;
      })
    );
    expect(brokenNames).toEqual([]);
    await shot('findings-900px');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says the agent is unreachable, on the configuration page and on the pages, when its URL is wrong', async (ctx) => {
    if (!hasChromium) ctx.skip(true, `${CHROMIUM} is absent`);
    const { page, errors, shot, nav } = await openTab(theme);
    await nav('Configuration');
    const url = page.getByTestId(testIds.config.agentUrl);
    try {
      await url.fill('http://127.0.0.1:9');
      await page.getByTestId(testIds.config.save).click();
      await page.getByText('Settings saved.').waitFor();
      expect(host.settings.jsonData.agentUrl).toBe('http://127.0.0.1:9');
      // The token was not touched, so Grafana keeps it.
      expect(host.settings.secureJsonData.apiToken).toBe(TOKEN);

      await page.getByTestId(testIds.config.test).click();
      await expect.poll(() => page.getByTestId(testIds.config.testResult).innerText()).toContain('Agent unreachable');
      await shot('configuration-unreachable');

      await nav('Overview');
      await expect.poll(() => page.getByTestId(testIds.state.error).innerText()).toContain('The FlowLens agent is unreachable');
      await shot('overview-unreachable');
    } finally {
      host.settings.jsonData.agentUrl = backend.apiUrl;
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});

/** A time as a clock in `timeZone` reads it, with the zone's abbreviation: `2026-11-21 07:04:00 EST`. */
function wallClock(iso: string, timeZone: string): string {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'short',
  });
  const part = Object.fromEntries(format.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second} ${part.timeZoneName}`;
}

describe("FlowLens app in the Grafana user's time zone", () => {
  it.for([
    ['UTC', 'utc'],
    ['New York', 'America/New_York'],
  ])("shows a user whose time zone is %s a finding's last time seen on that clock, with its zone", async ([, timezone], ctx) => {
    if (!hasChromium) ctx.skip(true, `${CHROMIUM} is absent`);
    const open = await backend.openFindingId();
    const { lastSeen } = (await backend.finding(open)) as { lastSeen: string };
    const { page, errors } = await openTab('dark', { path: 'findings', timezone });
    const row = page.getByTestId(testIds.findings.row(open));
    await expect.poll(() => row.innerText()).toContain(wallClock(lastSeen, timezone === 'utc' ? 'UTC' : timezone));
    expect(errors).toEqual([]);
    await page.close();
  });
});
