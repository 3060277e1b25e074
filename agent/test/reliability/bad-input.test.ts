/**
 * Bad input against the whole running agent (receiver, decoder, write queue, store, API): each input is answered
 * as the OTLP spec says, nothing bad reaches the store, and afterwards the agent still takes a valid request and
 * shows its run. The receiver's own unit tests are in test/receive/; this battery checks the same list end to end.
 */
import { MAX_VALUE_CHARS } from '../../src/decode/common/limits.js';
import { gzipSync } from 'node:zlib';
import { Client, credentials, Metadata, status as grpcStatus, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceRequest } from '../../src/demo/runner-spans.js';
import { RetentionJob } from '../../src/service/retention.js';
import { createLogger } from '../../src/runtime/logger.js';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { JSON_TYPE, PROTOBUF, send, type HttpAnswer } from '../receive/http-helpers.js';
import { decodeExportResponse, decodeStatus } from '../receive/rpc-status.js';
import { listedRunIds, makeRuns, protobufOf, rangeQuery } from './support.js';

const LIMIT = 8 << 20;
const now = Date.now();
const START = now - 3 * 3_600_000;
const RANGE = rangeQuery(now - 86_400_000, now + 86_400_000);
const EVER = rangeQuery(0, Date.parse('3001-01-01T00:00:00Z'));
const GZIP = { 'Content-Encoding': 'gzip' };

let agent: TestAgent;
let port: number;
let tried = 0;

beforeAll(async () => {
  agent = await startTestAgent({ otlp: { http: '127.0.0.1:0', grpc: '127.0.0.1:0', maxBodySize: LIMIT } });
  port = Number(new URL(agent.otlpHttpUrl!).port);
});
afterAll(async () => {
  console.log(`bad input: ${tried} inputs tried against the running agent`);
  await agent?.close();
});

/** Sends one input, counting it. */
function post(body: Buffer | undefined, headers: Record<string, string>, options: { method?: string; path?: string } = {}): Promise<HttpAnswer> {
  tried++;
  return send(port, options.path ?? '/v1/traces', body, headers, { method: options.method });
}

/** A valid OTLP/JSON request object for runs of `workflow`, to be spoilt by a test. */
function requestOf(workflow: string, prefix: string, count = 1, startMs = START): any {
  return JSON.parse(traceRequest(makeRuns(workflow, prefix, 0, count, startMs)));
}

const jsonBody = (request: unknown) => Buffer.from(JSON.stringify(request));
const rootSpan = (request: any) => request.resourceSpans[0].scopeSpans[0].spans[0];
const jsonStatus = (answer: HttpAnswer) => JSON.parse(answer.body.toString());

/** The error reply: a google.rpc.Status in the request's encoding, with the given code and a message naming the problem. */
function expectStatus(answer: HttpAnswer, http: number, encoding: 'protobuf' | 'json', grpcCode: number, message: RegExp): void {
  expect(answer.status).toBe(http);
  const status = encoding === 'protobuf' ? decodeStatus(answer.body) : jsonStatus(answer);
  expect(status.code).toBe(grpcCode);
  expect(status.message).toMatch(message);
}

const TRACE_EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/** One raw gRPC Export call (bytes in, bytes out), counting it; resolves to the error status or OK. */
function grpcExport(client: Client, request: Buffer): Promise<{ code: number; details: string }> {
  tried++;
  return new Promise((resolve) => {
    client.makeUnaryRequest(TRACE_EXPORT, (b: Buffer) => b, (b: Buffer) => b, request, new Metadata(), (error: ServiceError | null) =>
      resolve(error ? { code: error.code, details: error.details } : { code: grpcStatus.OK, details: '' }),
    );
  });
}

async function workflowsEver(): Promise<string[]> {
  return (await agent.get(`/api/v1/workflows?${EVER}`)).body.items.map((w: { name: string }) => w.name);
}

