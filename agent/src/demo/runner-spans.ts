import { createHash } from 'node:crypto';
import type { AttrValue, Attributes } from '../model/otlp.js';
import type { RunRecord, RunStatus, StepRecord } from '../model/workflow.js';

/**
 * Turns simulated runs back into the spans each runner really emits (the public shapes in the README's runner
 * table), as OTLP/JSON export requests: the demo feeds the agent through its own receiver, exactly like a runner.
 */

interface JsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: Record<string, unknown> }[];
  status?: { code: number; message?: string };
  events?: { name: string; timeUnixNano: string; attributes: { key: string; value: Record<string, unknown> }[] }[];
}

const KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3 } as const;
const ERROR = 2;
/** Attributes that identify the run: they go on the run span, the rest on the resource. */
const RUN_KEYS = new Set(['cicd.pipeline.run.id']);

const nanos = (ms: number) => (BigInt(Math.round(ms)) * 1_000_000n).toString();
const idFrom = (text: string, hexChars: number) => createHash('sha256').update(text).digest('hex').slice(0, hexChars);
const failed = (status: RunStatus) => status === 'failure' || status === 'error' || status === 'timeout';

function anyValue(value: AttrValue): Record<string, unknown> {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  if (value === null) return {};
  return { kvlistValue: { values: toKeyValues(value) } };
}

function toKeyValues(attributes: Attributes) {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }));
}

/** The words each runner uses for a result. */
function resultWord(runner: RunRecord['runner'], status: RunStatus): string {
  switch (runner) {
    case 'jenkins':
      return { success: 'SUCCESS', cancelled: 'ABORTED', skipped: 'NOT_BUILT' }[status as string] ?? 'FAILURE';
    case 'airflow':
      return { success: 'success', skipped: 'skipped', cancelled: 'removed' }[status as string] ?? 'failed';
    case 'n8n':
      return { success: 'success', cancelled: 'canceled' }[status as string] ?? 'error';
    default:
      return ({ success: 'success', failure: 'failure', error: 'error', timeout: 'timeout', cancelled: 'cancellation', skipped: 'skip' } as Record<string, string>)[status] ?? 'failure';
  }
}

interface SpanPlan {
  name: string;
  kind: number;
  attributes: Attributes;
}

function runSpanPlan(run: RunRecord): SpanPlan {
  const word = resultWord(run.runner, run.status);
  switch (run.runner) {
    case 'temporal':
      return { name: `RunWorkflow:${run.workflow}`, kind: KIND.SERVER, attributes: { temporalWorkflowID: `${run.workflow}-${run.runId}`, temporalRunID: run.runId } };
    case 'airflow':
      return { name: `dag_run.${run.workflow}`, kind: KIND.INTERNAL, attributes: { 'airflow.dag_id': run.workflow, 'airflow.dag_run.run_id': run.runId, 'airflow.dag_run.state': word } };
    case 'n8n':
      return { name: 'workflow.execute', kind: KIND.INTERNAL, attributes: { 'n8n.workflow.name': run.workflow, 'n8n.workflow.id': idFrom(run.workflow, 8), 'n8n.execution.id': run.runId, 'n8n.execution.status': word } };
    case 'argo':
      return { name: 'workflow', kind: KIND.INTERNAL, attributes: { name: `${run.workflow}-${argoSuffix(run.runId)}`, namespace: 'workflows' } };
    case 'jenkins':
      return { name: `BUILD ${run.workflow}`, kind: KIND.SERVER, attributes: { 'ci.pipeline.id': run.workflow, 'ci.pipeline.name': run.workflow, 'ci.pipeline.run.number': run.runId, 'ci.pipeline.run.result': word } };
    case 'github-actions':
      return { name: run.workflow, kind: KIND.SERVER, attributes: { 'cicd.pipeline.name': run.workflow, 'cicd.pipeline.run.id': run.runId, 'github.run_id': run.runId, 'cicd.pipeline.result': word } };
    case 'cicd':
      return { name: `run ${run.workflow}`, kind: KIND.SERVER, attributes: { 'cicd.pipeline.name': run.workflow, 'cicd.pipeline.run.id': run.runId, 'cicd.pipeline.result': word } };
    case 'generic':
      return { name: run.workflow, kind: KIND.SERVER, attributes: {} };
  }
}

