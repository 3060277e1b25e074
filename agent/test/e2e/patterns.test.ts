import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { createSdk } from '../helpers/sdk.js';

const T0 = Date.parse('2026-11-20T08:00:00Z');
/** When the first run's `load` step failed: its error's time. */
const FIRST_TIMEOUT = new Date(T0 + 300_000).toISOString();
const range = `from=${new Date(T0 - 3_600_000).toISOString()}&to=${new Date(T0 + 86_400_000).toISOString()}`;

describe('log and error patterns through the agent', () => {
  let agent: TestAgent;

  beforeAll(async () => {
    agent = await startTestAgent();
    const sdk = createSdk('http/protobuf', agent, { 'service.name': 'etl' });
    for (let i = 0; i < 12; i++) {
      const start = T0 + i * 600_000;
      const failing = i % 3 === 0;
      await sdk.emit({
        name: 'dag_run.nightly_etl',
        startMs: start,
        endMs: start + 300_000,
        attributes: { 'airflow.dag_id': 'nightly_etl', 'airflow.dag_run.run_id': `scheduled__${i}` },
        ...(failing && { error: { type: 'TaskFailed', message: 'task load failed' } }),
        children: [
          {
            name: 'task_run.extract',
            startMs: start,
            endMs: start + 100_000,
            attributes: { 'airflow.task_id': 'extract', 'airflow.dag_id': 'nightly_etl' },
            logs: [{ atMs: start + 1_000, severity: 'INFO', body: `fetched ${1000 + i * 7} rows from s3://bucket/part-${i}.csv in ${20 + i} ms` }],
          },
          {
            name: 'task_run.load',
            kind: SpanKind.INTERNAL,
            startMs: start + 100_000,
            endMs: start + 300_000,
            attributes: { 'airflow.task_id': 'load', 'airflow.dag_id': 'nightly_etl' },
            ...(failing && { error: { type: 'OperationalError', message: `Connection timeout to db-${i % 2}.internal:5432 after ${3000 + i}ms` } }),
          },
        ],
      });
    }
    await sdk.shutdown();
    // A service's own logs, in no trace: their templates are patterns too.
    const logRecords = [0, 1, 2].map((i) => ({
      timeUnixNano: `${BigInt(T0 + i * 60_000) * 1_000_000n}`,
      severityNumber: 13,
      severityText: 'WARN',
      body: { stringValue: `disk usage at ${91 + i}% on /var/lib/data` },
    }));
    const request = { resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'scheduler' } }] }, scopeLogs: [{ logRecords }] }] };
    const response = await fetch(`${agent.otlpHttpUrl}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
    expect(response.status).toBe(200);
  });
  afterAll(() => agent.close());

  it('groups error messages and log bodies into templates with counts, workflows and steps', async () => {
    const { status, body } = await agent.get(`/api/v1/patterns?${range}`);
    expect(status).toBe(200);
    const timeout = body.items.find((p: { template: string }) => p.template.startsWith('Connection timeout to'));
    expect(timeout).toMatchObject({ count: 4, workflows: ['nightly_etl'], steps: ['load'], severity: 'ERROR' });
    expect(timeout.template).toContain('<*>');
    const fetched = body.items.find((p: { template: string }) => p.template.startsWith('fetched'));
    expect(fetched).toMatchObject({ count: 12, steps: ['extract'] });
  });

  it('dates a pattern from its first occurrence, though the range asked for begins later; its count is the range\'s', async () => {
    // From the fourth run on: the timeout first struck in the first run, 08:00, and struck twice in this range.
    const later = `from=${new Date(T0 + 25 * 60_000).toISOString()}&to=${new Date(T0 + 86_400_000).toISOString()}`;
    for (const filter of ['', '&workflow=nightly_etl', '&step=load']) {
      const { body } = await agent.get(`/api/v1/patterns?${later}${filter}`);
      const timeout = body.items.find((p: { template: string }) => p.template.startsWith('Connection timeout to'));
      expect(timeout, filter).toMatchObject({ count: 3, firstSeen: FIRST_TIMEOUT });
    }
  });

  it('lists the templates of logs that belong to no run, with their newest line, unless a workflow or step is asked for', async () => {
    const { body } = await agent.get(`/api/v1/patterns?${range}`);
    const disk = body.items.find((p: { template: string }) => p.template.startsWith('disk usage at'));
    expect(disk).toMatchObject({ count: 3, workflows: [], steps: [], severity: 'WARN', examples: ['disk usage at 93% on /var/lib/data'] });
    expect(disk.firstSeen).toBe(new Date(T0).toISOString());
    expect((await agent.get(`/api/v1/patterns?${range}&workflow=nightly_etl`)).body.items.some((p: { template: string }) => p.template.startsWith('disk'))).toBe(false);
    expect((await agent.get(`/api/v1/patterns?${range}&severity=error`)).body.items.some((p: { template: string }) => p.template.startsWith('disk'))).toBe(false);
  });

  it('lists nothing for a range in which no pattern occurred, though the runs\' patterns occurred before and after it', async () => {
    // Between the first run (08:00 to 08:05) and the second (from 08:10), after the disk warnings (08:00 to 08:02).
    const between = `from=${new Date(T0 + 6 * 60_000).toISOString()}&to=${new Date(T0 + 9 * 60_000).toISOString()}`;
    expect((await agent.get(`/api/v1/patterns?${between}`)).body.items).toEqual([]);
  });

  it('filters by workflow, step and severity, and lists the runs of a pattern', async () => {
    const errors = (await agent.get(`/api/v1/patterns?${range}&workflow=nightly_etl&severity=error`)).body.items;
    expect(errors.map((p: { template: string }) => p.template)).toEqual([expect.stringMatching(/^Connection timeout to/)]);
    expect((await agent.get(`/api/v1/patterns?${range}&step=extract`)).body.items).toHaveLength(1);
    expect((await agent.get(`/api/v1/patterns?${range}&workflow=other`)).body.items).toEqual([]);
    const runs = (await agent.get(`/api/v1/patterns/${errors[0].id}/runs`)).body.items;
    expect(runs).toHaveLength(4);
    expect(runs[0]).toMatchObject({ workflow: 'nightly_etl', step: 'load' });
    expect((await agent.get(`/api/v1/patterns?${range}&severity=loud`)).status).toBe(400);
  });
});
