/**
 * Extension points of the clustering stage: `import { type GroupClusterer, makeIpwPlanScorer } from
 * 'hrc-budget/clustering'`. Your own clusterer for HRCPipeline (`GroupClusterer`, and the built-in one behind it),
 * your own rule for choosing K (`KScorer`, and the held-out IPW scorer), the teacher's soft assignments and the
 * merge of small groups.
 *
 * @packageDocumentation
 */

export type { KScore, KScorer, KScorerContext } from './clustering/options.js';
export { defaultBudgets, ipwPlanScorer, makeIpwPlanScorer } from './clustering/score.js';
export { softTargets } from './distill/soft.js';
export { mergeSmallGroups } from './pipeline/merge.js';
export { defaultClusterer } from './pipeline/options.js';
export type { GroupClusterer } from './pipeline/types.js';