/** Step span(s): the outer one is what the step's children and logs hang from. */
function stepSpanPlans(run: RunRecord, step: StepRecord): SpanPlan[] {
  const word = resultWord(run.runner, step.status);
  switch (run.runner) {
    case 'temporal':
      return [
        { name: `StartActivity:${step.name}`, kind: KIND.CLIENT, attributes: { temporalWorkflowID: `${run.workflow}-${run.runId}`, temporalRunID: run.runId } },
        { name: `RunActivity:${step.name}`, kind: KIND.SERVER, attributes: { temporalActivityID: step.id.slice(0, 8) } },
      ];
    case 'airflow':
      return [{ name: `task_run.${step.name}`, kind: KIND.INTERNAL, attributes: {
        'airflow.task_id': step.name, 'airflow.dag_id': run.workflow, 'airflow.dag_run.run_id': run.runId, 'airflow.task_instance.state': word, 'airflow.task_instance.try_number': step.attempt ?? 1,
        // As Airflow writes them ('2024-11-30 14:01:22.216965+00:00'); its task span starts when the task is queued.
        ...(step.queueMs !== undefined && { 'airflow.task.queued_dttm': airflowTime(step.startMs), 'airflow.task.start_date': airflowTime(step.startMs + step.queueMs) }),
      } }];
    case 'n8n':
      return [{ name: 'node.execute', kind: KIND.INTERNAL, attributes: { 'n8n.node.name': step.name, 'n8n.node.type': 'n8n-nodes-base.code' } }];
    case 'argo':
      return [{ name: 'node', kind: KIND.INTERNAL, attributes: { node_id: `${run.workflow}-${step.id.slice(0, 10)}`, display_name: step.name, node_type: 'Pod' } }];
    case 'jenkins':
      return [{ name: `Stage: ${step.name}`, kind: KIND.INTERNAL, attributes: { 'jenkins.pipeline.step.name': step.name } }];
    case 'github-actions':
    case 'cicd':
      return [{ name: step.name, kind: KIND.INTERNAL, attributes: { 'cicd.pipeline.task.name': step.name, 'cicd.pipeline.task.run.id': step.id, 'cicd.pipeline.task.run.result': word } }];
    case 'generic':
      return [{ name: step.name, kind: KIND.INTERNAL, attributes: {} }];
  }
}

function airflowTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '+00:00');
}

function argoSuffix(runId: string): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const digest = createHash('sha256').update(runId).digest();
  return Array.from(digest.subarray(0, 5), (byte) => alphabet[byte % alphabet.length]).join('');
}

interface ErrorParts {
  status?: { code: number; message: string };
  events?: { name: string; attrs: Attributes }[];
}

function errorParts(status: RunStatus, type: string | undefined, message: string | undefined): ErrorParts {
  if (!failed(status)) return {};
  return {
    status: { code: ERROR, message: message ?? 'failed' },
    ...(message && { events: [{ name: 'exception', attrs: { 'exception.type': type ?? 'Error', 'exception.message': message } }] }),
  };
}

function span(
  traceId: string,
  seed: string,
  parentSpanId: string | undefined,
  plan: SpanPlan,
  startMs: number,
  endMs: number,
  extra: Attributes,
  error: ErrorParts,
): JsonSpan {
  return {
    traceId,
    spanId: idFrom(seed, 16),
    ...(parentSpanId && { parentSpanId }),
    name: plan.name,
    kind: plan.kind,
    startTimeUnixNano: nanos(startMs),
    endTimeUnixNano: nanos(endMs),
    attributes: toKeyValues({ ...extra, ...plan.attributes }),
    ...(error.status && { status: error.status }),
    ...(error.events && {
      events: error.events.map((e) => ({ name: e.name, timeUnixNano: nanos(endMs), attributes: toKeyValues(e.attrs) })),
    }),
  };
}

