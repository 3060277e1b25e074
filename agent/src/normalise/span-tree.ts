import type { OtlpSpan } from '../model/otlp.js';
import { sortSmall } from '../runtime/sort-small.js';

/** One span of a trace with its place in the tree built from parent links. */
export interface SpanNode {
  span: OtlpSpan;
  parent: SpanNode | undefined;
  /** Sorted by start time, then span id, so every walk is independent of arrival order. */
  children: SpanNode[];
}

export interface SpanTree {
  /** Spans without a parent, or whose parent has not arrived (yet), in start order. */
  roots: SpanNode[];
  byId: Map<string, SpanNode>;
}

/**
 * Builds the span tree of one trace. Duplicates (same span id) collapse to one canonical copy chosen by content,
 * not by position, so re-sent or reordered input gives the same tree.
 */
export function buildSpanTree(spans: readonly OtlpSpan[]): SpanTree {
  const byId = new Map<string, SpanNode>();
  for (const span of spans) {
    const seen = byId.get(span.spanId);
    if (seen === undefined) byId.set(span.spanId, { span, parent: undefined, children: [] });
    else if (preferred(span, seen.span)) seen.span = span;
  }
  const roots: SpanNode[] = [];
  for (const node of byId.values()) {
    const parentId = node.span.parentSpanId;
    const parent = parentId === '' || parentId === node.span.spanId ? undefined : byId.get(parentId);
    if (parent === undefined) roots.push(node);
    else {
      node.parent = parent;
      parent.children.push(node);
    }
  }
  for (const node of byId.values()) if (node.children.length > 1) sortSmall(node.children, byStart);
  sortSmall(roots, byStart);
  return { roots, byId };
}

/** Indented lines, one per span: `name [spanId] STATUS`, children two spaces deeper. */
export function dumpSpanTree(tree: SpanTree): string {
  const lines: string[] = [];
  const walk = (node: SpanNode, depth: number): void => {
    const status = node.span.statusCode === 2 ? ' ERROR' : node.span.statusCode === 1 ? ' OK' : '';
    lines.push(`${'  '.repeat(depth)}${node.span.name} [${node.span.spanId}]${status}`);
    for (const child of node.children) walk(child, depth + 1);
  };
  for (const root of tree.roots) walk(root, 0);
  return lines.join('\n');
}

export function byStart(a: SpanNode, b: SpanNode): number {
  return a.span.startMs - b.span.startMs || (a.span.spanId < b.span.spanId ? -1 : a.span.spanId > b.span.spanId ? 1 : 0);
}

/** Total order on two copies of one span: the later-ending, more finished, richer copy wins. */
function preferred(a: OtlpSpan, b: OtlpSpan): boolean {
  if (a.endMs !== b.endMs) return a.endMs > b.endMs;
  if (a.statusCode !== b.statusCode) return a.statusCode > b.statusCode;
  if (a.events.length !== b.events.length) return a.events.length > b.events.length;
  const ak = Object.keys(a.attributes).length;
  const bk = Object.keys(b.attributes).length;
  if (ak !== bk) return ak > bk;
  if (a.startMs !== b.startMs) return a.startMs < b.startMs;
  if (a.statusMessage !== b.statusMessage) return a.statusMessage > b.statusMessage;
  if (a.parentSpanId !== b.parentSpanId) return a.parentSpanId > b.parentSpanId;
  return a.name > b.name;
}
