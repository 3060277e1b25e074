import type { OtlpSpan } from '../model/otlp.js';
import { SpanKind, StatusCode } from '../model/otlp.js';
import type { Downstream } from '../model/workflow.js';

type DownstreamKind = Downstream['kind'];

/**
 * Whether a span is a call out of the workflow: CLIENT / PRODUCER spans, or spans carrying the client
 * attributes of the OTel conventions. Server and consumer spans are the other side of a call, never one.
 */
export function isDownstream(span: OtlpSpan): boolean {
  const kind = span.kind;
  if (kind === SpanKind.CLIENT || kind === SpanKind.PRODUCER) return true;
  if (kind === SpanKind.SERVER || kind === SpanKind.CONSUMER) return false;
  const a = span.attributes;
  return (
    a['db.system'] !== undefined ||
    a['db.system.name'] !== undefined ||
    a['rpc.system'] !== undefined ||
    a['messaging.system'] !== undefined ||
    a['peer.service'] !== undefined ||
    a['url.full'] !== undefined ||
    (a['http.request.method'] !== undefined && a['server.address'] !== undefined)
  );
}

/** Adds one downstream call to a step's list, keyed by name and kind. */
export function addDownstream(list: Downstream[], span: OtlpSpan): void {
  mergeDownstream(list, {
    name: downstreamName(span),
    kind: downstreamKind(span),
    calls: 1,
    errors: span.statusCode === StatusCode.ERROR ? 1 : 0,
    durationMs: Math.max(0, span.endMs - span.startMs),
  });
}

/** Adds an entry's counts to the list's entry of the same name and kind (or appends a copy). */
export function mergeDownstream(list: Downstream[], entry: Downstream): void {
  const same = list.find((d) => d.name === entry.name && d.kind === entry.kind);
  if (same === undefined) {
    list.push({ ...entry });
    return;
  }
  same.calls += entry.calls;
  same.errors += entry.errors;
  same.durationMs += entry.durationMs;
}

/** By name, then kind: a stable order whatever order the calls arrived in. */
export function sortDownstream(list: Downstream[]): Downstream[] {
  return list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
}

/** What a person would call the other side: peer.service, server.address[:port], the URL's host, db.system. */
export function downstreamName(span: OtlpSpan): string {
  const a = span.attributes;
  const peer = str(a['peer.service']);
  if (peer !== undefined) return peer;
  const address = str(a['server.address']) ?? str(a['net.peer.name']);
  if (address !== undefined) {
    const port = str(a['server.port']) ?? str(a['net.peer.port']);
    return port !== undefined ? `${address}:${port}` : address;
  }
  const url = str(a['url.full']) ?? str(a['http.url']);
  const host = url !== undefined ? hostOf(url) : undefined;
  if (host !== undefined) return host;
  const db = str(a['db.system']) ?? str(a['db.system.name']);
  if (db !== undefined) {
    const dbName = str(a['db.name']) ?? str(a['db.namespace']);
    return dbName !== undefined ? `${db}/${dbName}` : db;
  }
  return str(a['rpc.service']) ?? str(a['messaging.destination.name']) ?? span.name;
}

function downstreamKind(span: OtlpSpan): DownstreamKind {
  const a = span.attributes;
  if (a['db.system'] !== undefined || a['db.system.name'] !== undefined) return 'db';
  if (a['messaging.system'] !== undefined) return 'messaging';
  if (a['rpc.system'] !== undefined) return 'rpc';
  if (
    a['http.request.method'] !== undefined ||
    a['http.method'] !== undefined ||
    a['url.full'] !== undefined ||
    a['http.url'] !== undefined
  ) {
    return 'http';
  }
  return 'other';
}

/** Host[:port] of an absolute URL, without userinfo; undefined for relative ones. */
export function hostOf(url: string): string | undefined {
  const scheme = url.indexOf('://');
  if (scheme < 0) return undefined;
  let end = url.length;
  for (const stop of ['/', '?', '#']) {
    const at = url.indexOf(stop, scheme + 3);
    if (at >= 0 && at < end) end = at;
  }
  const authority = url.slice(scheme + 3, end);
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  return host === '' ? undefined : host;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number') return String(value);
  return undefined;
}
