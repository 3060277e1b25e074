import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { resolveConfig } from '../../agent/src/config/load.js';
import { generateSloRules } from '../../agent/src/export/slo-rules.js';
import { findBinary, runTool, skipNote } from '../../agent/test/export/support/tools.js';
import { exists, PROMETHEUS_CONFIG, PROVISIONING_DIR, REPO, RULES_FILE } from './paths.js';
import { readRuleFile } from './rules-model.js';

const promtool = findBinary('promtool');
const readYaml = async <T>(path: string) => parse(await readFile(join(PROVISIONING_DIR, path), 'utf8')) as T;

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
}
interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

/** Bind mounts of a service as [host path in the repo, container path]. */
function bindMounts(service: Service): [string, string][] {
  return (service.volumes ?? [])
    .map((v) => v.split(':'))
    .filter(([source]) => source!.startsWith('.'))
    .map(([source, target]) => [join(PROVISIONING_DIR, source!), target!]);
}

/** The repository path that a container path comes from, through the service's bind mounts. */
function hostPathOf(service: Service, containerPath: string): string | undefined {
  for (const [source, target] of bindMounts(service)) {
    if (containerPath === target) return source;
    if (containerPath.startsWith(`${target}/`)) return join(source, containerPath.slice(target.length + 1));
  }
  return undefined;
}

describe('docker-compose stack', () => {
  it('mounts only paths that exist in the repository and declares its named volumes', async () => {
    const compose = await readYaml<Compose>('docker-compose.yaml');
    expect(Object.keys(compose.services).sort()).toEqual(['alertmanager', 'flowlens-agent', 'grafana', 'otel-collector', 'prometheus']);
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [source] of bindMounts(service)) {
        const hint = source.endsWith('dist') ? ' (built by `npm run build`)' : '';
        expect(exists(source), `${name} mounts ${source}${hint}`).toBe(true);
      }
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (!source.startsWith('.')) expect(compose.volumes, `${name} uses volume ${source}`).toHaveProperty(source);
      }
      for (const port of service.ports ?? []) expect(port, `${name} publishes on loopback only`).toMatch(/^127\.0\.0\.1:/);
    }
    const agent = compose.services['flowlens-agent']!;
    expect(exists(join(PROVISIONING_DIR, agent.build!.context, agent.build!.dockerfile))).toBe(true);
  });

  it('builds the agent image from files that exist, running the flowlens binary', async () => {
    const dockerfile = await readFile(join(PROVISIONING_DIR, 'agent.Dockerfile'), 'utf8');
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(exists(join(REPO, source)), source).toBe(true);
    expect(dockerfile).toContain('ENTRYPOINT ["node", "agent/bin/flowlens.js"]');
  });

  it('points Prometheus at the project rules from inside the container', async () => {
    const compose = await readYaml<Compose>('docker-compose.yaml');
    const prometheus = compose.services.prometheus!;
    const configInContainer = prometheus.command!.find((a) => a.startsWith('--config.file='))!.split('=')[1]!;
    expect(hostPathOf(prometheus, configInContainer)).toBe(PROMETHEUS_CONFIG);
    const config = parse(await readFile(PROMETHEUS_CONFIG, 'utf8')) as {
      rule_files: string[];
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
      alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
    };
    for (const pattern of config.rule_files) {
      const inContainer = posix.join(posix.dirname(configInContainer), pattern);
      expect(hostPathOf(prometheus, posix.dirname(inContainer)), pattern).toBe(join(REPO, 'alert-rules'));
    }
    const flowlens = config.scrape_configs.find((s) => s.job_name === 'flowlens')!;
    expect(flowlens.static_configs[0]!.targets).toEqual(['flowlens-agent:9470']);
    expect(config.alerting.alertmanagers[0]!.static_configs[0]!.targets).toEqual(['alertmanager:9093']);
  });

  it('lets Grafana load the unsigned app from the plugin build, provisioned with the agent URL', async () => {
    const compose = await readYaml<Compose>('docker-compose.yaml');
    const grafana = compose.services.grafana!;
    const pluginJson = JSON.parse(await readFile(join(REPO, 'grafana-plugin/src/plugin.json'), 'utf8')) as { id: string };
    expect(grafana.environment!.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS).toBe(pluginJson.id);
    expect(hostPathOf(grafana, `/var/lib/grafana/plugins/${pluginJson.id}`)).toBe(join(REPO, 'grafana-plugin/dist'));
    const apps = await readYaml<{ apps: { type: string; jsonData: { agentUrl: string }; secureJsonData: { apiToken: string } }[] }>('grafana/plugins/flowlens-app.yaml');
    expect(apps.apps[0]!.type).toBe(pluginJson.id);
    expect(new URL(apps.apps[0]!.jsonData.agentUrl).host).toBe('flowlens-agent:9470');
    expect(apps.apps[0]!.secureJsonData.apiToken).toBe('$FLOWLENS_API_TOKEN');
    expect(grafana.environment).toHaveProperty('FLOWLENS_API_TOKEN');
    const providers = await readYaml<{ providers: { options: { path: string } }[] }>('grafana/dashboards/flowlens.yaml');
    expect(hostPathOf(grafana, providers.providers[0]!.options.path)).toBe(join(PROVISIONING_DIR, 'grafana/dashboards'));
  });

  it('has the Collector forward traces and logs to the agent', async () => {
    const config = await readYaml<{
      receivers: Record<string, unknown>;
      processors: Record<string, unknown>;
      exporters: Record<string, { endpoint: string }>;
      service: { pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }> };
    }>('otelcol/config.yaml');
    expect(Object.keys(config.service.pipelines).sort()).toEqual(['logs', 'traces']);
    for (const pipeline of Object.values(config.service.pipelines)) {
      for (const r of pipeline.receivers) expect(config.receivers).toHaveProperty(r);
      for (const p of pipeline.processors) expect(config.processors).toHaveProperty(p);
      for (const e of pipeline.exporters) expect(new URL(config.exporters[e]!.endpoint).host).toBe('flowlens-agent:4318');
    }
  });

  it("ships an agent configuration the agent accepts, whose SLOs turn into rules", async () => {
    const raw = await readYaml<Record<string, unknown>>('flowlens.yaml');
    const config = resolveConfig(raw);
    expect(config.slos.length).toBeGreaterThan(0);
    expect(generateSloRules(config.slos)).toContain('FlowLensSLOErrorBudgetBurn');
  });
});

