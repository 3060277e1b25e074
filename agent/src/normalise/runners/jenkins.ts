import { asText, text } from '../attributes.js';
import type { RunnerDetector } from '../detector.js';
import { isDownstream } from '../downstream.js';
import { statusFromSpan, statusFromWord } from '../status.js';

/**
 * Jenkins OpenTelemetry plugin: `BUILD <job>` root, `Phase: Start|Run|Finalise` wrappers, `Agent` /
 * `Agent Allocation` (time waiting for an executor), `Stage: x` and `Parallel branch: x` steps; pipeline steps
 * (`sh`, `echo`…) fold into their stage.
 */
export const jenkins: RunnerDetector = {
  runner: 'jenkins',
  runOf(span, parent) {
    const isBuild = span.name.startsWith('BUILD ');
    if (!isBuild && (parent !== undefined || text(span, 'ci.pipeline.run.number') === undefined)) return undefined;
    return {
      workflow: text(span, 'ci.pipeline.id') ?? (isBuild ? span.name.slice(6) : undefined) ?? text(span, 'ci.pipeline.name') ?? span.name,
      runId: text(span, 'ci.pipeline.run.number') ?? '',
      status: statusFromWord('jenkins', text(span, 'ci.pipeline.run.result')) ?? statusFromSpan(span),
    };
  },
  roleOf(span, context) {
    const name = span.name;
    if (name.startsWith('Stage: ')) return { kind: 'step', name: name.slice(7) };
    if (name.startsWith('Parallel branch: ')) return { kind: 'step', name: name.slice(17) };
    if (name.startsWith('Phase: ')) return { kind: 'wrapper' };
    if (name === 'Agent Allocation' || name === 'agent.allocate') return { kind: 'queue' };
    if (name === 'Agent' || name === 'agent' || name === 'Node') return { kind: 'wrapper' };
    if (context.atRunLevel && !isDownstream(span)) return { kind: 'step', name };
    return { kind: 'auto' };
  },
  // The plugin numbers builds per controller and names the controller by its instance id (older versions: its URL).
  placeOf: (span) => asText(span.resource['service.instance.id']) ?? asText(span.resource['jenkins.url']),
  // A stage's result: an UNSTABLE stage (failing tests) or an ABORTED one ends its span without an error.
  stepOf: (span) => ({ status: statusFromWord('jenkins', text(span, 'jenkins.pipeline.step.result')) ?? statusFromSpan(span) }),
  // The plugin also traces Jenkins' own HTTP requests and jobs' SCM polling under its service name.
  claims: (span) => span.resource['service.name'] === 'jenkins',
};
