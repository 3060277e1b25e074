import type { OtlpLogRecord } from '../model/otlp.js';
import { errorOrigins } from '../query/error-origins.js';
import type { Store, TemplateHit, TemplateOf, TemplateRef, WriteResult } from '../store/store.js';

/** OTLP SeverityNumber ERROR: what a run's or step's own error message counts as. */
const ERROR_SEVERITY = 17;

/**
 * Keeps the per-template counts: every newly stored log record, and the error of every run the first time it
 * finishes failed (so a re-sent or re-modelled run is not counted again).
 */
export class PatternRecorder {
  constructor(
    private readonly store: Store,
    private readonly templateOf: TemplateOf,
  ) {}

  written(result: WriteResult, logs: readonly OtlpLogRecord[], logTemplates: readonly (TemplateRef | undefined)[]): void {
    const hits: TemplateHit[] = [];
    for (const index of result.logsInserted) {
      const template = logTemplates[index];
      const record = logs[index]!;
      if (template) hits.push({ ...template, timeMs: record.timeMs || record.observedTimeMs, severity: record.severityNumber });
    }
    for (const { run, previousStatus } of result.transitions) {
      if (previousStatus !== undefined && previousStatus !== 'running') continue;
      for (const origin of errorOrigins(run)) {
        hits.push({ ...this.templateOf(origin.message), timeMs: origin.timeMs, severity: ERROR_SEVERITY });
      }
    }
    this.store.recordTemplateHits(hits);
  }
}
