import { flowLensClient as client } from './FlowLensClient.js';
import type {
  Finding,
  Items,
  LogPattern,
  RecommendationItem,
  RunComparison,
  RunDetail,
  Run,
  SenderClock,
  Session,
  SessionVerification,
  Slo,
  TimeRange,
  WorkflowDetail,
  WorkflowHealth,
  WorkflowList,
} from './types.js';

/** One thin function per agent endpoint; paths and parameters exactly as the agent's REST API names them. */

const seg = encodeURIComponent;

export function listWorkflows(range: TimeRange & { q?: string }, signal?: AbortSignal) {
  return client.request<WorkflowList>('/api/v1/workflows', { params: { ...range }, signal });
}

export function getWorkflow(name: string, range: TimeRange, signal?: AbortSignal) {
  return client.request<WorkflowDetail>(`/api/v1/workflows/${seg(name)}`, { params: { ...range }, signal });
}

export function getWorkflowHealth(name: string, signal?: AbortSignal) {
  return client.request<WorkflowHealth>(`/api/v1/workflows/${seg(name)}/health`, { signal });
}

/** `attributes`: `key=value` filters (the agent splits each at its first `=`), all of which a run must match. */
export function listRuns(
  name: string,
  { attributes, ...query }: TimeRange & { status?: string; limit?: number; attributes?: string[] },
  signal?: AbortSignal
) {
  return client.request<Items<Run>>(`/api/v1/workflows/${seg(name)}/runs`, {
    params: { ...query, attribute: attributes },
    signal,
  });
}

/**
 * `steps`: list that many steps, the first and the last half by start, and besides them the failed ones (default:
 * every step).
 */
export function getRun(id: string, query: { steps?: number }, signal?: AbortSignal) {
  return client.request<RunDetail>(`/api/v1/runs/${seg(id)}`, { params: { ...query }, signal });
}

/** What changed from the run `withId`, by default from the last successful run before it; 404 from an agent without it. */
export function getRunComparison(id: string, withId?: string, signal?: AbortSignal) {
  return client.request<RunComparison>(`/api/v1/runs/${seg(id)}/compare`, { params: { with: withId }, signal });
}

export interface FindingFilter {
  workflow?: string;
  severity?: string;
  category?: string;
  kind?: string;
  status?: string;
  limit?: number;
}

export function listFindings(filter: FindingFilter, signal?: AbortSignal) {
  return client.request<Items<Finding>>('/api/v1/findings', { params: { ...filter }, signal });
}

export function getFinding(id: string, signal?: AbortSignal) {
  return client.request<Finding>(`/api/v1/findings/${seg(id)}`, { signal });
}

export function listSimilarFindings(id: string, signal?: AbortSignal) {
  return client.request<Items<Finding>>(`/api/v1/findings/${seg(id)}/similar`, { signal });
}

export type FindingAction = 'acknowledge' | 'resolve';

export function updateFinding(id: string, action: FindingAction, body: { by?: string; note?: string }) {
  return client.request<Finding>(`/api/v1/findings/${seg(id)}/${action}`, { method: 'POST', body });
}

export function listRecommendations(workflow?: string, signal?: AbortSignal) {
  return client.request<Items<RecommendationItem>>('/api/v1/recommendations', { params: { workflow }, signal });
}

export function listSlos(signal?: AbortSignal) {
  return client.request<Items<Slo>>('/api/v1/slos', { signal });
}

export function listPatterns(query: Partial<TimeRange> & { workflow?: string; step?: string }, signal?: AbortSignal) {
  return client.request<Items<LogPattern>>('/api/v1/patterns', { params: { ...query }, signal });
}

export interface SessionRequest {
  workflow: string;
  /** Pasted error lines, one per entry. */
  errorLogs?: string[];
  metrics?: Record<string, number>;
}

/** Starts a troubleshooting session; 404 when the agent does not know the workflow. */
export function startSession(body: SessionRequest) {
  return client.request<Session>('/api/v1/sessions', { method: 'POST', body });
}

export function getSession(id: string, signal?: AbortSignal) {
  return client.request<Session>(`/api/v1/sessions/${seg(id)}`, { signal });
}

/** Whether the runs since the session started confirm the fix. */
export function verifySession(id: string) {
  return client.request<SessionVerification>(`/api/v1/sessions/${seg(id)}/verify`, { method: 'POST' });
}

/** Senders heard from in the last hour, those whose clock is off first, the furthest off first. */
export function listSenders(signal?: AbortSignal) {
  return client.request<Items<SenderClock>>('/api/v1/senders', { signal });
}

/** The agent's readiness through the proxy: proves the URL, the token and the agent in one call. */
export function checkReady(signal?: AbortSignal) {
  return client.request<unknown>('/readyz', { signal });
}
