/**
 * Spans with impossible times, over OTLP/HTTP (JSON and protobuf) and OTLP/gRPC: a span without a start time is
 * rejected, since it cannot be placed in time; one whose end is missing, before its start or a maximum value (the
 * year 2554) is kept, ending at its start. The answer says so as a partial success: the rejected span counted, the
 * changed ones in a warning. Made-up end times stay out of the senders' clock figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { exportTraces, nanos, spanIdOf, traceIdOf, traceRequest, TRANSPORTS, type ExportAnswer, type Transport } from './otlp-requests.js';

const MIN = 60_000;
const OK = { 'http/json': 200, 'http/protobuf': 200, grpc: 0 };
const START_PROBLEM = 'missing or zero (a span must say when it started)';
const ADJUSTED =
  'warning: 3 spans adjusted: end time before the start time, set to the start time; end time missing, set to the start time; ' +
  'end time past the year 2262, set to the start time';

const label = (transport: Transport) => transport.replace('http/', '');

describe('spans with impossible times', () => {
  let agent: TestAgent;
  const now = Date.now();
  const startMs = now - 10 * MIN;
  const answers = new Map<Transport, ExportAnswer>();
  const warnedOnly = new Map<Transport, ExportAnswer>();
  const range = `from=${new Date(now - 60 * MIN).toISOString()}&to=${new Date(now + 60 * MIN).toISOString()}`;

  beforeAll(async () => {
    agent = await startTestAgent();
    let id = 0;
    const root = (name: string, times: object) => ({ traceId: traceIdOf(++id), spanId: spanIdOf(id), name, ...times });
    for (const transport of TRANSPORTS) {
      const t = label(transport);
      const start = { startTimeUnixNano: nanos(startMs) };
      const sane = { resource: { 'service.name': 'times', 'host.name': `good-${t}` }, spans: [root(`${t} sane`, { ...start, endTimeUnixNano: nanos(now - 1_000) })] };
      const odd = {
        resource: { 'service.name': 'times', 'host.name': `odd-${t}` },
        spans: [
          root(`${t} end before start`, { ...start, endTimeUnixNano: nanos(startMs - 10 * MIN) }),
          root(`${t} no end`, start),
          root(`${t} end 2554`, { ...start, endTimeUnixNano: '18446744073709551615' }),
          root(`${t} no start`, { endTimeUnixNano: nanos(now - 1_000) }),
        ],
      };
      answers.set(transport, await exportTraces(agent, transport, traceRequest(sane, odd)));
      const alone = { resource: { 'service.name': 'times', 'host.name': `odd-${t}` }, spans: [root(`${t} alone without end`, start)] };
      warnedOnly.set(transport, await exportTraces(agent, transport, traceRequest(alone)));
    }
  });
  afterAll(() => agent.close());

  it('rejects the span without a start time and warns of the ends it set, as a partial success', () => {
    for (const transport of TRANSPORTS) {
      const startReason = transport === 'http/json' ? `resourceSpans[1].scopeSpans[0].spans[3].startTimeUnixNano: ${START_PROBLEM}` : `start_time_unix_nano ${START_PROBLEM}`;
      expect(answers.get(transport), transport).toEqual({ status: OK[transport], partial: { rejected: 1, errorMessage: `1 span rejected: ${startReason}; ${ADJUSTED}` } });
    }
  });

  it('answers a request whose spans were all kept, some changed, with a warning and nothing rejected', () => {
    for (const transport of TRANSPORTS) {
      expect(warnedOnly.get(transport), transport).toEqual({
        status: OK[transport],
        partial: { rejected: 0, errorMessage: 'warning: 1 span adjusted: end time missing, set to the start time' },
      });
    }
  });

  it('stores the changed spans as runs ending when they started, and nothing of the span without a start', async () => {
    const workflows = (await agent.get(`/api/v1/workflows?${range}`)).body.items.map((w: { name: string }) => w.name);
    for (const transport of TRANSPORTS) {
      const t = label(transport);
      expect(workflows).not.toContain(`${t} no start`);
      for (const name of [`${t} end before start`, `${t} no end`, `${t} end 2554`, `${t} alone without end`]) {
        const runs = (await agent.get(`/api/v1/workflows/${encodeURIComponent(name)}/runs?${range}`)).body.items;
        expect(runs.map((r: { startTime: string; endTime: string }) => [r.startTime, r.endTime]), name).toEqual([
          [new Date(startMs).toISOString(), new Date(startMs).toISOString()],
        ]);
      }
    }
  });

  it('leaves made-up end times out of the senders: only the senders of sane spans are measured', async () => {
    const senders = (await agent.get('/api/v1/senders')).body.items as { host: string; lagSeconds: number }[];
    expect(senders.map((s) => s.host).sort()).toEqual(TRANSPORTS.map((transport) => `good-${label(transport)}`).sort());
    for (const sender of senders) {
      expect(sender.lagSeconds).toBeGreaterThanOrEqual(1);
      expect(sender.lagSeconds).toBeLessThan(60);
    }
  });
});
