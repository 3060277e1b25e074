import type { AttrValue, OtlpSpan } from '../model/otlp.js';

/** A span attribute, else the same key on its resource (runners put identity on either). */
export function attr(span: OtlpSpan, key: string): AttrValue | undefined {
  const own = span.attributes[key];
  return own !== undefined ? own : span.resource[key];
}

/** An attribute as text: numbers and booleans as written (senders differ in the type they use); '' counts as absent. */
export function text(span: OtlpSpan, key: string): string | undefined {
  return asText(attr(span, key));
}

/** An attribute value as `text` reads it. */
export function asText(value: AttrValue | undefined): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** The first of several keys that is present. */
export function firstText(span: OtlpSpan, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = text(span, key);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** A numeric attribute, accepting numbers sent as strings. */
export function num(span: OtlpSpan, key: string): number | undefined {
  const value = attr(span, key);
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

/** A positive integer attempt / try number, or undefined. */
export function attemptOf(span: OtlpSpan, key: string): number | undefined {
  const value = num(span, key);
  return value !== undefined && value >= 1 ? Math.floor(value) : undefined;
}

/** Milliseconds between two date-time attributes (ISO or Airflow's `YYYY-MM-DD hh:mm:ss.ffffff+00:00`). */
export function msBetween(span: OtlpSpan, fromKey: string, toKey: string): number | undefined {
  const from = dateMs(text(span, fromKey));
  const to = dateMs(text(span, toKey));
  return from !== undefined && to !== undefined && to >= from ? to - from : undefined;
}

/**
 * A wait for a worker from the time in `queuedKey` to the time in `startedKey`, and whether the span is part of it:
 * it began nearer the queued time than the start (Airflow's tracer starts a task's span when the task is queued).
 * Empty when either time is missing.
 */
export function waitBetween(span: OtlpSpan, queuedKey: string, startedKey: string): { queueMs?: number; queueWithin?: boolean } {
  const queued = dateMs(text(span, queuedKey));
  const started = dateMs(text(span, startedKey));
  if (queued === undefined || started === undefined || started < queued) return {};
  return { queueMs: started - queued, queueWithin: Math.abs(span.startMs - queued) < Math.abs(span.startMs - started) };
}

function dateMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value.length > 10 && value[10] === ' ' ? `${value.slice(0, 10)}T${value.slice(11)}` : value);
  return Number.isNaN(ms) ? undefined : ms;
}
