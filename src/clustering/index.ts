export type { KCandidate, KSelection } from './auto.js';
export type { ClustererState, HiddenClustererJSON } from './clusterer.js';
export { HiddenClusterer } from './clusterer.js';
export type { DistanceEngineName } from './engine.js';
export type { ClustererParams, HiddenClustererOptions, KScore, KScorer, KScorerContext } from './options.js';
export { defaultHiddenClustererOptions } from './options.js';
export { defaultBudgets, ipwPlanScorer, makeIPWPlanScorer } from './score.js';
