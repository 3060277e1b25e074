// Workflow-shaped OTLP/protobuf trace requests made by the real OpenTelemetry SDK and its serializer: CI/CD
// semantic-convention pipeline runs (run span, jobs, steps; ten spans a run), one request per runner resource.
// The SDK is far too slow to make a million spans while measuring, so a few templates are made once and each
// request is a copy with new trace ids, run ids and times written over the template's bytes (same length, so the
// protobuf stays valid): every request carries new traces and new runs, later than the previous request's, as
// from real runners.
import { createHash } from 'node:crypto';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

export const SPANS_PER_RUN = 10;
export const WORKFLOWS = 1000;
const JOBS = [
  { name: 'build', steps: ['checkout', 'npm ci'] },
  { name: 'test', steps: ['npm test', 'upload coverage'] },
  { name: 'deploy', steps: ['helm upgrade', 'smoke test'] },
];
const HOUR_MS = 3_600_000;
/** Runs start this far apart, in the order they are sent: 100,000 runs (1M spans) fill the 20 hours before now. */
const RUN_GAP_MS = 720;

/**
 * `templates` requests of `runsPerRequest` runs; together they cover every workflow name once per `WORKFLOWS` runs.
 * Run n (counting across copies) starts `n × RUN_GAP_MS` after 20 hours before `nowMs`.
 */
export async function makeTemplates({ templates, runsPerRequest, nowMs }) {
  const out = [];
  for (let t = 0; t < templates; t++) out.push(await makeTemplate(t, runsPerRequest, nowMs - 20 * HOUR_MS));
  // A copy's times move on by the span of runs all templates together cover.
  for (const template of out) template.copyShiftNs = BigInt(templates * runsPerRequest * RUN_GAP_MS) * 1_000_000n;
  return out;
}

async function makeTemplate(t, runs, firstStartMs) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'ci-runner',
      'service.version': '2.14.1',
      'host.name': `runner-${t}.ci.internal`,
      'os.type': 'linux',
      'cicd.worker.name': `runner-${t}`,
      'telemetry.sdk.language': 'nodejs',
    }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('ci-tracer', '1.0.0');
  const runIds = [];
  for (let j = 0; j < runs; j++) {
    const n = t * runs + j;
    // Run ids: 8 hex digits rewritten per copy, 8 per salt, then 8 that keep runs of one template apart.
    const runId = `0000000000000000${n.toString(16).padStart(8, '0')}`;
    runIds.push(runId);
    emitRun(tracer, { workflow: `pipeline-${n % WORKFLOWS}`, runId, startMs: firstStartMs + n * RUN_GAP_MS, failing: n % 20 === 7 });
  }
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  const bytes = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans));
  await provider.shutdown();
  const traceIds = [...new Set(spans.map((s) => s.spanContext().traceId))];
  const times = new Set(spans.flatMap((s) => [s.startTime, s.endTime, ...s.events.map((e) => e.time)]).map(([sec, ns]) => BigInt(sec) * 1_000_000_000n + BigInt(ns)));
  return {
    bytes,
    spans: spans.length,
    timeSites: [...times].flatMap((ns) => sitesOf(bytes, fixed64(ns)).map((site) => ({ site, ns }))),
    traceIdSites: traceIds.flatMap((id) => sitesOf(bytes, Buffer.from(id, 'hex'))),
    runIdSites: runIds.flatMap((id) => sitesOf(bytes, Buffer.from(id, 'latin1'))),
  };
}

