import type { LogBatch, OtlpLogRecord } from '../../model/otlp.js';
import type { DecodedRequest } from '../common/groups.js';

/** Names the generic groups as the logs model does (no copies of the records). */
export function toLogBatch({ groups, count, rejected }: DecodedRequest<OtlpLogRecord>): LogBatch {
  return {
    resourceLogs: groups.map(({ resource, scopes }) => ({
      resource,
      scopes: scopes.map(({ scopeName, scopeVersion, items }) => ({ scopeName, scopeVersion, logRecords: items })),
    })),
    recordCount: count,
    rejected,
  };
}