/** The spans of one run as the runner emits them. */
export function spansOfRun(run: RunRecord): JsonSpan[] {
  const traceId = idFrom(`trace:${run.id}`, 32);
  const runAttributes = Object.fromEntries(Object.entries(run.attributes).filter(([key]) => RUN_KEYS.has(key)));
  const stepErrors = run.steps.some((s) => failed(s.status));
  const root = span(traceId, `run:${run.id}`, undefined, runSpanPlan(run), run.startMs, run.endMs, runAttributes,
    errorParts(run.status, stepErrors ? undefined : run.errorType, stepErrors ? run.errorMessage : run.errorMessage));
  // A run still going has sent only its finished steps: its run span comes when it ends.
  const spans = run.status === 'running' ? [] : [root];
  for (const step of run.steps) {
    let parent = root.spanId;
    const plans = stepSpanPlans(run, step);
    plans.forEach((plan, i) => {
      const isInner = i === plans.length - 1;
      const s = span(traceId, `step:${run.id}:${step.id}:${i}`, parent, plan, step.startMs, step.endMs, isInner ? step.attributes : {},
        errorParts(step.status, isInner ? step.errorType : undefined, isInner ? step.errorMessage : step.errorMessage));
      spans.push(s);
      parent = s.spanId;
    });
    for (const [i, d] of step.downstream.entries()) {
      const attributes: Attributes = d.kind === 'db' ? { 'db.system': d.name } : { 'server.address': d.name, 'http.request.method': 'POST', 'url.full': `https://${d.name}/api` };
      // Calls begin once a worker took the step.
      const workStartMs = step.startMs + (step.queueWithin ? step.queueMs ?? 0 : 0);
      for (let call = 0; call < d.calls; call++) {
        const callMs = d.durationMs / Math.max(1, d.calls);
        const start = workStartMs + call * callMs;
        spans.push(span(traceId, `call:${run.id}:${step.id}:${i}:${call}`, parent, { name: d.kind === 'db' ? 'query' : 'POST', kind: KIND.CLIENT, attributes }, start, start + callMs, {},
          call < d.errors ? { status: { code: ERROR, message: step.errorMessage ?? `${d.name} did not answer in time` } } : {}));
      }
    }
  }
  return spans;
}

/** One OTLP/JSON ExportTraceServiceRequest for a group of runs of one service. */
export function traceRequest(runs: readonly RunRecord[]): string {
  const byResource = new Map<string, { resource: Attributes; spans: JsonSpan[] }>();
  for (const run of runs) {
    const resource = Object.fromEntries(Object.entries(run.attributes).filter(([key]) => !RUN_KEYS.has(key)));
    const key = JSON.stringify(resource);
    const group = byResource.get(key) ?? { resource, spans: [] };
    group.spans.push(...spansOfRun(run));
    byResource.set(key, group);
  }
  return JSON.stringify({
    resourceSpans: [...byResource.values()].map(({ resource, spans }) => ({
      resource: { attributes: toKeyValues(resource) },
      scopeSpans: [{ scope: { name: 'flowlens-demo' }, spans }],
    })),
  });
}

/** Log records a runner writes while a run goes: a line per step, and its error if it fails. */
export function logRequest(runs: readonly RunRecord[]): string {
  const records = runs.flatMap((run) => {
    const traceId = idFrom(`trace:${run.id}`, 32);
    return run.steps.flatMap((step) => {
      const plans = stepSpanPlans(run, step);
      const spanId = idFrom(`step:${run.id}:${step.id}:${plans.length - 1}`, 16);
      const line = (ms: number, severityNumber: number, severityText: string, body: string) => ({
        timeUnixNano: nanos(ms), severityNumber, severityText, body: { stringValue: body }, traceId, spanId,
      });
      const out = [line(step.startMs, 9, 'INFO', `Starting step ${step.name} of ${run.workflow} run ${run.runId}`)];
      if (step.errorMessage) out.push(line(step.endMs, 17, 'ERROR', step.errorMessage));
      else out.push(line(step.endMs, 9, 'INFO', `Step ${step.name} finished in ${Math.round(step.durationMs)} ms`));
      return out;
    });
  });
  return JSON.stringify({ resourceLogs: [{ resource: { attributes: toKeyValues({ 'service.name': 'flowlens-demo' }) }, scopeLogs: [{ scope: { name: 'flowlens-demo' }, logRecords: records }] }] });
}
