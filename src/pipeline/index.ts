export type { DefaultClustererOptions } from './clusterer.js';
export { defaultClusterer, HiddenGroupClusterer } from './clusterer.js';
export { defaultBudgetGrid } from './grid.js';
export { mergeSmallGroups } from './merge.js';
export type { HRCPipelineOptions } from './pipeline.js';
export { defaultHRCPipelineOptions, defaultK, HRCPipeline } from './pipeline.js';
export type { GroupClusterer, PipelineStage } from './types.js';
