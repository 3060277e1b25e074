/**
 * The resource → scope → item nesting shared by all signals and both encodings; each signal names the levels
 * its own way in model/otlp.ts (see trace/batch.ts, logs/batch.ts).
 */
import type { Attributes, Rejected } from '../../model/otlp.js';

export interface ScopeGroup<T> {
  scopeName: string;
  scopeVersion: string;
  items: T[];
}

export interface ResourceGroup<T> {
  resource: Attributes;
  scopes: ScopeGroup<T>[];
}

export interface DecodedRequest<T> {
  groups: ResourceGroup<T>[];
  count: number;
  rejected: Rejected;
  /** Items kept with a value made sane (a span's impossible end time): reported as a warning, not a rejection. */
  adjusted: Rejected;
}
