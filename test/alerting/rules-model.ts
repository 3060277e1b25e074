import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

/** The parts of a Prometheus rule file the tests look at. */
export interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
export interface RuleFile {
  groups: { name: string; interval?: string; rules: Rule[] }[];
}

export async function readRuleFile(path: string): Promise<RuleFile> {
  return parse(await readFile(path, 'utf8')) as RuleFile;
}

export const alertsOf = (file: RuleFile): Rule[] => file.groups.flatMap((g) => g.rules.filter((r) => r.alert));
