import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findBinary, runTool, skipNote } from '../../agent/test/export/support/tools.js';
import { ALERT_RULES_DIR, ALERTMANAGER_CONFIG, PROMETHEUS_CONFIG, REPO, RULES_FILE, RUNBOOK_FILE } from './paths.js';
import { alertsOf, readRuleFile } from './rules-model.js';

const promtool = findBinary('promtool');
const amtool = findBinary('amtool');

describe.skipIf(!promtool)(`alert rules under promtool${skipNote({ promtool })}`, () => {
  it('pass promtool check rules', async () => {
    const files = (await readdir(ALERT_RULES_DIR)).filter((f) => f.endsWith('.yml')).map((f) => join(ALERT_RULES_DIR, f));
    const result = await runTool(promtool!, ['check', 'rules', ...files]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it('pass their promtool unit tests', async () => {
    const tests = (await readdir(join(ALERT_RULES_DIR, 'tests'))).filter((f) => f.endsWith('.yml')).map((f) => `alert-rules/tests/${f}`);
    expect(tests.length).toBeGreaterThan(0);
    const result = await runTool(promtool!, ['test', 'rules', ...tests], REPO);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it('promtool accepts the Prometheus configuration, and it loads the rule files', async () => {
    const result = await runTool(promtool!, ['check', 'config', PROMETHEUS_CONFIG]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('flowlens.rules.yml');
  });
});

describe('alert rules as users meet them', () => {
  it('give every alert a severity, a category, the four annotations and a runbook section of its own', async () => {
    const alerts = alertsOf(await readRuleFile(RULES_FILE));
    const runbook = await readFile(RUNBOOK_FILE, 'utf8');
    const anchors = new Set([...runbook.matchAll(/^## (\S+)$/gm)].map((m) => m[1]!.toLowerCase()));
    expect(alerts.length).toBeGreaterThanOrEqual(8);
    for (const alert of alerts) {
      expect(['critical', 'warning', 'info'], alert.alert).toContain(alert.labels?.severity);
      // FlowLensCriticalFindingOpen keeps the finding's own category from the series.
      if (!alert.labels?.category) expect(alert.expr, alert.alert).toMatch(/by \([^)]*category/);
      expect(Object.keys(alert.annotations ?? {}).sort(), alert.alert).toEqual(['dashboard', 'description', 'runbook_url', 'summary']);
      const anchor = alert.annotations!.runbook_url!.split('#')[1]!;
      expect(anchor, alert.alert).toBe(alert.alert!.toLowerCase());
      expect(anchors.has(anchor), `RUNBOOK.md has a section ## ${alert.alert}`).toBe(true);
    }
  });

  it('have promtool unit tests in which each alert fires and in which it does not', async () => {
    const alerts = alertsOf(await readRuleFile(RULES_FILE)).map((a) => a.alert!);
    const fires = new Set<string>();
    const quiet = new Set<string>();
    for (const file of (await readdir(join(ALERT_RULES_DIR, 'tests'))).filter((f) => f.endsWith('.yml'))) {
      const doc = parse(await readFile(join(ALERT_RULES_DIR, 'tests', file), 'utf8')) as {
        tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
      };
      for (const t of doc.tests.flatMap((x) => x.alert_rule_test ?? [])) (t.exp_alerts?.length ? fires : quiet).add(t.alertname);
    }
    expect(alerts.filter((a) => !fires.has(a)), 'alerts never shown firing').toEqual([]);
    expect(alerts.filter((a) => !quiet.has(a)), 'alerts never shown quiet').toEqual([]);
  });
});

describe.skipIf(!amtool)(`Alertmanager configuration under amtool${skipNote({ amtool })}`, () => {
  it('passes amtool check-config', async () => {
    const result = await runTool(amtool!, ['check-config', ALERTMANAGER_CONFIG]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  const route = async (...labels: string[]) =>
    (await runTool(amtool!, ['config', 'routes', 'test', `--config.file=${ALERTMANAGER_CONFIG}`, ...labels])).stdout.trim();

  it('routes by severity and category', async () => {
    expect(await route('alertname=FlowLensSLOFastBurn', 'severity=critical', 'category=slo', 'workflow=deploy')).toBe('oncall-slack');
    expect(await route('alertname=FlowLensFinding', 'severity=critical', 'category=permissions', 'workflow=deploy')).toBe('platform-oncall-slack');
    expect(await route('alertname=FlowLensWorkflowFailing', 'severity=warning', 'category=reliability', 'workflow=deploy')).toBe('workflow-owners-email');
    expect(await route('alertname=FlowLensAgentDown', 'severity=critical', 'category=agent')).toBe('flowlens-operators');
    expect(await route('alertname=FlowLensFinding', 'severity=info', 'category=data', 'workflow=deploy')).toBe('flowlens-webhook');
  });

  it('inhibits only alerts that exist, on labels they carry', async () => {
    const config = parse(await readFile(ALERTMANAGER_CONFIG, 'utf8')) as {
      route: { group_by: string[] };
      inhibit_rules: { source_matchers: string[]; target_matchers: string[]; equal?: string[] }[];
    };
    // A tenant's alerts group and inhibit only with its own (the label is absent without tenants, which Alertmanager takes as equal).
    expect(config.route.group_by).toEqual(['alertname', 'workflow', 'tenant']);
    for (const rule of config.inhibit_rules) if (rule.equal?.includes('workflow')) expect(rule.equal).toContain('tenant');
    const names = new Set([...alertsOf(await readRuleFile(RULES_FILE)).map((a) => a.alert!), 'FlowLensFinding', 'FlowLensSLOErrorBudgetBurn']);
    for (const rule of config.inhibit_rules) {
      for (const matcher of [...rule.source_matchers, ...rule.target_matchers]) {
        const m = matcher.match(/^alertname(=~?)"(.*)"$/);
        if (!m) continue;
        const re = new RegExp(m[1] === '=' ? `^${m[2]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$` : `^(?:${m[2]})$`);
        expect([...names].some((n) => re.test(n)), matcher).toBe(true);
      }
    }
  });
});
