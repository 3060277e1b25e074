import type { OtlpSpan, Rejected, TraceBatch } from '../../model/otlp.js';
import type { DecodedRequest } from '../common/groups.js';

/** A decoded request's spans, and those kept with an impossible time made sane, for the reply's warning. */
export interface DecodedTraceBatch extends TraceBatch {
  adjusted: Rejected;
}

/** Names the generic groups as the trace model does (no copies of the spans). */
export function toTraceBatch({ groups, count, rejected, adjusted }: DecodedRequest<OtlpSpan>): DecodedTraceBatch {
  return {
    resourceSpans: groups.map(({ resource, scopes }) => ({
      resource,
      scopes: scopes.map(({ scopeName, scopeVersion, items }) => ({ scopeName, scopeVersion, spans: items })),
    })),
    spanCount: count,
    rejected,
    adjusted,
  };
}
