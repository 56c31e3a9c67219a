export type { CodeColumn } from './codes.js';
export type { OutcomeConfig, OutcomeLoss, RepresentationNetOptions, RepresentationParams } from './options.js';
export { defaultRepresentationNetOptions } from './options.js';
export type { ArmPredictions, RepresentationNetJSON, RepresentationState } from './representation.js';
export { RepresentationNet } from './representation.js';
export type { TargetTransform } from './targets.js';
