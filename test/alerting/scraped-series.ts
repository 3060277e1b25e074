import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runTool, type ToolResult } from '../../agent/test/export/support/tools.js';

/** Labels Prometheus adds to what it scrapes from the agent (the rules aggregate them away). */
const TARGET = 'job="flowlens",instance="agent:9470"';

export interface InputSeries {
  series: string;
  values: string;
}

/** What the agent served on /metrics, and for how many minutes Prometheus kept scraping the same. */
export interface Scrape {
  text: string;
  minutes: number;
}

/**
 * promtool input series from what a real agent served: the samples of `metrics` in each scrape in turn, one a minute
 * (none while a scrape lacks the series, as Prometheus sees a series that appears later).
 */
export function seriesOfScrapes(scrapes: readonly Scrape[], metrics: readonly string[]): InputSeries[] {
  const bySeries = new Map<string, (string | undefined)[]>();
  scrapes.forEach(({ text }, i) => {
    for (const line of text.split('\n')) {
      const sample = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/);
      if (!sample || !metrics.includes(sample[1]!)) continue;
      const series = `${sample[1]}{${sample[2] ? `${sample[2]},` : ''}${TARGET}}`;
      const values = bySeries.get(series) ?? Array<string | undefined>(scrapes.length).fill(undefined);
      values[i] = sample[3];
      bySeries.set(series, values);
    }
  });
  return [...bySeries].map(([series, values]) => ({
    series,
    values: values.flatMap((value, i) => Array<string>(scrapes[i]!.minutes).fill(value ?? '_')).join(' '),
  }));
}

/**
 * Runs `promtool test rules` on one test file of the given tests over `ruleFiles`: absolute paths, or names of
 * `files` (name → text) written beside the test.
 */
export async function promtoolTest(
  promtool: string,
  ruleFiles: readonly string[],
  tests: readonly object[],
  files: Record<string, string> = {},
): Promise<ToolResult> {
  const dir = await mkdtemp(join(tmpdir(), 'flowlens-promtool-'));
  try {
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    const file = join(dir, 'scraped.test.yml');
    await writeFile(file, stringify({ rule_files: ruleFiles, evaluation_interval: '1m', tests }, { lineWidth: 0 }));
    return await runTool(promtool, ['test', 'rules', file], dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