describe('Grafana dashboard', () => {
  interface Panel { type: string; title: string; targets?: { expr: string }[] }
  const dashboard = async () =>
    JSON.parse(await readFile(join(PROVISIONING_DIR, 'grafana/dashboards/flowlens-overview.json'), 'utf8')) as { uid: string; title: string; panels: Panel[] };
  const exprs = async () => (await dashboard()).panels.flatMap((p) => (p.targets ?? []).map((t) => ({ title: p.title, expr: t.expr })));

  it('is the one the alert rules link to', async () => {
    const d = await dashboard();
    const rules = await readFile(RULES_FILE, 'utf8');
    expect(rules).toContain(`/d/${d.uid}/${d.title.toLowerCase().replace(/\s+/g, '-')}`);
  });

  it('queries only metrics the agent exports or the rules record', async () => {
    const exported = [
      'flowlens_workflow_runs_total', 'flowlens_workflow_run_duration_seconds_bucket', 'flowlens_step_runs_total',
      'flowlens_step_duration_seconds_bucket', 'flowlens_workflow_last_run_timestamp_seconds',
      'flowlens_workflow_expected_interval_seconds', 'flowlens_workflow_health_score', 'flowlens_anomaly_score',
      'flowlens_findings_open', 'flowlens_slo_objective_ratio', 'flowlens_slo_error_budget_remaining_ratio',
      'flowlens_slo_window_seconds', 'flowlens_slo_burn_rate', 'flowlens_slo_sli_ratio', 'flowlens_received_spans_total', 'flowlens_rejected_spans_total',
      'flowlens_received_log_records_total', 'flowlens_rejected_log_records_total', 'flowlens_rejected_requests_total', 'flowlens_request_duration_seconds_bucket',
      'flowlens_store_size_bytes', 'flowlens_analysis_duration_seconds_bucket', 'flowlens_pending_run_traces',
      'flowlens_pending_runs_age_seconds', 'flowlens_sender_lag_seconds',
    ];
    const recorded = (await readRuleFile(RULES_FILE)).groups.flatMap((g) => g.rules.map((r) => r.record)).filter(Boolean);
    const known = new Set([...exported, ...recorded]);
    const used = (await exprs()).flatMap(({ expr }) => expr.match(/\b[a-z_]*:?flowlens_[a-z0-9_:]+/g) ?? []);
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter((m) => !known.has(m))).toEqual([]);
    // Every panel area the stack promises.
    for (const m of ['flowlens_workflow_runs_total', 'workflow:flowlens_workflow_runs_failed:ratio1h', 'workflow:flowlens_workflow_run_duration_seconds:p95_1h',
      'flowlens_workflow_health_score', 'flowlens_findings_open', 'flowlens_slo_error_budget_remaining_ratio', 'flowlens_slo_burn_rate', 'flowlens_received_spans_total']) {
      expect(used).toContain(m);
    }
  });

  it.skipIf(!promtool)(`has queries Prometheus can parse${skipNote({ promtool })}`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flowlens-dashboard-'));
    try {
      const rules = (await exprs()).map(({ expr }, i) => ({
        record: `dashboard:query_${i}`,
        expr: expr.replaceAll('$__rate_interval', '1m').replaceAll('$workflow', '.*'),
      }));
      await writeFile(join(dir, 'dashboard.rules.yml'), stringify({ groups: [{ name: 'dashboard', rules }] }));
      const result = await runTool(promtool!, ['check', 'rules', join(dir, 'dashboard.rules.yml')]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

