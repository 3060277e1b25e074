/** The agent's public entry: start it in-process (tests, embedding) or from a configuration file. */
export { startAgent, startAgentFromFile, startConfiguredAgent, type RunningAgent } from './agent.js';
export { loadConfig, resolveConfig } from './config/load.js';
export type { ConfigInput, FlowLensConfig } from './config/schema.js';
export type { Finding, FindingCandidate } from './model/finding.js';
export type { RunRecord, StepRecord } from './model/workflow.js';
