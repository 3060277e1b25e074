// Analysis benchmark: one `analyse` pass over generated runs (every fault injected) at 10k, 100k and 1M span
// equivalents, and over 100k runs (the bar: under 2 s). CPU time is reported next to wall time because the
// machine is shared. Run `npx tsc -p agent/tsconfig.build.json` first; `node agent/bench/analysis.js` runs it alone.
import { fileURLToPath } from 'node:url';
import { analyse } from '../dist/analyse/index.js';
import { TemplateMiner } from '../dist/analyse/templates/index.js';
import { allFaults, generateScenario } from '../dist/demo/scenarios.js';

const START_MS = Date.UTC(2026, 10, 1);
const DAYS = 14;
const TARGET_100K_RUNS_MS = 2000;
const CONFIG = { slos: [{ workflow: 'warehouse-load', objective: 99, window: '7d', maxDuration: '300s' }] };

/** Spans a run stands for: its own span, one per step, one per downstream call. */
function spansOf(run) {
  return 1 + run.steps.reduce((n, s) => n + 1 + s.downstream.reduce((m, d) => m + d.calls, 0), 0);
}

function generate(scale) {
  return generateScenario({ seed: 7, startMs: START_MS, days: DAYS, faults: allFaults, scale });
}

/** CPU and wall milliseconds of one analysis pass with a fresh template miner (as after a restart). */
function timePass(runs) {
  const miner = new TemplateMiner();
  const nowMs = runs.reduce((m, r) => Math.max(m, r.endMs), 0);
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  const out = analyse({ nowMs, runs, templateOf: (m) => miner.add(m), config: CONFIG });
  const cpu = process.cpuUsage(cpu0);
  return { cpuMs: (cpu.user + cpu.system) / 1000, wallMs: Number(process.hrtime.bigint() - wall0) / 1e6, findings: out.candidates.length };
}

export async function benchAnalysis() {
  const rows = [];
  const base = generate(1);
  const spansPerRunScale1 = base.reduce((n, r) => n + spansOf(r), 0);
  for (const [label, spans] of [['10k', 1e4], ['100k', 1e5], ['1M', 1e6]]) {
    const runs = generate(spans / spansPerRunScale1);
    timePass(runs); // warm-up: JIT
    const t = timePass(runs);
    const actual = runs.reduce((n, r) => n + spansOf(r), 0);
    console.log(`${label} spans: ${actual} spans, ${runs.length} runs → ${t.cpuMs.toFixed(0)} ms CPU, ${t.wallMs.toFixed(0)} ms wall, ${t.findings} findings`);
    rows.push({ name: `analysis ${label} spans (${runs.length} runs), CPU`, value: Math.round(t.cpuMs), unit: 'ms' });
    rows.push({ name: `analysis ${label} spans (${runs.length} runs), wall`, value: Math.round(t.wallMs), unit: 'ms' });
  }
  const runs = generate(100_000 / base.length);
  const first = timePass(runs);
  const warm = timePass(runs);
  console.log(`100k runs (${runs.length}): first pass ${first.cpuMs.toFixed(0)} ms CPU / ${first.wallMs.toFixed(0)} ms wall, warm ${warm.cpuMs.toFixed(0)} ms CPU / ${warm.wallMs.toFixed(0)} ms wall`);
  for (const [name, t] of [['first pass', first], ['warm pass', warm]]) {
    rows.push({ name: `analysis 100k runs, ${name}, CPU`, value: Math.round(t.cpuMs), unit: 'ms', reference: TARGET_100K_RUNS_MS, ratio: round(t.cpuMs / TARGET_100K_RUNS_MS) });
  }
  const rssMb = process.resourceUsage().maxRSS / 1024;
  rows.push({ name: 'analysis peak RSS', value: Math.round(rssMb), unit: 'MB' });
  return rows;
}

function round(x) {
  return Math.round(x * 1000) / 1000;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.table(await benchAnalysis());
