import type { SenderClock } from '../ingest/sender-clocks.js';
import { waitedMs, type RunRecord, type StepRecord } from '../model/workflow.js';
import { errorText, measuredMs, type RunComparison, type StepChange } from '../analyse/index.js';
import { round } from '../analyse/format.js';
import type { AttributeTransition } from '../query/attribute-transitions.js';
import type { StoredLog } from '../store/store.js';
import { isoTime } from '../runtime/iso-time.js';

/** Model → API shapes: ISO times and seconds, optional fields only when known. */

const secs = (ms: number) => Math.round(ms) / 1000;

/** What runs and steps share: status, times, queue time, attempt and error, the optional ones only when known. */
function outcome(record: RunRecord | StepRecord) {
  return {
    status: record.status,
    startTime: isoTime(record.startMs),
    endTime: isoTime(record.endMs),
    durationSeconds: secs(record.durationMs),
    ...(record.queueMs !== undefined && { queueSeconds: secs(record.queueMs) }),
    ...(record.attempt !== undefined && { attempt: record.attempt }),
    ...(record.errorType !== undefined && { errorType: record.errorType }),
    ...(record.errorMessage !== undefined && { errorMessage: record.errorMessage }),
  };
}

export function senderView(sender: SenderClock) {
  return { service: sender.service, host: sender.host, lagSeconds: secs(sender.lagMs), clock: sender.clock, lastSeen: isoTime(sender.lastSeenMs) };
}

export function runView(run: RunRecord) {
  const waited = waitedMs(run);
  return { id: run.id, workflow: run.workflow, runId: run.runId, runner: run.runner, traceId: run.traceId, ...outcome(run), ...(waited !== undefined && { waitSeconds: secs(waited) }) };
}

/** A finding's example run as people know it: the runner's run id, the run's own workflow, status and start. */
export function exampleRunView(run: Pick<RunRecord, 'id' | 'runId' | 'workflow' | 'status' | 'startMs'>) {
  return { id: run.id, runId: run.runId, workflow: run.workflow, status: run.status, startTime: isoTime(run.startMs) };
}

export function stepView(step: StepRecord) {
  return {
    id: step.id,
    name: step.name,
    ...(step.parentId !== undefined && { parentId: step.parentId }),
    ...outcome(step),
    ...(step.retryError !== undefined && { retryError: step.retryError }),
    attributes: step.attributes,
    downstream: step.downstream,
  };
}

const MAX_STEP_CHANGES = 100;

/** Durations in seconds, and the steps' changes cut to the most telling hundred (`stepsChanged` says how many). */
export function comparisonView(run: RunRecord, baseline: RunRecord, comparison: RunComparison) {
  return {
    ...(run.status !== baseline.status && { status: { from: baseline.status, to: run.status } }),
    // A run still running has no duration to compare yet (its spans so far may end long before now).
    ...(run.status !== 'running' && { duration: durationChange(baseline.durationMs, run.durationMs) }),
    ...(comparison.notReached && { notReached: comparison.notReached }),
    attributes: comparison.attributes,
    steps: comparison.steps.slice(0, MAX_STEP_CHANGES).map(stepChangeView),
    stepsCompared: comparison.stepsCompared,
    stepsChanged: comparison.steps.length,
  };
}

function durationChange(fromMs: number, toMs: number) {
  return { fromSeconds: secs(fromMs), toSeconds: secs(toMs), deltaSeconds: secs(toMs - fromMs), ratio: fromMs > 0 ? round(toMs / fromMs) : null };
}

/** A side of a step's change: its status and time, and its wait for a worker when its runner says. */
function outcomeView(step: StepRecord) {
  return { status: step.status, durationSeconds: secs(step.durationMs), ...(step.queueMs !== undefined && { waitSeconds: secs(step.queueMs) }) };
}

function stepChangeView({ kind, name, path, step, baseline, attributes, downstream }: StepChange) {
  const error = step && errorText(step);
  const duration = step && baseline && durationChange(measuredMs(kind, baseline), measuredMs(kind, step));
  return {
    name,
    path,
    change: kind,
    ...(step && { stepId: step.id }),
    ...(baseline && { baselineStepId: baseline.id, from: outcomeView(baseline) }),
    ...(step && { to: outcomeView(step) }),
    ...(duration && { deltaSeconds: duration.deltaSeconds, ratio: duration.ratio }),
    ...(error && { errorMessage: error }),
    attributes,
    downstream,
  };
}

/** A change of a steady attribute, with the failure share of the runs on either side. */
export function transitionView({ key, steps, from, to, run, before, after }: AttributeTransition) {
  const side = ({ runs, failed }: { runs: number; failed: number }) => ({ runs, failed, failureShare: runs > 0 ? round(failed / runs, 3) : null });
  return { key, ...(steps && { steps }), from, to, at: isoTime(run.startMs), firstRun: { id: run.id, runId: run.runId }, before: side(before), after: side(after) };
}

export function logView(log: StoredLog, stepOfSpan: Map<string, string>) {
  const stepId = stepOfSpan.get(log.spanId);
  return {
    time: isoTime(log.timeMs),
    severity: log.severityText || severityName(log.severityNumber),
    severityNumber: log.severityNumber,
    body: log.body,
    ...(log.spanId && { spanId: log.spanId }),
    ...(stepId !== undefined && { stepId }),
    ...(log.templateId && { templateId: log.templateId }),
  };
}

/** OTLP SeverityNumber ranges: 1–4 TRACE, 5–8 DEBUG, 9–12 INFO, 13–16 WARN, 17–20 ERROR, 21–24 FATAL. */
export function severityName(number: number): string {
  if (number <= 0) return 'UNSPECIFIED';
  return ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'][Math.min(5, Math.floor((number - 1) / 4))]!;
}

export function severityNumber(name: string): number | undefined {
  const index = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'].indexOf(name.toLowerCase());
  return index < 0 ? undefined : index * 4 + 1;
}
