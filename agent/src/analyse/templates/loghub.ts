import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { groupingAccuracy } from './accuracy.js';
import { TemplateMiner } from './miner.js';
import type { MinerOptions } from './options.js';

/**
 * Reads a labelled Loghub-2k set (logpai/loghub; Zhu et al., "Loghub: A Large Collection of System Log Datasets
 * for AI-driven Log Analytics", ISSRE 2023) for measuring the miner: `<dir>/<name>/<name>_2k.log_structured.csv`.
 */

export interface LabelledLine {
  content: string;
  eventId: string;
  eventTemplate: string;
}

export const LOGHUB_SETS = [
  'HDFS',
  'Spark',
  'HPC',
  'Thunderbird',
  'Windows',
  'Android',
  'Apache',
  'Proxifier',
  'OpenSSH',
  'OpenStack',
] as const;

export function readLoghubSet(dir: string, name: string): LabelledLine[] {
  const [header, ...rows] = parseCsv(readFileSync(join(dir, name, `${name}_2k.log_structured.csv`), 'utf8'));
  const column = (label: string) => {
    const i = header?.indexOf(label) ?? -1;
    if (i < 0) throw new Error(`${name}: no ${label} column`);
    return i;
  };
  const [content, eventId, eventTemplate] = [column('Content'), column('EventId'), column('EventTemplate')];
  return rows.map((r) => ({
    content: r[content] ?? '',
    eventId: r[eventId] ?? '',
    eventTemplate: r[eventTemplate] ?? '',
  }));
}

export interface SetAccuracy {
  lines: number;
  /** Grouping Accuracy of the templates the miner ends with. */
  ga: number;
  templates: number;
  trueTemplates: number;
}

/** Learns every line of a set, then classifies each with the templates as they stand at the end. */
export function measureLoghubSet(dir: string, name: string, options?: Partial<MinerOptions>): SetAccuracy {
  const lines = readLoghubSet(dir, name);
  const miner = new TemplateMiner(options);
  for (const l of lines) miner.add(l.content);
  const parsed = lines.map((l) => miner.match(l.content)?.templateId ?? 'unmatched');
  const truth = lines.map((l) => l.eventId);
  return {
    lines: lines.length,
    ga: groupingAccuracy(truth, parsed),
    templates: new Set(parsed).size,
    trueTemplates: new Set(truth).size,
  };
}

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
