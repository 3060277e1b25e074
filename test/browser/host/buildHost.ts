import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import webpack from 'webpack';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const require = createRequire(import.meta.url);

async function run(config: webpack.Configuration): Promise<void> {
  const stats = await new Promise<webpack.Stats>((done, fail) => webpack(config, (err, s) => (err || !s ? fail(err) : done(s))));
  if (stats.hasErrors()) {
    throw new Error(stats.toString('errors-only'));
  }
}

/**
 * The host page's bundle (React, the Grafana packages, the loader). Bundling @grafana/ui takes a while, so it is
 * built once per lockfile and host source, into a gitignored cache, and reused.
 */
export async function buildHostBundle(): Promise<string> {
  const hash = createHash('sha256').update(readFileSync(join(repo, 'package-lock.json')));
  for (const file of readdirSync(here).filter((f) => /\.tsx?$/.test(f) && f !== 'buildHost.ts').sort()) {
    hash.update(file).update(readFileSync(join(here, file)));
  }
  const dir = join(here, '..', '.cache', `host-${hash.digest('hex').slice(0, 16)}`);
  const bundle = join(dir, 'host.js');
  if (existsSync(bundle)) {
    return bundle;
  }
  const staging = `${dir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  await run({
    mode: 'development',
    devtool: false,
    context: here,
    entry: './main.tsx',
    output: { path: staging, filename: 'host.js', publicPath: '/' },
    module: {
      rules: [
        {
          test: /\.tsx?$/,
          exclude: /node_modules/,
          use: {
            loader: 'swc-loader',
            options: { jsc: { parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } }, target: 'es2020' } },
          },
        },
        // Grafana's ES modules import 'ol/geom' and the like without extensions, as create-plugin's config allows.
        { test: /\.m?js$/, resolve: { fullySpecified: false } },
        // uPlot and others import CSS for side effects; Grafana injects its own styles, so the text is unused.
        { test: /\.css$/, type: 'asset/source' },
      ],
    },
    resolve: {
      extensions: ['.ts', '.tsx', '.js', '.mjs'],
      extensionAlias: { '.js': ['.ts', '.tsx', '.js'] },
      alias: {
        // The same file @grafana/runtime's index re-exports PluginPage from, so the setter reaches its copy.
        '@grafana/runtime-internal-plugin-page$': join(repo, 'node_modules/@grafana/runtime/dist/esm/components/PluginPage.mjs'),
      },
    },
    performance: { hints: false },
    infrastructureLogging: { level: 'error' },
  });
  mkdirSync(dirname(dir), { recursive: true });
  // Bundles for other lockfiles or host sources are stale now (each is ~40 MB).
  for (const old of readdirSync(dirname(dir)).filter((name) => /^host-[0-9a-f]+$/.test(name))) {
    rmSync(join(dirname(dir), old), { recursive: true, force: true });
  }
  renameSync(staging, dir);
  return bundle;
}

/** Builds grafana-plugin/dist with the plugin's own production config when it is missing or older than src/. */
export async function buildPluginIfStale(): Promise<string> {
  const pluginDir = join(repo, 'grafana-plugin');
  const dist = join(pluginDir, 'dist');
  const built = join(dist, 'module.js');
  const newest = (dir: string): number =>
    Math.max(...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
  if (!existsSync(built) || statSync(built).mtimeMs < newest(join(pluginDir, 'src'))) {
    const makeConfig = require(join(pluginDir, 'webpack.config.cjs')) as (env: object) => webpack.Configuration;
    await run(makeConfig({ production: true }));
  }
  return dist;
}
