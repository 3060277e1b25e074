import { analyse, type AnalysisConfig, type AnalysisOutput } from '../../src/analyse/index.js';
import { TemplateMiner } from '../../src/analyse/templates/index.js';
import { generateScenario, type FaultKind } from '../../src/demo/scenarios.js';
import type { FindingCandidate } from '../../src/model/finding.js';
import type { RunRecord } from '../../src/model/workflow.js';

export const START_MS = Date.UTC(2026, 10, 1);
export const DAYS = 14;
export const END_MS = START_MS + DAYS * 86_400_000;

export const creepSlo: AnalysisConfig = { slos: [{ workflow: 'warehouse-load', name: 'load-on-time', objective: 99, window: '7d', maxDuration: '300s' }] };

/** The real template miner, as the agent wires it. */
export function minerTemplateOf(): (m: string) => { templateId: string; template: string } {
  const miner = new TemplateMiner();
  return (m) => miner.add(m);
}

export function newestEnd(runs: readonly RunRecord[]): number {
  return runs.reduce((m, r) => Math.max(m, r.endMs), 0);
}

export function analyseScenario(seed: number, faults: readonly FaultKind[], config: AnalysisConfig = {}, scale = 1, noise?: number): { runs: RunRecord[]; out: AnalysisOutput } {
  const runs = generateScenario({ seed, startMs: START_MS, days: DAYS, faults, scale, noise });
  return { runs, out: analyse({ nowMs: newestEnd(runs), runs, templateOf: minerTemplateOf(), config }) };
}

export function touches(c: FindingCandidate, workflow: string): boolean {
  return c.workflow === workflow || (c.workflows ?? []).includes(workflow);
}

export const atLeastMedium = (c: FindingCandidate) => c.severity === 'medium' || c.severity === 'high' || c.severity === 'critical';