describe('bad input against the running agent', () => {
  const valid = () => protobufOf(traceRequest(makeRuns('bad-input-probe', 'p', 0, 1, START)));

  it('refuses undecodable protobuf and JSON (traces and logs) with 400 and other paths with 404, each naming the problem', async () => {
    expectStatus(await post(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), PROTOBUF), 400, 'protobuf', 3, /./);
    const whole = valid();
    expectStatus(await post(whole.subarray(0, whole.length - 7), PROTOBUF), 400, 'protobuf', 3, /truncat|end|length/i);
    expectStatus(await post(Buffer.from('{"resourceSpans": ['), JSON_TYPE), 400, 'json', 3, /JSON|json|Unexpected/);
    expectStatus(await post(Buffer.from('1234'), JSON_TYPE), 400, 'json', 3, /object/);
    expectStatus(await post(Buffer.from('{"resourceSpans": "x"}'), JSON_TYPE), 400, 'json', 3, /resourceSpans/);
    expectStatus(await post(Buffer.from('[]'), JSON_TYPE), 400, 'json', 3, /object/);
    // Usable at the top, wrong below: that group is dropped as a partial success naming where.
    const shaped = await post(Buffer.from('{"resourceLogs": [{"scopeLogs": 7}]}'), JSON_TYPE, { path: '/v1/logs' });
    expect(shaped.status).toBe(200);
    expect(jsonStatus(shaped).partialSuccess.errorMessage).toBe('1 log record rejected: resourceLogs[0].scopeLogs: expected an array');
    expectStatus(await post(Buffer.from([0xff, 0xff]), PROTOBUF, { path: '/v1/logs' }), 400, 'protobuf', 3, /./);
    expectStatus(await post(valid(), PROTOBUF, { path: '/v1/metrics' }), 404, 'protobuf', 5, /use \/v1\/traces or \/v1\/logs/);
    expect(await workflowsEver()).toEqual([]);
  });

  it('refuses missing or unsupported content types with 415, and other methods with 405', async () => {
    const body = valid();
    expectStatus(await post(body, {}), 415, 'json', 3, /supported: \[application\/json, application\/x-protobuf\]/);
    expectStatus(await post(body, { 'Content-Type': 'text/plain' }), 415, 'json', 3, /unsupported media type "text\/plain"/);
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
      const answer = await post(method === 'GET' ? undefined : body, PROTOBUF, { method });
      expectStatus(answer, 405, 'protobuf', 12, new RegExp(`method ${method} not allowed`));
      expect(answer.headers.allow).toBe('POST');
    }
    expect(await workflowsEver()).toEqual([]);
  });

  it('refuses bad encodings: gzip header on a plain body, truncated gzip (400), unknown encodings (415)', async () => {
    const body = valid();
    expectStatus(await post(body, { ...PROTOBUF, ...GZIP }), 400, 'protobuf', 3, /^gzip: /);
    const zipped = gzipSync(body);
    expectStatus(await post(zipped.subarray(0, zipped.length - 10), { ...PROTOBUF, ...GZIP }), 400, 'protobuf', 3, /^gzip: /);
    for (const encoding of ['br', 'snappy', 'lz4']) {
      expectStatus(await post(body, { ...PROTOBUF, 'Content-Encoding': encoding }), 415, 'protobuf', 3, new RegExp(`unsupported Content-Encoding "${encoding}"`));
    }
    expect(await workflowsEver()).toEqual([]);
  });

  it('limits the body before and after decompression: at the limit 200, one byte over and a gzip bomb 413', async () => {
    const request = jsonBody(requestOf('at-limit', 'l'));
    const atLimit = Buffer.concat([request, Buffer.alloc(LIMIT - request.length, ' ')]);
    expect((await post(atLimit, JSON_TYPE)).status).toBe(200);
    expectStatus(await post(Buffer.concat([atLimit, Buffer.from(' ')]), JSON_TYPE), 413, 'json', 8, new RegExp(`limit of ${LIMIT} bytes`));
    const bomb = gzipSync(Buffer.alloc(256 << 20), { level: 9 });
    expect(bomb.length).toBeLessThan(LIMIT);
    expectStatus(await post(bomb, { ...PROTOBUF, ...GZIP }), 413, 'protobuf', 8, new RegExp(`limit of ${LIMIT} bytes`));
    expect(await listedRunIds(agent.apiUrl, 'at-limit', RANGE)).toEqual(['l-0']);
  });

  it('refuses AnyValue nested 1000 deep at its depth limit: only the span holding it, in JSON and in protobuf', async () => {
    let deep: any = { stringValue: 'leaf' };
    for (let i = 0; i < 1000; i++) deep = { kvlistValue: { values: [{ key: `k${i}`, value: deep }] } };
    const spoilt = (workflow: string, prefix: string) => {
      const request = requestOf(workflow, prefix, 2);
      rootSpan(request).attributes.push({ key: 'deep', value: deep });
      return request;
    };
    const json = await post(jsonBody(spoilt('deeply-nested-json', 'n')), JSON_TYPE);
    expect(json.status).toBe(200);
    const partial = jsonStatus(json).partialSuccess;
    expect(partial.rejectedSpans).toBe('1');
    expect(partial.errorMessage).toMatch(/^1 span rejected: resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.attributes\[\d+\]\.value\.kvlistValue.*AnyValue nested deeper than 32 levels$/);
    const protobuf = await post(protobufOf(spoilt('deeply-nested-protobuf', 'm')), PROTOBUF);
    expect(protobuf.status).toBe(200);
    expect(decodeExportResponse('traces', protobuf.body)).toEqual({
      rejected: 1,
      errorMessage: expect.stringMatching(/^1 span rejected: AnyValue nested deeper than 32 levels at offset \d+$/),
    });
    // The other run of each request is stored; the first lost its run span (a trace without a root gives no run).
    expect(await listedRunIds(agent.apiUrl, 'deeply-nested-json', RANGE)).toEqual(['n-1']);
    expect(await listedRunIds(agent.apiUrl, 'deeply-nested-protobuf', RANGE)).toEqual(['m-1']);
  });

  it('stores a run whose span carries a 5 MB attribute value, the value cut to the length limit', async () => {
    const request = requestOf('huge-attribute', 'h');
    const huge = 'x'.repeat(5 << 20);
    rootSpan(request).attributes.push({ key: 'huge', value: { stringValue: huge } });
    expect((await post(jsonBody(request), JSON_TYPE)).status).toBe(200);
    const runs = (await agent.get(`/api/v1/workflows/huge-attribute/runs?${RANGE}`)).body.items;
    expect(runs.map((r: { runId: string }) => r.runId)).toEqual(['h-0']);
    const run = (await agent.get(`/api/v1/runs/${encodeURIComponent(runs[0].id)}`)).body;
    expect(run.attributes.huge.startsWith('x'.repeat(MAX_VALUE_CHARS))).toBe(true);
    expect(run.attributes.huge).toMatch(/…\[truncated \d+ characters\]$/);
    expect(run.attributes.huge.length).toBeLessThan(MAX_VALUE_CHARS + 100);
  });

  it('cuts a 2 MB error message and attribute key to the length limit, over JSON and protobuf', async () => {
    const huge = 'y'.repeat(2 << 20);
    const cut = (text: string) => text.length < MAX_VALUE_CHARS + 100 && /…\[truncated \d+ characters\]$/.test(text);
    const requests = [['json', 'huge-message-json', 'j'], ['protobuf', 'huge-message-protobuf', 'p']] as const;
    for (const [encoding, workflow, prefix] of requests) {
      const request = requestOf(workflow, prefix);
      const root = rootSpan(request);
      root.status = { code: 2, message: huge };
      root.attributes.find((a: { key: string }) => a.key === 'cicd.pipeline.result').value = { stringValue: 'failure' };
      root.events = [{ name: huge, timeUnixNano: root.startTimeUnixNano }];
      root.attributes.push({ key: huge, value: { stringValue: 'v' } });
      const body = encoding === 'json' ? jsonBody(request) : protobufOf(request);
      expect((await post(body, encoding === 'json' ? JSON_TYPE : PROTOBUF)).status).toBe(200);
      const [listed] = (await agent.get(`/api/v1/workflows/${workflow}/runs?${RANGE}`)).body.items;
      const run = (await agent.get(`/api/v1/runs/${encodeURIComponent(listed.id)}`)).body;
      expect(cut(run.errorMessage), encoding).toBe(true);
      expect(Object.keys(run.attributes).filter((key) => key.startsWith('yyy')).map(cut), encoding).toEqual([true]);
    }
  });

  it('rejects spans with invalid trace or span ids as a partial success naming the reason, keeping the valid ones', async () => {
    const request = requestOf('bad-ids', 'b', 3);
    const spans = request.resourceSpans[0].scopeSpans[0].spans;
    const traceOf = (runId: string) => spans.find((s: any) => s.attributes.some((a: any) => a.key === 'cicd.pipeline.run.id' && a.value.stringValue === runId)).traceId;
    const [t1, t2] = [traceOf('b-1'), traceOf('b-2')];
    // Every span of run b-1 gets a malformed trace id; one step span of run b-2 a 2-byte span id.
    const spoiltTrace = spans.filter((s: any) => s.traceId === t1);
    for (const s of spoiltTrace) s.traceId = 'zz';
    spans.find((s: any) => s.traceId === t2 && s.parentSpanId).spanId = '0000';
    const answer = await post(jsonBody(request), JSON_TYPE);
    expect(answer.status).toBe(200);
    const partial = jsonStatus(answer).partialSuccess;
    expect(Number(partial.rejectedSpans)).toBe(spoiltTrace.length + 1);
    expect(partial.errorMessage).toMatch(/traceId: expected 32 hex characters/);
    expect(partial.errorMessage).toMatch(/spanId/);

    const protoRequest = requestOf('bad-ids-protobuf', 'q');
    rootSpan(protoRequest).traceId = '00000000000000000000000000000000';
    const protoAnswer = await post(protobufOf(protoRequest), PROTOBUF);
    expect(protoAnswer.status).toBe(200);
    expect(decodeExportResponse('traces', protoAnswer.body)?.errorMessage).toMatch(/trace_id is missing or all zero/);
    expect((await listedRunIds(agent.apiUrl, 'bad-ids', RANGE)).sort()).toEqual(['b-0', 'b-2']);
  });

  it('accepts and stores runs from 1970 and from year 3000 without breaking retention or the default range', async () => {
    const Y3000 = Date.parse('3000-01-01T00:00:00Z');
    const epoch = requestOf('from-1970', 'e', 1, 1_000);
    // 3000 is past uint64 nanoseconds' reach in protobuf (year 2554), but OTLP/JSON's decimal strings can carry it.
    const future = requestOf('from-3000', 'f', 1, Y3000);
    expect(rootSpan(future).startTimeUnixNano).toBe(`${Y3000}000000`);
    const current = requestOf('current', 'c', 1, now - 3_600_000);
    for (const request of [epoch, future, current]) expect((await post(jsonBody(request), JSON_TYPE)).status).toBe(200);
    expect(await listedRunIds(agent.apiUrl, 'from-1970', rangeQuery(0, 86_400_000))).toEqual(['e-0']);
    const farRange = rangeQuery(Y3000 - 86_400_000, Y3000 + 86_400_000);
    expect(await listedRunIds(agent.apiUrl, 'from-3000', farRange)).toEqual(['f-0']);

    // The API's default range (the last 24 hours) shows current data only.
    const byDefault = await agent.get('/api/v1/workflows');
    expect(byDefault.status).toBe(200);
    expect(byDefault.body.items.map((w: { name: string }) => w.name)).toContain('current');
    expect(byDefault.body.items.map((w: { name: string }) => w.name)).not.toContain('from-3000');

    // Retention: the cutoff follows the newest event clamped to now, so the year-3000 run cannot wipe current data.
    const deleted = await new RetentionJob(agent.store, 14 * 86_400_000, createLogger('error')).runOnce();
    expect(deleted).toBeGreaterThan(0);
    expect(await workflowsEver()).not.toContain('from-1970');
    expect(await listedRunIds(agent.apiUrl, 'current', RANGE)).toEqual(['c-0']);
    expect(await listedRunIds(agent.apiUrl, 'from-3000', farRange)).toEqual(['f-0']);
  });

  it('ignores unknown fields in JSON and protobuf', async () => {
    const request = requestOf('unknown-fields', 'u');
    request.someFutureField = { nested: [1, 2] };
    request.resourceSpans[0].futureResourceField = 'x';
    rootSpan(request).futureSpanField = 42;
    expect((await post(jsonBody(request), JSON_TYPE)).status).toBe(200);
    const proto = protobufOf(traceRequest(makeRuns('unknown-fields', 'u', 1, 1, START)));
    // Field 99, length-delimited, three bytes: unknown to every OTLP version so far.
    expect((await post(Buffer.concat([proto, Buffer.from([0x9a, 0x06, 3, 1, 2, 3])]), PROTOBUF)).status).toBe(200);
    expect((await listedRunIds(agent.apiUrl, 'unknown-fields', RANGE)).sort()).toEqual(['u-0', 'u-1']);
  });

  it('answers 200 to empty requests in both encodings', async () => {
    for (const [body, type] of [[Buffer.alloc(0), PROTOBUF], [Buffer.alloc(0), JSON_TYPE], [Buffer.from('{}'), JSON_TYPE], [Buffer.from('{"resourceSpans":[]}'), JSON_TYPE]] as const) {
      const answer = await post(body, type);
      expect(answer.status).toBe(200);
    }
  });

  it('stores duplicate spans, within a request and across re-sends, once', async () => {
    const request = requestOf('duplicates', 'd', 2);
    const spans = request.resourceSpans[0].scopeSpans[0].spans;
    request.resourceSpans[0].scopeSpans[0].spans = [...spans, ...spans];
    for (let i = 0; i < 3; i++) {
      const answer = await post(jsonBody(request), JSON_TYPE);
      expect(answer.status).toBe(200);
      // Copies are what at-least-once gives: nothing to warn of.
      expect(jsonStatus(answer)).toEqual({});
    }
    expect((await post(protobufOf(request), PROTOBUF)).status).toBe(200);
    const runs = (await agent.get(`/api/v1/workflows/duplicates/runs?${RANGE}`)).body.items;
    expect(runs.map((r: { runId: string }) => r.runId).sort()).toEqual(['d-0', 'd-1']);
    for (const run of runs) expect((await agent.get(`/api/v1/runs/${encodeURIComponent(run.id)}`)).body.steps.map((s: { name: string }) => s.name)).toEqual(['build', 'test']);
    expect((await agent.get(`/api/v1/workflows?${RANGE}`)).body.items.find((w: { name: string }) => w.name === 'duplicates').runs).toBe(2);
  });

  it('keeps a span as first received when it comes again with other content, and warns its sender', async () => {
    const request = requestOf('versions', 'v');
    const root = rootSpan(request);
    expect((await post(jsonBody(request), JSON_TYPE)).status).toBe(200);
    // The same span (trace and span id) again, now ending later and failed: another version, not a copy.
    const again = requestOf('versions', 'v');
    Object.assign(rootSpan(again), { endTimeUnixNano: String(BigInt(root.endTimeUnixNano) + 60_000_000_000n), status: { code: 2, message: 'failed' } });
    const answer = await post(jsonBody({ resourceSpans: [{ ...again.resourceSpans[0], scopeSpans: [{ ...again.resourceSpans[0].scopeSpans[0], spans: [rootSpan(again)] }] }] }), JSON_TYPE);
    expect(answer.status).toBe(200);
    expect(jsonStatus(answer).partialSuccess).toEqual({
      rejectedSpans: '0',
      errorMessage: `warning: 1 span already stored with other content (name, times, status or parent) kept as first received: ${root.traceId}/${root.spanId}`,
    });
    const [run] = (await agent.get(`/api/v1/workflows/versions/runs?${RANGE}`)).body.items;
    expect(run.status).toBe('success');
  });

  it('answers bad gRPC messages with INVALID_ARGUMENT or RESOURCE_EXHAUSTED, and stores a valid one', async () => {
    const client = new Client(agent.otlpGrpcAddress!, credentials.createInsecure());
    try {
      const whole = valid();
      expect(await grpcExport(client, Buffer.from([0x0a, 0xff, 0xff, 0xff]))).toMatchObject({ code: grpcStatus.INVALID_ARGUMENT });
      expect(await grpcExport(client, whole.subarray(0, whole.length - 7))).toMatchObject({ code: grpcStatus.INVALID_ARGUMENT });
      // Field 15 (unknown, length-delimited, a 4-byte varint length) pads a valid message past the limit.
      const padding = LIMIT - whole.length;
      const over = Buffer.concat([whole, Buffer.from([(15 << 3) | 2, 0x80 | (padding & 0x7f), 0x80 | ((padding >> 7) & 0x7f), 0x80 | ((padding >> 14) & 0x7f), padding >> 21]), Buffer.alloc(padding)]);
      expect(over.length).toBeGreaterThan(LIMIT);
      expect(await grpcExport(client, over)).toMatchObject({ code: grpcStatus.RESOURCE_EXHAUSTED });
      expect(await grpcExport(client, Buffer.alloc(0))).toEqual({ code: grpcStatus.OK, details: '' });
      expect(await grpcExport(client, protobufOf(traceRequest(makeRuns('over-grpc', 'g', 0, 1, START))))).toEqual({ code: grpcStatus.OK, details: '' });
      expect(await listedRunIds(agent.apiUrl, 'over-grpc', RANGE)).toEqual(['g-0']);
    } finally {
      client.close();
    }
  });

  it('keeps serving: a valid request afterwards gets 200 and its run appears in the API', async () => {
    expect((await post(Buffer.from(traceRequest(makeRuns('after-the-battery', 'ok', 0, 1, START))), JSON_TYPE)).status).toBe(200);
    expect(await listedRunIds(agent.apiUrl, 'after-the-battery', RANGE)).toEqual(['ok-0']);
    expect((await agent.get('/readyz')).status).toBe(200);
  });
});
