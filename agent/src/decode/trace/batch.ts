import type { OtlpSpan, TraceBatch } from '../../model/otlp.js';
import type { DecodedRequest } from '../common/groups.js';

/** Names the generic groups as the trace model does (no copies of the spans). */
export function toTraceBatch({ groups, count, rejected }: DecodedRequest<OtlpSpan>): TraceBatch {
  return {
    resourceSpans: groups.map(({ resource, scopes }) => ({
      resource,
      scopes: scopes.map(({ scopeName, scopeVersion, items }) => ({ scopeName, scopeVersion, spans: items })),
    })),
    spanCount: count,
    rejected,
  };
}
