// @vitest-environment node
import Ajv from 'ajv';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpack from 'webpack';

const pluginDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const schemaPath = resolve(pluginDir, '../../shared/schemas/grafana-plugin.schema.json');
const require = createRequire(import.meta.url);
const makeConfig = require(join(pluginDir, 'webpack.config.cjs')) as (env: object) => webpack.Configuration;
const { version } = require(join(pluginDir, 'package.json')) as { version: string };

/** Grafana supplies these to plugins (create-plugin's externals); module.js may depend on nothing else. */
const SHARED = /^(react|react-dom|react\/jsx-runtime|react-router|rxjs|lodash|moment|@emotion\/(css|react)|i18next|d3|module|@grafana\/(ui|runtime|data))$/;

// The production build, into a temporary folder so a parallel browser test can keep using dist/.
let out: string;
beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'flowlens-plugin-build-'));
  const config = makeConfig({ production: true });
  const stats = await new Promise<webpack.Stats>((done, fail) =>
    webpack({ ...config, output: { ...config.output, path: out } }, (err, s) => (err || !s ? fail(err) : done(s)))
  );
  expect(stats.hasErrors(), stats.toString('errors-only')).toBe(false);
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('production build', () => {
  it('emits plugin.json with version and date filled in, valid against the Grafana plugin schema', (ctx) => {
    const text = readFileSync(join(out, 'plugin.json'), 'utf8');
    expect(text).not.toMatch(/%[A-Z]+%/);
    const pluginJson = JSON.parse(text);
    expect(pluginJson.info.version).toBe(version);
    expect(pluginJson.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(existsSync(join(out, pluginJson.info.logos.small))).toBe(true);

    if (!existsSync(schemaPath)) {
      ctx.skip(true, 'shared plugin.json schema absent');
    }
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false /* the schema's patterns escape '-', which 'u' forbids */ });
    ajv.addFormat('uri', (value: string) => URL.canParse(value));
    const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
    expect(validate(pluginJson), ajv.errorsText(validate.errors)).toBe(true);
  });

  it('declares the app pages and the proxy route the client calls', () => {
    const pluginJson = JSON.parse(readFileSync(join(out, 'plugin.json'), 'utf8'));
    expect(pluginJson.id).toBe('flowlens-workflows-app');
    expect(pluginJson.includes.filter((i: { addToNav?: boolean }) => i.addToNav).map((i: { name: string }) => i.name)).toEqual([
      'Overview',
      'Findings',
      'Recommendations',
      'Configuration',
    ]);
    expect(pluginJson.routes).toEqual([
      {
        path: 'api',
        url: '{{ .JsonData.agentUrl }}',
        headers: [{ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.apiToken }}' }],
      },
    ]);
  });

  it('emits an AMD module.js that takes only Grafana-shared packages from outside and bundles react-router-dom', () => {
    const moduleJs = readFileSync(join(out, 'module.js'), 'utf8');
    const deps = JSON.parse(/^define\((\[[^\]]*\])/.exec(moduleJs)![1]!) as string[];
    expect(deps).toEqual(expect.arrayContaining(['react', '@grafana/data', '@grafana/ui', '@grafana/runtime']));
    expect(deps.filter((d) => !SHARED.test(d))).toEqual([]);
    expect(deps).not.toContain('react-router-dom');
    // Lazily loaded pages come from Grafana's plugin folder.
    expect(moduleJs).toContain('public/plugins/flowlens-workflows-app/');
  });
});
