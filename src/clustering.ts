/**
 * Extension points of the clustering stage: `import { type GroupClusterer, makeIPWPlanScorer } from
 * 'hrc-budget/clustering'`. Your own clusterer for HRCPipeline (`GroupClusterer`, and the built-in one behind it),
 * your own rule for choosing K (`KScorer`, and the held-out IPW scorer), the teacher's soft assignments and the
 * merge of small groups.
 *
 * @packageDocumentation
 */

import { makeIPWPlanScorer } from './clustering/score.js';

export type { KScore, KScorer, KScorerContext } from './clustering/options.js';
export { defaultBudgets, ipwPlanScorer, makeIPWPlanScorer } from './clustering/score.js';
export { softTargets } from './distill/soft.js';
export { mergeSmallGroups } from './pipeline/merge.js';
export { defaultClusterer } from './pipeline/options.js';
export type { GroupClusterer } from './pipeline/types.js';

// Deprecated: the previous spellings of the names above, aliases of the new names for one release (acronyms in
// capitals; see src/deprecated.ts).
/** @deprecated Renamed to {@link makeIPWPlanScorer}. */
export const makeIpwPlanScorer = makeIPWPlanScorer;
