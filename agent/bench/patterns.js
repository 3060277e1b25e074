// Template miner benchmark: Grouping Accuracy on the Loghub-2k sets and throughput, one configuration for all.
// Run `npx tsc -p agent/tsconfig.build.json` first; `node agent/bench/patterns.js` runs it on its own.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TemplateMiner } from '../dist/analyse/templates/index.js';
import { LOGHUB_SETS, measureLoghubSet, readLoghubSet } from '../dist/analyse/templates/loghub.js';

const DATA = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'data', 'loghub2k');

// Published GA (logparser READMEs, as listed in the data folder's README); Drain is tuned per set there.
const REFERENCE = {
  HDFS: { drain: 0.998, brain: 0.998 },
  Spark: { drain: 0.92, brain: 0.998 },
  HPC: { drain: 0.887, brain: 0.945 },
  Thunderbird: { drain: 0.955, brain: 0.971 },
  Windows: { drain: 0.997, brain: 0.997 },
  Android: { drain: 0.911, brain: 0.961 },
  Apache: { drain: 1, brain: 1 },
  Proxifier: { drain: 0.527, brain: 1 },
  OpenSSH: { drain: 0.788, brain: 1 },
  OpenStack: { drain: 0.733, brain: 1 },
};
const MEAN_REFERENCE = { drain: 0.872, brain: 0.987 };
const THROUGHPUT_TARGET = 100_000;

/** Lines per second of CPU time (single-threaded, so per core) and of wall time, learning every line. */
function throughput(lines, rounds) {
  let best = { cpu: 0, wall: 0 };
  for (let r = 0; r < rounds; r++) {
    const miner = new TemplateMiner();
    const cpu0 = process.cpuUsage();
    const wall0 = process.hrtime.bigint();
    for (const line of lines) miner.add(line);
    const cpu = process.cpuUsage(cpu0);
    const wall = Number(process.hrtime.bigint() - wall0) / 1e9;
    const perCpu = lines.length / ((cpu.user + cpu.system) / 1e6);
    if (perCpu > best.cpu) best = { cpu: perCpu, wall: lines.length / wall };
  }
  return best;
}

export async function benchPatterns() {
  console.log('\n## Template miner (agent/src/analyse/templates)');
  console.log(
    'Data: Loghub-2k, https://github.com/logpai/loghub — J. Zhu, S. He, P. He, J. Liu, M. R. Lyu, "Loghub: A Large\n' +
      'Collection of System Log Datasets for AI-driven Log Analytics", ISSRE 2023.\n',
  );
  if (!existsSync(join(DATA, 'HDFS'))) {
    console.log(`skipped: no Loghub-2k data at ${DATA}`);
    return [];
  }
  const rows = [];
  const all = [];
  let sum = 0;
  console.log('| set | GA | Drain (tuned per set) | Brain | templates | truth |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const name of LOGHUB_SETS) {
    const { ga, templates, trueTemplates } = measureLoghubSet(DATA, name);
    sum += ga;
    all.push(...readLoghubSet(DATA, name).map((l) => l.content));
    const ref = REFERENCE[name];
    console.log(`| ${name} | ${ga.toFixed(3)} | ${ref.drain} | ${ref.brain} | ${templates} | ${trueTemplates} |`);
    rows.push(row(`patterns GA ${name}`, ga, 'GA', ref.brain));
  }
  const mean = sum / LOGHUB_SETS.length;
  console.log(`| mean | ${mean.toFixed(3)} | ${MEAN_REFERENCE.drain} | ${MEAN_REFERENCE.brain} | | |`);
  rows.push(row('patterns GA mean (10 sets)', mean, 'GA', MEAN_REFERENCE.brain));

  // Five passes over the 20,000 lines, so most lines meet templates already learnt, as in a long-running agent.
  const stream = Array.from({ length: 5 }, () => all).flat();
  throughput(stream, 1); // warm-up
  const speed = throughput(stream, 3);
  console.log(
    `\nthroughput: ${Math.round(speed.cpu).toLocaleString('en')} lines/s per core (CPU time), ` +
      `${Math.round(speed.wall).toLocaleString('en')} lines/s wall clock; target ${THROUGHPUT_TARGET.toLocaleString('en')}`,
  );
  rows.push({ ...row('patterns throughput', speed.cpu, 'lines/s', THROUGHPUT_TARGET), value: Math.round(speed.cpu) });
  return rows;
}

function row(name, value, unit, reference) {
  return { name, value: round(value), unit, reference, ratio: round(value / reference) };
}

function round(x) {
  return Math.round(x * 1000) / 1000;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.table(await benchPatterns());
