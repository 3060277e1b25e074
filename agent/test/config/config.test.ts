import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/error.js';
import { envName } from '../../src/config/env.js';
import { loadConfig } from '../../src/config/load.js';
import { toAnalysisConfig } from '../../src/service/analysis-config.js';

const dir = mkdtempSync(join(tmpdir(), 'flowlens-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const file = (text: string) => {
  const path = join(dir, `flowlens-${files++}.yaml`);
  writeFileSync(path, text);
  return path;
};

describe('configuration', () => {
  it('has defaults a newcomer can run with: loopback ports, ./data, 14 days', async () => {
    const config = await loadConfig(undefined, {});
    expect(config.storage).toEqual({ path: './data/flowlens.db', retention: 14 * 86_400_000 });
    expect(config.otlp.http).toEqual({ host: '127.0.0.1', port: 4318 });
    expect(config.otlp.grpc).toEqual({ host: '127.0.0.1', port: 4317 });
    expect(config.otlp.maxBodySize).toBe(16 * 1024 * 1024);
    expect(config.otlp.requestTimeout).toBe(30_000);
    expect(config.api.listen).toEqual({ host: '127.0.0.1', port: 9470 });
  });

  it('reads YAML, with units, SLOs and a receiver turned off', async () => {
    const config = await loadConfig(
      file(`storage:\n  retention: 7d\notlp:\n  grpc: false\n  maxBodySize: 4MiB\nslos:\n  - workflow: deploy\n    objective: 99\n    window: 7d\n    maxDuration: 300s\n`),
      {},
    );
    expect(config.storage.retention).toBe(7 * 86_400_000);
    expect(config.otlp.grpc).toBe(false);
    expect(config.otlp.maxBodySize).toBe(4 * 1024 * 1024);
    expect(config.slos[0]).toMatchObject({ workflow: 'deploy', objective: 99, window: 7 * 86_400_000, maxDuration: 300_000 });
  });

  it('takes every key from FLOWLENS_ environment variables, over the file', async () => {
    expect(envName('otlp.maxBodySize')).toBe('FLOWLENS_OTLP_MAX_BODY_SIZE');
    const config = await loadConfig(file('api:\n  listen: 127.0.0.1:1000\n'), {
      FLOWLENS_API_LISTEN: '127.0.0.1:9999',
      FLOWLENS_OTLP_HTTP: 'false',
      FLOWLENS_STORAGE_PATH: '/tmp/x.db',
      FLOWLENS_SLOS: '[{"workflow":"a","objective":99.5}]',
      FLOWLENS_OTLP_REQUEST_TIMEOUT: '2m',
    });
    expect(config.otlp.requestTimeout).toBe(120_000);
    expect(config.api.listen.port).toBe(9999);
    expect(config.otlp.http).toBe(false);
    expect(config.storage.path).toBe('/tmp/x.db');
    expect(config.slos[0]).toMatchObject({ workflow: 'a', objective: 99.5 });
  });

  it.each([
    ['storage:\n  retention: forever\n', /storage\.retention: expected a duration/],
    ['otlp:\n  http: localhost\n', /otlp\.http: expected host:port such as 127\.0\.0\.1:4318, got "localhost"/],
    ['otlp:\n  grpc: 4317\n', /otlp\.grpc: expected host:port such as 127\.0\.0\.1:4318, or false to turn it off/],
    ['analysis:\n  enabled: yes\n', /analysis\.enabled: expected true or false/],
    ['analysis:\n  timeZone: Europe/Berlinn\n', /analysis\.timeZone: expected an IANA time zone such as Europe\/Berlin or UTC, got "Europe\/Berlinn"/],
    ['storage:\n  retention: true\n', /storage\.retention: expected a duration such as 14d/],
    ['auth:\n  ingestTokens: [12345678901234567]\n', /auth\.ingestTokens\.0: expected a token, or \{ token, tenant \}/],
    ['api:\n  listn: 127.0.0.1:1\n', /unknown key "api\.listn"/],
    ['slos:\n  - workflow: x\n    objective: 120\n', /slos\.0\.objective/],
    // A typo in a list's entry would otherwise leave the SLO or rule on its default, silently.
    ['slos:\n  - workflow: x\n    objective: 99\n    windw: 30d\n', /unknown key "slos\.0\.windw"/],
    ['rules:\n  - metric: runs\n    condition: "<"\n    threshold: 1\n    severty: critical\n', /unknown key "rules\.0\.severty"/],
    ['storage: [\n', /not valid YAML/],
  ])('names the bad key: %j', async (text, message) => {
    await expect(loadConfig(file(text), {})).rejects.toThrow(message);
    await expect(loadConfig(file(text), {})).rejects.toBeInstanceOf(ConfigError);
  });

  it("maps tenants to their Grafana organisations, from the file or a JSON variable, and names a bad tenant key", async () => {
    expect((await loadConfig(file('alertmanager:\n  grafanaOrgs:\n    team-a: 2\n'), {})).alertmanager.grafanaOrgs).toEqual({ 'team-a': 2 });
    const fromEnv = await loadConfig(undefined, { FLOWLENS_ALERTMANAGER_GRAFANA_ORGS: '{"team-a":2,"team-b":"3"}' });
    expect(fromEnv.alertmanager.grafanaOrgs).toEqual({ 'team-a': 2, 'team-b': 3 });
    await expect(loadConfig(file('alertmanager:\n  grafanaOrgs:\n    ../x: 2\n'), {})).rejects.toThrow(/alertmanager\.grafanaOrgs/);
    await expect(loadConfig(undefined, { FLOWLENS_ALERTMANAGER_GRAFANA_ORGS: 'team-a=2' })).rejects.toThrow(/FLOWLENS_ALERTMANAGER_GRAFANA_ORGS must be JSON/);
  });

  it("gives the analysis the time zone whose clocks schedules follow, UTC unless told", async () => {
    expect(toAnalysisConfig(await loadConfig(undefined, {})).timeZone).toBe('UTC');
    const berlin = await loadConfig(undefined, { FLOWLENS_ANALYSIS_TIME_ZONE: 'Europe/Berlin' });
    expect(toAnalysisConfig(berlin).timeZone).toBe('Europe/Berlin');
  });

  it('rejects an unknown FLOWLENS_ variable instead of ignoring a typo', async () => {
    await expect(loadConfig(undefined, { FLOWLENS_STORAGE_PAHT: 'x' })).rejects.toThrow(/FLOWLENS_STORAGE_PAHT/);
  });
});
