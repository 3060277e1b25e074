export { TemplateMiner, type TemplateMatch } from './miner.js';
export { DEFAULT_MINER_OPTIONS, type MinerOptions } from './options.js';
export { DEFAULT_MASK_RULES, PARAM, createMasker, type MaskRule } from './masking.js';
export { TEMPLATE_STATE_VERSION, type TemplateState } from './state.js';
