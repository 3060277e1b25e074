export { TemplateMiner, type TemplateMatch, type TemplateSummary } from './miner.js';
export { DEFAULT_MINER_OPTIONS, type MinerOptions } from './options.js';
export { DEFAULT_MASK_RULES, PARAM, createMasker, type MaskRule } from './masking.js';
export { TEMPLATE_STATE_VERSION, type TemplateState } from './state.js';
