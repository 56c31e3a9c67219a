export type { Activation } from './dense.js';
export { ACTIVATIONS, activate, denseLayer, denseLayerStock } from './dense.js';
export type { Initializer } from './init.js';
export { initWeights } from './init.js';
export type { HeadLossSpec, LossBatch, LossFn, LossKind } from './losses.js';
export { headLosses, LOSS_KINDS, maskedRowLoss, weightedMean } from './losses.js';
export type {
  ApplyOptions,
  DenseLayerWeights,
  DenseNetSpec,
  DropoutSpec,
  HeadSpec,
  NetOutput,
  NetWeights,
} from './net.js';
export { DenseNet } from './net.js';
export type { StandardizerState } from './standardize.js';
export { applyStandardizer, checkStandardizer, fitStandardizer } from './standardize.js';
export type { EpochLog, TrainData, TrainOptions, TrainResult } from './train.js';
export { defaultTrainOptions, evaluateLoss, makeBatch, trainNet } from './train.js';
