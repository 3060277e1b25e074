/** Turns OTLP spans into the workflow model (runs and steps) for every supported runner. */
export { modelTrace } from './model-trace.js';
export { buildSpanTree, dumpSpanTree } from './span-tree.js';
export type { SpanNode, SpanTree } from './span-tree.js';
