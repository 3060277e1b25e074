import { bench, describe } from 'vitest';
import type { OtlpSpan } from '../../src/model/otlp.js';
import { modelTrace } from '../../src/normalise/index.js';
import { span } from './helpers.js';

/** 1,000 ten-span traces of each shape, each modelled once with all its spans: throughput in spans per call. */
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

function temporalTrace(t: number): OtlpSpan[] {
  const trace = hex(t, 32);
  const resource = { 'service.name': 'worker' };
  const spans = [span({ id: '1', trace, name: 'RunWorkflow:Order', kind: 2, start: 0, end: 900, resource, attributes: { temporalWorkflowID: `o-${t}`, temporalRunID: `r-${t}` } })];
  for (let a = 0; a < 3; a++) {
    const base = 2 + a * 3;
    spans.push(span({ id: hex(base, 1), parent: '1', trace, name: `StartActivity:Step${a}`, kind: 3, start: a * 300, end: a * 300 + 1, resource }));
    spans.push(span({ id: hex(base + 1, 1), parent: hex(base, 1), trace, name: `RunActivity:Step${a}`, kind: 2, start: a * 300 + 5, end: a * 300 + 250, resource }));
    spans.push(span({ id: hex(base + 2, 1), parent: hex(base + 1, 1), trace, name: 'GET', kind: 3, start: a * 300 + 10, end: a * 300 + 200, resource, attributes: { 'http.request.method': 'GET', 'server.address': 'api' } }));
  }
  return spans;
}

function jenkinsTrace(t: number): OtlpSpan[] {
  const trace = hex(t, 32);
  const spans = [
    span({ id: '1', trace, name: 'BUILD app', kind: 2, start: 0, end: 1_000, attributes: { 'ci.pipeline.id': 'app', 'ci.pipeline.run.number': t, 'ci.pipeline.run.result': 'SUCCESS' } }),
    span({ id: '2', parent: '1', trace, name: 'Phase: Run', start: 0, end: 1_000 }),
  ];
  for (let s = 0; s < 4; s++) {
    spans.push(span({ id: hex(3 + 2 * s, 1), parent: '2', trace, name: `Stage: s${s}`, start: s * 200, end: s * 200 + 190 }));
    spans.push(span({ id: hex(4 + 2 * s, 1), parent: hex(3 + 2 * s, 1), trace, name: 'Shell Script', start: s * 200 + 1, end: s * 200 + 180, attributes: { 'jenkins.pipeline.step.type': 'sh' } }));
  }
  return spans;
}

const temporal = Array.from({ length: 1_000 }, (_, t) => temporalTrace(t));
const jenkins = Array.from({ length: 1_000 }, (_, t) => jenkinsTrace(t));

describe('modelTrace', () => {
  bench('Temporal, 1,000 traces × 10 spans', () => {
    for (const trace of temporal) modelTrace(trace);
  });
  bench('Jenkins, 1,000 traces × 10 spans', () => {
    for (const trace of jenkins) modelTrace(trace);
  });
});
