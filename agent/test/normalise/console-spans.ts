import { runInNewContext } from 'node:vm';
import type { Attributes, OtlpSpan } from '../../src/model/otlp.js';

/**
 * Reads the JS SDK's ConsoleSpanExporter output (otel-cicd-action's recorded test output): JavaScript object
 * literals, one per span, not JSON.
 */
export function spansFromConsoleDump(dump: string): OtlpSpan[] {
  // The dump is object-literal syntax (unquoted keys, quotes, `undefined`, `+` joins): let a bare JS context read it.
  const literals = runInNewContext(`[${dump.replace(/^\}\s*\n\{/gm, '},{')}]`, {}) as ConsoleSpan[];
  return literals.map((s) => ({
    traceId: s.traceId,
    spanId: s.id,
    parentSpanId: s.parentSpanContext?.spanId ?? '',
    name: s.name,
    kind: s.kind + 1, // the JS API's SpanKind starts at INTERNAL = 0, OTLP's at UNSPECIFIED = 0
    startMs: s.timestamp / 1000,
    endMs: (s.timestamp + s.duration) / 1000,
    attributes: s.attributes,
    statusCode: s.status.code,
    statusMessage: s.status.message ?? '',
    events: [],
    resource: s.resource.attributes,
    scopeName: s.instrumentationScope.name,
  }));
}

interface ConsoleSpan {
  resource: { attributes: Attributes };
  instrumentationScope: { name: string };
  traceId: string;
  parentSpanContext?: { spanId: string };
  name: string;
  id: string;
  kind: number;
  timestamp: number;
  duration: number;
  attributes: Attributes;
  status: { code: number; message?: string };
}
