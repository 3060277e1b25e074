import type { RunnerDetector } from '../detector.js';
import { isPipelineRun, pipelineRole, pipelineRun, taskStatus } from './cicd-shape.js';

/** Any CI/CD system emitting the OTel CI/CD semantic conventions (`cicd.pipeline.*`). */
export const cicd: RunnerDetector = {
  runner: 'cicd',
  runOf: (span) => (isPipelineRun(span) ? pipelineRun('cicd', span) : undefined),
  roleOf: pipelineRole,
  stepOf: (span) => ({ status: taskStatus('cicd', span) }),
};
