import { mergeAttributes } from '../model/merge-attributes.js';
import type { Attributes, OtlpSpan } from '../model/otlp.js';
import { StatusCode } from '../model/otlp.js';
import type { RunRecord } from '../model/workflow.js';
import type { RunIdentity, RunnerDetector, RunSpanInfo } from './detector.js';
import { isDownstream } from './downstream.js';
import { RunBuilder, StepBuilder } from './run-builder.js';
import { runKey } from './run-key.js';
import { DETECTORS, generic } from './runners/index.js';
import type { SpanNode } from './span-tree.js';
import { buildSpanTree } from './span-tree.js';
import { isFailing } from './status.js';

interface DetectedRun {
  detector: RunnerDetector;
  info: RunSpanInfo;
}

/**
 * All spans of one trace known so far, in any order, possibly with duplicates (same spanId): returns its runs.
 * Pure and deterministic: the same set of spans gives the same runs whatever the order or duplication.
 */
export function modelTrace(spans: readonly OtlpSpan[]): RunRecord[] {
  if (spans.length === 0) return [];
  const tree = buildSpanTree(spans);
  const detected = detectRuns(tree.byId.values());
  const walker = new Walker(detected, tree.roots);
  for (const root of tree.roots) walker.walk(root, 0, undefined, undefined, '', false);
  if (walker.runs.size === 0 && !claimed(tree.byId.values())) {
    // No runner recognises the trace: fall back to its root spans as runs.
    for (const root of tree.roots) {
      const info = generic.runOf(root.span, undefined, root.children);
      if (info !== undefined) detected.set(root, { detector: generic, info });
    }
    for (const root of tree.roots) walker.walk(root, 0, undefined, undefined, '', false);
  }
  const records: RunRecord[] = [];
  for (const run of walker.runs.values()) records.push(run.finish());
  return records.sort((a, b) => a.startMs - b.startMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** One pass over the trace's spans: which are run spans, and of which runner. */
function detectRuns(nodes: Iterable<SpanNode>): Map<SpanNode, DetectedRun> {
  const found = new Map<SpanNode, DetectedRun>();
  for (const node of nodes) {
    const parent = node.parent?.span;
    for (const detector of DETECTORS) {
      const info = detector.runOf(node.span, parent, node.children);
      if (info !== undefined) {
        found.set(node, { detector, info });
        break;
      }
    }
  }
  return found;
}

function claimed(nodes: Iterable<SpanNode>): boolean {
  for (const node of nodes) for (const detector of DETECTORS) if (detector.claims?.(node.span)) return true;
  return false;
}

/** Walks the span tree once, placing every span in the nearest enclosing run and step. */
class Walker {
  readonly runs = new Map<string, RunBuilder>();

  constructor(
    private readonly detected: Map<SpanNode, DetectedRun>,
    private readonly roots: readonly SpanNode[],
  ) {}

  /**
   * `attempt` is the span id of the enclosing step's attempt the node sits in ('' outside attempts); `wrapped`, the
   * attributes of the wrappers between the node and its step or run (Jenkins' `Agent` names the agent its stages run on).
   */
  walk(
    node: SpanNode,
    depth: number,
    run: RunBuilder | undefined,
    step: StepBuilder | undefined,
    attempt: string,
    inCall: boolean,
    wrapped?: Attributes,
  ): void {
    const span = node.span;
    const detected = this.detected.get(node);
    if (detected !== undefined) {
      const key = runKey(detected.detector, detected.info, span);
      if (run === undefined || run.key !== key) {
        // Only a run first met here is the enclosing step's: no run waits for itself through its own steps.
        const awaited = step?.awaitsRun === true && !this.runs.has(key);
        const started = this.runFor(key, detected.detector, detected.info, span);
        if (awaited) step!.started(started);
        started.addRunSpan(span, detected.info);
        if (isFailing(detected.info.status) || span.statusCode === StatusCode.ERROR) started.offer(span, depth, '');
        for (const child of node.children) this.walk(child, depth + 1, started, undefined, '', false);
        return;
      }
    }
    if (run === undefined) {
      run = node.parent === undefined ? this.inferredRun(node) : undefined;
      if (run === undefined) {
        for (const child of node.children) this.walk(child, depth + 1, undefined, undefined, '', false);
        return;
      }
    }
    const role = run.detector.roleOf(span, { parent: node.parent?.span, atRunLevel: step === undefined });
    let childStep = step;
    let childAttempt = attempt;
    let childInCall = inCall;
    let childWrapped: Attributes | undefined;
    switch (role.kind) {
      case 'step': {
        childStep = run.addStep(span, role.name, step, attempt, role.awaitsRun, wrapped);
        childAttempt = '';
        childInCall = false;
        if (isFailing(childStep.info.status) || span.statusCode === StatusCode.ERROR) childStep.offer(span, depth, '');
        break;
      }
      case 'attempt': {
        const of = step ?? (role.of !== undefined ? run.standInStep(span, role.of) : undefined);
        childStep = of;
        childAttempt = span.spanId;
        of?.addAttempt(span);
        if (span.statusCode === StatusCode.ERROR) of?.offer(span, depth, childAttempt);
        break;
      }
      case 'wrapper':
        if (step !== undefined) {
          // A wrapper inside a step (Jenkins' `agent` of one stage) describes that step.
          step.spanIds.push(span.spanId);
          step.wrap(span.attributes);
        } else {
          childWrapped = isEmpty(span.attributes) ? wrapped : wrapped === undefined ? span.attributes : mergeAttributes(wrapped, span.attributes);
        }
        break;
      case 'queue':
        (step ?? run).addQueue(span);
        step?.spanIds.push(span.spanId);
        break;
      case 'auto':
        if (step === undefined) break;
        step.spanIds.push(span.spanId);
        // Only the outermost call counts: what a called service does in turn is its own business.
        if (!inCall && isDownstream(span)) {
          step.addDownstream(span);
          childInCall = true;
        }
        if (span.statusCode === StatusCode.ERROR) step.offer(span, depth, attempt);
        break;
    }
    for (const child of node.children) this.walk(child, depth + 1, run, childStep, childAttempt, childInCall, childWrapped);
  }

  private runFor(key: string, detector: RunnerDetector, identity: RunIdentity, span: OtlpSpan): RunBuilder {
    let run = this.runs.get(key);
    if (run === undefined) {
      run = new RunBuilder(key, detector, identity, span);
      this.runs.set(key, run);
    }
    return run;
  }

  /** An orphan span whose runner names its run (Airflow 3 tasks before their DAG-run span arrives). */
  private inferredRun(node: SpanNode): RunBuilder | undefined {
    for (const detector of DETECTORS) {
      const identity = detector.inferRunOf?.(node, this.roots);
      if (identity !== undefined) return this.runFor(runKey(detector, identity, node.span), detector, identity, node.span);
    }
    return undefined;
  }
}

function isEmpty(attributes: Attributes): boolean {
  for (const _ in attributes) return false;
  return true;
}
