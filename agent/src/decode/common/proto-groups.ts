import type { Attributes, Rejected } from '../../model/otlp.js';
import type { DecodedRequest, ResourceGroup, ScopeGroup } from './groups.js';
import { decodeResourceInto, decodeScope, NestingTooDeepError } from './proto-common.js';
import { LEN, ProtoReader } from './proto-reader.js';
import { noneRejected, reject } from './rejected.js';

/**
 * Decodes one item (Span, LogRecord); returns undefined when it was dropped into `rejected`, and notes in
 * `adjusted` an item it kept with a value made sane.
 */
export type ItemDecoder<T> = (
  r: ProtoReader,
  end: number,
  resource: Attributes,
  scopeName: string,
  rejected: Rejected,
  adjusted: Rejected,
) => T | undefined;

/**
 * The resource → scope → item nesting, the same for every signal (field numbers are equal in traces and logs):
 *
 * opentelemetry.proto.collector.{trace,logs}.v1.Export{Trace,Logs}ServiceRequest:
 *   1 resource_{spans,logs} repeated Resource{Spans,Logs} LEN
 */
export function decodeExportRequest<T extends { scopeName: string }>(bytes: Uint8Array, decodeItem: ItemDecoder<T>): DecodedRequest<T> {
  const r = new ProtoReader(bytes);
  const request: DecodedRequest<T> = { groups: [], count: 0, rejected: noneRejected(), adjusted: noneRejected() };
  while (r.pos < r.len) {
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) {
      const group = decodeResourceGroup(r, r.lengthEnd(), decodeItem, request);
      if (group.scopes.length > 0) request.groups.push(group);
    } else r.skip(tag & 7);
  }
  return request;
}

/**
 * opentelemetry.proto.{trace,logs}.v1.Resource{Spans,Logs}:
 *   1 resource            Resource                    LEN
 *   2 scope_{spans,logs}  repeated Scope{Spans,Logs}  LEN
 *   3 schema_url          string                      LEN (skipped)
 * A resource nested too deeply drops the group's items into `rejected`, as the JSON decoder does, and the
 * rest of the request is kept.
 */
function decodeResourceGroup<T extends { scopeName: string }>(
  r: ProtoReader,
  end: number,
  decodeItem: ItemDecoder<T>,
  request: DecodedRequest<T>,
): ResourceGroup<T> {
  const group: ResourceGroup<T> = { resource: {}, scopes: [] };
  let tooDeep: NestingTooDeepError | undefined;
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | LEN: {
        const resourceEnd = r.lengthEnd();
        try {
          decodeResourceInto(r, resourceEnd, group.resource);
        } catch (error) {
          if (!(error instanceof NestingTooDeepError)) throw error;
          tooDeep = error;
          r.pos = resourceEnd;
        }
        break;
      }
      case (2 << 3) | LEN: {
        const scope = decodeScopeGroup(r, r.lengthEnd(), group.resource, decodeItem, request);
        if (scope.items.length > 0) group.scopes.push(scope);
        break;
      }
      default:
        r.skip(tag & 7);
    }
  }
  r.assertEnd(end, 'Resource group');
  if (tooDeep) {
    // Items may come before their resource on the wire, so they are dropped once the whole group is read.
    const items = group.scopes.reduce((n, scope) => n + scope.items.length, 0);
    group.scopes = [];
    request.count -= items;
    if (items > 0) reject(request.rejected, `resource: ${tooDeep.message}`, items);
  }
  return group;
}

/**
 * opentelemetry.proto.{trace,logs}.v1.Scope{Spans,Logs}:
 *   1 scope               InstrumentationScope    LEN
 *   2 spans / log_records repeated Span/LogRecord LEN
 *   3 schema_url          string                  LEN (skipped)
 */
function decodeScopeGroup<T extends { scopeName: string }>(
  r: ProtoReader,
  end: number,
  resource: Attributes,
  decodeItem: ItemDecoder<T>,
  request: DecodedRequest<T>,
): ScopeGroup<T> {
  const scope: ScopeGroup<T> = { scopeName: '', scopeVersion: '', items: [] };
  let scopeCameLate = false;
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | LEN: {
        const { name, version } = decodeScope(r, r.lengthEnd());
        scope.scopeName = name;
        scope.scopeVersion = version;
        scopeCameLate = scope.items.length > 0;
        break;
      }
      case (2 << 3) | LEN: {
        const itemEnd = r.lengthEnd();
        let item: T | undefined;
        try {
          item = decodeItem(r, itemEnd, resource, scope.scopeName, request.rejected, request.adjusted);
        } catch (error) {
          if (!(error instanceof NestingTooDeepError)) throw error;
          reject(request.rejected, error.message);
          r.pos = itemEnd;
        }
        if (item) scope.items.push(item);
        break;
      }
      default:
        r.skip(tag & 7);
    }
  }
  r.assertEnd(end, 'Scope group');
  // Fields may come in any order: items read before their scope get its name now.
  if (scopeCameLate) for (const item of scope.items) item.scopeName = scope.scopeName;
  request.count += scope.items.length;
  return scope;
}
