import type { FindingCandidate } from '../../model/finding.js';
import { isFailed, type RunRecord } from '../../model/workflow.js';
import type { AnalysisContext, WorkflowHistory } from '../context.js';
import { exampleRunIds, fingerprint, formatDuration, round, utcTime } from '../format.js';
import { isoTime } from '../../runtime/iso-time.js';
import { categorise } from '../failures/categorise.js';
import { recommend } from '../recommendations.js';
import { createMasker, render } from '../templates/masking.js';
import { usualDurationMs } from './usual-duration.js';

const mask = createMasker();

/** Where a run ran, for the one who goes and looks. */
const WHERE_KEYS = ['host.name', 'k8s.node.name', 'k8s.pod.name', 'cicd.worker.name', 'cicd.pipeline.worker.name'];
/** However short a workflow's runs, a run is not called hung before it has run this much longer than usual. */
const MIN_OVERRUN_MS = 15 * 60_000;

/**
 * Runs of a workflow still running long after its runs usually end: a runner that died without ending its run
 * (the run span never comes), or a run waiting on something that will not come (an approval, a lock, a queue).
 * A run counts as hung once it has run `hungDurationFactor` times the p95 duration of the workflow's last 50
 * successful runs (`usualDurationMs`), and at least 15 minutes more than that p95. Event time: `nowMs` is the
 * newest event stored.
 */
export function hungCandidates(history: WorkflowHistory, running: readonly RunRecord[], ctx: AnalysisContext): FindingCandidate[] {
  if (running.length === 0 || history.runs.length < ctx.thresholds.minRuns) return [];
  const usualMs = usualDurationMs(history, 0.95);
  const limitMs = Math.max(usualMs * ctx.thresholds.hungDurationFactor, usualMs + MIN_OVERRUN_MS);
  const hung = running.filter((run) => ctx.nowMs - run.startMs > limitMs).sort((a, b) => a.startMs - b.startMs);
  if (hung.length === 0) return [];
  const oldest = hung[0]!;
  const elapsedMs = ctx.nowMs - oldest.startMs;
  const lastStep = lastEndedStep(oldest);
  // A step that failed and is tried again and again (a Temporal activity's unlimited retries) holds a run that is
  // alive: what it fails on is the problem, not a dead runner.
  const failing = lastStep?.errorMessage !== undefined && isFailed(lastStep.status) ? lastStep : undefined;
  const retrying = failing !== undefined && (failing.attempt ?? 1) > 1;
  const pattern = failing && render(mask(failing.errorMessage!));
  const heardOf = failing
    ? retrying
      ? `its step \`${failing.name}\` keeps failing: try ${failing.attempt} ended at ${utcTime(failing.endMs)} with "${failing.errorMessage}"`
      : `its step \`${failing.name}\` failed at ${utcTime(failing.endMs)} with "${failing.errorMessage}" and nothing has been heard from it since`
    : lastStep
      ? `its last step, \`${lastStep.name}\`, ended at ${utcTime(lastStep.endMs)} and nothing has been heard from it since`
      : `nothing has been heard from it since ${utcTime(oldest.endMs)}`;
  // The finding stays a hung run's (category `timeout`, which its identity and resolution go by); its advice is the
  // failing step's when the run is alive and retrying.
  const errorCategory = retrying ? categorise(pattern) : undefined;
  const workflow = history.workflow;
  const where = pick(oldest.attributes, WHERE_KEYS);
  const runs = hung.length === 1 ? `Run ${oldest.runId} of \`${workflow}\`` : `${hung.length} runs of \`${workflow}\``;
  return [
    {
      fingerprint: fingerprint('stalled', [workflow], 'hung-run'),
      kind: 'stalled',
      workflow,
      severity: elapsedMs >= 2 * limitMs ? 'high' : 'medium',
      category: 'timeout',
      confidence: round(Math.min(1, 0.6 + elapsedMs / limitMs / 10)),
      title: `${runs} ${hung.length === 1 ? 'has' : 'have'} been running for ${hung.length === 1 ? '' : 'up to '}${formatDuration(elapsedMs)} (usually done within ${formatDuration(usualMs)})`,
      summary: `Run ${oldest.runId} started at ${utcTime(oldest.startMs)} and has not ended; ${heardOf}.`,
      rootCause: {
        ...(lastStep && { step: lastStep.name }),
        attributes: where,
        ...(pattern !== undefined && { pattern }),
        description: retrying
          ? `${runs} started but never ended: ${heardOf}. The run is alive and tries the step again and again; what the step fails on holds it.`
          : `${runs} started but never ended: ${heardOf}. The runner may have died without ending the run, or the run waits on something (an approval, a lock, a queue) that does not come.`,
      },
      evidence: {
        baseline: { p95DurationSeconds: round(usualMs / 1000, 0) },
        current: { runningSeconds: round(elapsedMs / 1000, 0), hungRuns: hung.length, oldestStart: isoTime(oldest.startMs) },
        affectedRuns: hung.length,
        totalRuns: history.runs.length + running.length,
        onset: isoTime(oldest.startMs + limitMs),
        exampleRunIds: exampleRunIds(hung),
        errorLines: failing ? [failing.errorMessage!] : [],
        details: { lastHeardOf: isoTime(lastStep?.endMs ?? oldest.endMs), limitSeconds: round(limitMs / 1000, 0) },
      },
      recommendations: recommend({
        kind: errorCategory ? 'error_pattern' : 'stalled',
        category: errorCategory ?? 'timeout',
        workflow,
        ...(lastStep && { step: lastStep.name }),
        attributes: where,
        ...(pattern !== undefined && { pattern }),
      }),
      firstSeenMs: oldest.startMs + limitMs,
      lastSeenMs: ctx.nowMs,
    },
  ];
}

/** The step that ended last: where a run that went silent was last seen. */
function lastEndedStep(run: RunRecord): RunRecord['steps'][number] | undefined {
  let last: RunRecord['steps'][number] | undefined;
  for (const step of run.steps) if (step.parentId === undefined && (last === undefined || step.endMs > last.endMs)) last = step;
  return last;
}

function pick(attributes: RunRecord['attributes'], keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys) {
    const value = attributes[key];
    if (value !== undefined && value !== null) out[key] = String(value);
  }
  return out;
}
