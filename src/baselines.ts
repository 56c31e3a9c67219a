/**
 * Building blocks of an allocator, as the baselines use them: `import { PathAllocator } from 'hrc-budget/baselines'`.
 * The shared skeleton (`PathAllocator`: validation, spend calibration, budget filling, the JSON envelope), allocation
 * paths (Lagrangian and ladder) and their budget prefixes, the spend calibration itself, the seeded generator and
 * the input checks every allocator runs.
 *
 * @packageDocumentation
 */

import { RNG } from './core/rng.js';

export type { PathPrediction } from './baselines/allocator.js';
export { PathAllocator } from './baselines/allocator.js';
export type { EffectMap } from './baselines/bins.js';
export type { HeldOutRows, SpendCalibration } from './baselines/calibration.js';
export { calibratedThreshold, fitSpendCalibration } from './baselines/calibration.js';
export type { AllocationPath } from './baselines/path.js';
export { armsAtPrefix, ladderPath, lagrangianPath, prefixAtKey, prefixWithinBudget } from './baselines/path.js';
export { DEFAULT_SEED, deriveSeed, RNG } from './core/rng.js';
export { budgetTotal } from './core/types.js';
export { checkBudget, checkFeatures } from './core/validate.js';

// Deprecated: the previous spellings of the names above, aliases of the new names for one release (acronyms in
// capitals; see src/deprecated.ts).
/** @deprecated Renamed to {@link RNG}. */
export const Rng = RNG;
/** @deprecated Renamed to {@link RNG}. */
export type Rng = RNG;
