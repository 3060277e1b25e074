import type { AnalysisConfig } from '../analyse/config.js';
import type { FlowLensConfig } from '../config/schema.js';

const asSeconds = (ms: number) => `${ms / 1000}s`;

/** The validated agent configuration in the analysis core's own terms. */
export function toAnalysisConfig(config: FlowLensConfig): AnalysisConfig {
  return {
    timeZone: config.analysis.timeZone,
    slos: config.slos.map((slo) => ({
      workflow: slo.workflow,
      ...(slo.name && { name: slo.name }),
      objective: slo.objective,
      window: asSeconds(slo.window),
      ...(slo.maxDuration !== undefined && { maxDuration: asSeconds(slo.maxDuration) }),
    })),
    rules: config.rules.map((rule) => ({
      ...(rule.name && { name: rule.name }),
      workflow: rule.workflow,
      metric: rule.metric,
      condition: rule.condition,
      threshold: rule.threshold,
      severity: rule.severity,
      cooldown: asSeconds(rule.cooldown),
      window: asSeconds(rule.window),
    })),
  };
}
