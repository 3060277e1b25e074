import { context, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { decodeTraceRequestJson } from '../../src/decode/trace/json.js';
import { decodeTraceRequestProto } from '../../src/decode/trace/protobuf.js';
import type { OtlpSpan, TraceBatch } from '../../src/model/otlp.js';
import { modelTrace } from '../../src/normalise/index.js';
import { describeRuns } from './helpers.js';

const T0 = 1_767_225_600_000;

/** Spans made by the real OpenTelemetry SDK as Temporal's TypeScript interceptors shape them. */
function emitTemporalTs(tracer: Tracer): void {
  const ids = { temporalWorkflowId: 'invoice-9', run_id: 'a1b2-c3d4' };
  const run = tracer.startSpan('RunWorkflow:InvoiceWorkflow', { kind: SpanKind.SERVER, startTime: T0, attributes: ids });
  const inRun = trace.setSpan(context.active(), run);
  const child = (name: string, kind: SpanKind, start: number, parent = inRun): Span =>
    tracer.startSpan(name, { kind, startTime: T0 + start, attributes: ids }, parent);

  const start = child('StartActivity:render', SpanKind.CLIENT, 10);
  start.end(T0 + 11);
  const attempt = child('RunActivity:render', SpanKind.SERVER, 15, trace.setSpan(context.active(), start));
  attempt.end(T0 + 40);

  const send = child('StartActivity:send', SpanKind.CLIENT, 50);
  send.end(T0 + 51);
  const sending = child('RunActivity:send', SpanKind.SERVER, 55, trace.setSpan(context.active(), send));
  const smtp = tracer.startSpan(
    'smtp send',
    { kind: SpanKind.CLIENT, startTime: T0 + 60, attributes: { 'server.address': 'smtp.example.com', 'server.port': 587 } },
    trace.setSpan(context.active(), sending),
  );
  smtp.setStatus({ code: SpanStatusCode.ERROR });
  smtp.end(T0 + 90);
  const error = new Error('550 mailbox unavailable');
  error.name = 'SmtpError';
  sending.recordException(error, T0 + 95);
  sending.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  sending.end(T0 + 95);

  run.recordException(new Error('Activity task failed'), T0 + 99);
  run.setStatus({ code: SpanStatusCode.ERROR });
  run.end(T0 + 100);
}

async function sdkSpans(emit: (tracer: Tracer) => void) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'invoice-worker' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  emit(provider.getTracer('@temporalio/interceptors-opentelemetry'));
  await provider.forceFlush();
  return exporter.getFinishedSpans();
}

const flatten = (batch: TraceBatch): OtlpSpan[] => batch.resourceSpans.flatMap((rs) => rs.scopes.flatMap((s) => s.spans));

describe('spans made by the OpenTelemetry SDK, through the OTLP encoders and the agent decoders', () => {
  it('model the same runs from OTLP/protobuf and OTLP/JSON', async () => {
    const spans = await sdkSpans(emitTemporalTs);
    const fromProto = modelTrace(flatten(decodeTraceRequestProto(ProtobufTraceSerializer.serializeRequest(spans)!)));
    const fromJson = modelTrace(flatten(decodeTraceRequestJson(Buffer.from(JsonTraceSerializer.serializeRequest(spans)!))));
    expect(describeRuns(fromProto)).toBe(
      [
        'run temporal "InvoiceWorkflow" #a1b2-c3d4 failure 100ms error=SmtpError: 550 mailbox unavailable',
        '  step "render" success 30ms queue=5ms attempt=1',
        '  step "send" failure 45ms queue=5ms attempt=1 error=SmtpError: 550 mailbox unavailable ->smtp.example.com:587(other 1x 1err 30ms)',
      ].join('\n'),
    );
    expect(fromJson).toEqual(fromProto);
  });
});
