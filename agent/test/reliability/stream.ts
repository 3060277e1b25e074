/**
 * A client streaming runs into an agent that gets interrupted (killed, stopped), and the checks that what the
 * agent acknowledged survived into the restarted agent, once, and that re-sending the rest makes it exact.
 */
import { expect } from 'vitest';
import type { RunRecord } from '../../src/model/workflow.js';
import { listedRunIds, makeRuns, postRuns, runCounts } from './support.js';

export interface StreamOptions {
  workflow: string;
  startMs: number;
  senders: number;
  runsPerRequest: number;
  /** Acknowledged requests after which `interrupt` is called, while the other senders still have requests in flight. */
  interruptAfterAcks: number;
  interrupt: () => void;
  /** Bound on requests, so the loop ends even if the interruption never stops the agent. */
  maxRequests: number;
}

export interface StreamOutcome {
  requests: RunRecord[][];
  /** Indexes of the requests answered 200. */
  acked: Set<number>;
  /** Per request: the HTTP status (with Retry-After for a 503), or 'no answer' when the connection failed. */
  answers: { status: number | 'no answer'; retryAfter?: string | null }[];
}

export async function streamRuns(otlpUrl: string, options: StreamOptions): Promise<StreamOutcome> {
  const outcome: StreamOutcome = { requests: [], acked: new Set(), answers: [] };
  let interrupted = false;
  const sender = async () => {
    // Keeps sending after the interruption until the agent stops answering: requests during shutdown count too.
    let agentGone = false;
    while (!agentGone && outcome.requests.length < options.maxRequests) {
      const index = outcome.requests.length;
      const runs = makeRuns(options.workflow, 'run', index * options.runsPerRequest, options.runsPerRequest, options.startMs);
      outcome.requests.push(runs);
      try {
        const answer = await postRuns(otlpUrl, runs);
        outcome.answers[index] = answer;
        if (answer.status === 200) outcome.acked.add(index);
      } catch {
        outcome.answers[index] = { status: 'no answer' };
        agentGone = interrupted;
      }
      if (!interrupted && outcome.acked.size >= options.interruptAfterAcks) {
        interrupted = true;
        options.interrupt();
      }
    }
  };
  await Promise.all(Array.from({ length: options.senders }, sender));
  return outcome;
}

/**
 * On the restarted agent: every acknowledged run is stored, none twice, nothing that was never sent; then the
 * unacknowledged requests are re-sent and the stored runs must be exactly the runs sent. Returns the number of
 * runs stored before the re-send.
 */
export async function expectSurvived(agent: { apiUrl: string; otlpHttpUrl: string }, workflow: string, range: string, stream: StreamOutcome): Promise<number> {
  const sent = new Set(stream.requests.flat().map((run) => run.runId));
  const ackedIds = [...stream.acked].flatMap((i) => stream.requests[i]!.map((run) => run.runId));
  const stored = await listedRunIds(agent.apiUrl, workflow, range);
  expect(new Set(stored).size).toBe(stored.length);
  expect((await runCounts(agent.apiUrl, range)).get(workflow)).toBe(stored.length);
  expect(stored).toEqual(expect.arrayContaining(ackedIds));
  expect(stored.filter((id) => !sent.has(id))).toEqual([]);

  for (const [index, runs] of stream.requests.entries()) {
    if (!stream.acked.has(index)) expect((await postRuns(agent.otlpHttpUrl, runs)).status).toBe(200);
  }
  expect((await listedRunIds(agent.apiUrl, workflow, range)).sort()).toEqual([...sent].sort());
  expect((await runCounts(agent.apiUrl, range)).get(workflow)).toBe(sent.size);
  return stored.length;
}
