export type { RowPredictions } from './adjust.js';
export { regressionAdjusted } from './adjust.js';
export type { CrossFit, CrossFitWithChoice, UpliftL2Choice, UpliftL2Selection } from './crossfit.js';
export { crossFitNets, ensemblePredict, stratifiedFolds, upliftLossRows, upliftSpace } from './crossfit.js';
export { defaultBudgetGrid } from './grid.js';
export { mergeSmallGroups } from './merge.js';
export type { DefaultClustererOptions, HRCPipelineOptions, StatsEstimator } from './options.js';
export {
  autoUpliftL2Candidates,
  defaultClusterer,
  defaultHRCPipelineOptions,
  defaultK,
  paperHRCOptions,
} from './options.js';
export { HRCPaperPipeline, HRCPipeline } from './pipeline.js';
export type { ShrinkageFit, ShrinkagePrior } from './shrinkage.js';
export { groupPredictedUplift, shrinkGroupUplift } from './shrinkage.js';
export type { NetJob, NetTrainer } from './trainer.js';
export { AUTO_FIT_WORKERS_MIN_ROWS, inProcessTrainer } from './trainer.js';
export type { GroupClusterer, PipelineStage } from './types.js';