function emitRun(tracer, { workflow, runId, startMs, failing }) {
  const root = tracer.startSpan(`run ${workflow}`, {
    kind: SpanKind.SERVER,
    startTime: startMs,
    attributes: {
      'cicd.pipeline.name': workflow,
      'cicd.pipeline.run.id': runId,
      'cicd.pipeline.action.name': 'run',
      'cicd.pipeline.result': failing ? 'failure' : 'success',
      'vcs.repository.url.full': `https://git.example.com/acme/${workflow}`,
      'vcs.ref.head.name': 'main',
      'vcs.ref.head.revision': createHash('sha1').update(workflow).digest('hex'),
      'cicd.pipeline.run.url.full': `https://ci.example.com/${workflow}/runs/${runId}`,
    },
  });
  const rootContext = trace.setSpan(context.active(), root);
  let at = startMs + 2_000;
  JOBS.forEach((job, jobIndex) => {
    const jobFails = failing && jobIndex === 1;
    const jobSpan = tracer.startSpan(
      job.name,
      {
        kind: SpanKind.INTERNAL,
        startTime: at,
        attributes: {
          'cicd.pipeline.task.name': job.name,
          'cicd.pipeline.task.run.id': `${runId}-${jobIndex}`,
          'cicd.pipeline.task.type': jobIndex === 2 ? 'deploy' : jobIndex === 1 ? 'test' : 'build',
          'cicd.pipeline.task.run.result': jobFails ? 'failure' : 'success',
          'cicd.worker.id': `worker-${jobIndex}`,
        },
      },
      rootContext,
    );
    const jobContext = trace.setSpan(context.active(), jobSpan);
    for (const [stepIndex, step] of job.steps.entries()) {
      const stepStart = at + 500;
      at = stepStart + 20_000 + ((runId.charCodeAt(15) * (stepIndex + 3)) % 40) * 1_000;
      const stepSpan = tracer.startSpan(step, { kind: SpanKind.INTERNAL, startTime: stepStart, attributes: { 'process.command_line': `sh -c "${step}"`, 'process.exit.code': 0 } }, jobContext);
      if (jobFails && stepIndex === 0) {
        stepSpan.setAttribute('process.exit.code', 1);
        stepSpan.recordException({ name: 'AssertionError', message: `expected 200, got 503 in ${workflow} integration suite`, stack: 'AssertionError: expected 200\n    at test/api.test.js:42:7' }, at);
        stepSpan.setStatus({ code: SpanStatusCode.ERROR, message: 'exit code 1' });
      }
      stepSpan.end(at);
    }
    if (jobFails) jobSpan.setStatus({ code: SpanStatusCode.ERROR, message: 'step npm test failed' });
    jobSpan.end(at + 200);
  });
  root.end(at + 1_000);
}

function fixed64(ns) {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(ns);
  return bytes;
}

function sitesOf(haystack, needle) {
  const sites = [];
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) sites.push(at);
  if (sites.length === 0) throw new Error('an id of the template was not found in its serialised bytes');
  return sites;
}

/**
 * Request number `k` (0, 1, 2, …): a copy of template `k mod templates.length` whose trace ids and run ids
 * carry copy number `⌊k / templates.length⌋`, so no two requests share a trace or a run, and whose times are
 * moved on by that many copies. A `salt` (32 bits) sets the ids of one sender apart from another's.
 */
export function requestBytes(templates, k, salt) {
  const template = templates[k % templates.length];
  const copy = Math.floor(k / templates.length);
  const bytes = Buffer.from(template.bytes);
  for (const site of template.traceIdSites) {
    bytes.writeUInt32BE(copy, site);
    // Without a salt the rest of the id stays as the SDK made it, random.
    if (salt !== undefined) bytes.writeUInt32BE(salt, site + 4);
  }
  const hex = copy.toString(16).padStart(8, '0');
  const saltHex = (salt ?? 0).toString(16).padStart(8, '0');
  for (const site of template.runIdSites) {
    bytes.write(hex, site, 'latin1');
    bytes.write(saltHex, site + 8, 'latin1');
  }
  const shift = BigInt(copy) * template.copyShiftNs;
  for (const { site, ns } of template.timeSites) bytes.writeBigUInt64LE(ns + shift, site);
  return bytes;
}

/** Request bodies for a load generator: `requestBytes` numbered on from 0, with their span counts. */
export function requestStream(templates, salt) {
  let k = 0;
  return () => {
    const template = templates[k % templates.length];
    return { bytes: requestBytes(templates, k++, salt), items: template.spans };
  };
}

/**
 * One pipeline run of `spans` spans (a run span and its jobs), each span its own request, sent as the spans end:
 * what a runner exporting every span as it finishes sends for a long workflow.
 */
export async function longTraceRequests(spans, startMs, perRequest, runId = 'long-1') {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'ci-runner', 'host.name': 'runner-long.ci.internal' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('ci-tracer', '1.0.0');
  const root = tracer.startSpan('run long-pipeline', {
    kind: SpanKind.SERVER,
    startTime: startMs,
    attributes: { 'cicd.pipeline.name': 'long-pipeline', 'cicd.pipeline.run.id': runId, 'cicd.pipeline.result': 'success' },
  });
  const rootContext = trace.setSpan(context.active(), root);
  for (let i = 1; i < spans; i++) {
    const start = startMs + i * 1_000;
    const job = tracer.startSpan(`job ${i}`, { startTime: start, attributes: { 'cicd.pipeline.task.name': `job ${i}`, 'cicd.pipeline.task.run.result': 'success' } }, rootContext);
    job.end(start + 900);
  }
  root.end(startMs + spans * 1_000);
  await provider.forceFlush();
  const finished = exporter.getFinishedSpans();
  const requests = [];
  for (let i = 0; i < finished.length; i += perRequest) requests.push(Buffer.from(ProtobufTraceSerializer.serializeRequest(finished.slice(i, i + perRequest))));
  await provider.shutdown();
  return requests;
}
