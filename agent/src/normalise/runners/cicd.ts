import type { RunnerDetector } from '../detector.js';
import { isPipelineRun, pipelineIdentity, pipelineRole, pipelineRun, taskStatus } from './cicd-shape.js';

/** Any CI/CD system emitting the OTel CI/CD semantic conventions (`cicd.pipeline.*`). */
export const cicd: RunnerDetector = {
  runner: 'cicd',
  runOf: (span) => (isPipelineRun(span) ? pipelineRun('cicd', span) : undefined),
  // The run span ends, and so is sent, after its tasks: until it arrives they make a running run with its id.
  inferRunOf: ({ span }) => pipelineIdentity(span),
  roleOf: pipelineRole,
  stepOf: (span) => ({ status: taskStatus('cicd', span) }),
};
