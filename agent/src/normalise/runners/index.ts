import type { RunnerDetector } from '../detector.js';
import { airflow } from './airflow.js';
import { argo } from './argo.js';
import { cicd } from './cicd.js';
import { githubActions } from './github-actions.js';
import { jenkins } from './jenkins.js';
import { n8n } from './n8n.js';
import { temporal } from './temporal.js';

export { generic } from './generic.js';

/**
 * Runner detectors in the order they are tried. Name-prefixed shapes come first; GitHub Actions before plain
 * CI/CD semconv, which it extends. The generic detector is applied only to traces none of these claim.
 */
export const DETECTORS: readonly RunnerDetector[] = [jenkins, temporal, airflow, n8n, argo, githubActions, cicd];
