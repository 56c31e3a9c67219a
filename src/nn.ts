/**
 * The tfjs network toolkit the representation network and the neural baselines are built on:
 * `import { DenseNet, trainNet } from 'hrc-budget/nn'`. A seeded multi-head dense network, dense layers with their
 * gradients, masked and weighted losses (and the baselines' decision losses), feature standardization and the
 * training loop. The only entry whose declarations reference tfjs types (tensors cross this API).
 *
 * @packageDocumentation
 */

export type { DecisionLossInput } from './baselines/losses.js';
export { drpRankingLoss, dualDecisionLoss, roiLoss } from './baselines/losses.js';
export { activate, denseLayer, denseLayerStock } from './nn/dense.js';
export type { Initializer } from './nn/init.js';
export { initWeights } from './nn/init.js';
export type { HeadLossSpec, LossBatch, LossFn } from './nn/losses.js';
export { headLosses, maskedRowLoss, weightedMean } from './nn/losses.js';
export type { ApplyOptions, DenseLayerWeights, DropoutSpec, NetOutput } from './nn/net.js';
export { DenseNet } from './nn/net.js';
export type { Activation, DenseNetSpec, HeadSpec, LossKind, NetWeights } from './nn/spec.js';
export { ACTIVATIONS, LOSS_KINDS } from './nn/spec.js';
export type { StandardizerState } from './nn/standardize.js';
export { applyStandardizer, checkStandardizer, fitStandardizer } from './nn/standardize.js';
export type { EpochLog, TrainData, TrainOptions, TrainResult } from './nn/train.js';
export { defaultTrainOptions, evaluateLoss, makeBatch, trainNet } from './nn/train.js';
