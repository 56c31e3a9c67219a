import { ValidationError } from '../core/errors.js';
import { DEFAULT_SEED } from '../core/rng.js';
import { checkNumber, checkOneOf, checkOptionKeys, describe } from '../core/validate.js';
import type { RCTDataset } from '../data/dataset.js';
import type { DistanceEngineName } from './engine.js';

/** What a K scorer sees: the candidate's groups on a training and a validation part of the trial. */
export interface KScorerContext {
  readonly k: number;
  readonly train: RCTDataset;
  readonly valid: RCTDataset;
  readonly trainGroups: Int32Array;
  readonly validGroups: Int32Array;
  /** Per-user budgets to score at. */
  readonly budgets: readonly number[];
}

/** A candidate K's held-out score (higher is better) and its standard error. */
export interface KScore {
  readonly score: number;
  readonly se: number;
}

/** Scores a candidate K; see {@link ipwPlanScorer} for the default. */
export type KScorer = (ctx: KScorerContext) => KScore | Promise<KScore>;

/** Options of {@link HiddenClusterer}. All optional. */
export interface HiddenClustererOptions {
  /** Number of groups, or `'auto'` to choose among `candidates` by held-out policy value (needs `fit(..., { data })`). @default 'auto' */
  k?: number | 'auto';
  /** Candidate K values for `'auto'`. @default [2, 4, 6, 8, 12, 16, 24, 32] */
  candidates?: readonly number[];
  /** For `'auto'`: a candidate is feasible only if every (group, arm) cell of the training part has this many rows. @default 30 */
  minCellCount?: number;
  /** For `'auto'`: share of rows held out to score candidates. @default 0.3 */
  validationFraction?: number;
  /**
   * For `'auto'`: per-user budgets at which plans are scored (their scores are averaged). Empty: 0.25, 0.5 and 0.75
   * of the largest per-user mean cost of any arm in the trial. @default []
   */
  budgets?: readonly number[];
  /** For `'auto'`: `'oneSE'` picks the smallest K within one standard error of the best score; `'best'` the best. @default 'oneSE' */
  selection?: 'oneSE' | 'best';
  /** For `'auto'`: the candidate scorer. @default ipwPlanScorer */
  scoreK?: KScorer;
  /** Standardize embedding columns (mean 0, sd 1, stored) before clustering. @default true */
  standardize?: boolean;
  /** `'lloyd'` (exact, Hamerly-pruned), `'minibatch'`, or `'auto'` (mini-batch from `miniBatchThreshold` rows). @default 'auto' */
  algorithm?: 'auto' | 'lloyd' | 'minibatch';
  /** @default 500000 */
  miniBatchThreshold?: number;
  /** Lloyd iterations at most. @default 100 */
  maxIterations?: number;
  /** Lloyd stops when the squared centroid shift falls to this times the mean column variance. @default 0.0001 */
  tolerance?: number;
  /** Hamerly bounds (same result, fewer distance computations). @default true */
  prune?: boolean;
  /** Where the nearest-centroid scans run (see {@link DistanceEngineName}). @default 'auto' */
  engine?: DistanceEngineName;
  /** Independent k-means++ starts; the lowest inertia wins. @default 1 */
  nInit?: number;
  /** Candidates per greedy k-means++ step; 0 means 2 + floor(ln K). @default 0 */
  seedTrials?: number;
  /** Rows sampled for k-means++ seeding (all rows when fewer). @default 10000 */
  seedSampleSize?: number;
  /** @default 4096 */
  miniBatchSize?: number;
  /** @default 300 */
  miniBatchSteps?: number;
  /** Mini-batch steps without improvement of the smoothed inertia before stopping. @default 30 */
  miniBatchPatience?: number;
  /** @default 42 */
  seed?: number;
}

export const defaultHiddenClustererOptions = {
  k: 'auto' as number | 'auto',
  candidates: [2, 4, 6, 8, 12, 16, 24, 32] as readonly number[],
  minCellCount: 30,
  validationFraction: 0.3,
  budgets: [] as readonly number[],
  selection: 'oneSE' as 'oneSE' | 'best',
  standardize: true,
  algorithm: 'auto' as 'auto' | 'lloyd' | 'minibatch',
  miniBatchThreshold: 500_000,
  maxIterations: 100,
  tolerance: 1e-4,
  prune: true,
  engine: 'auto' as DistanceEngineName,
  nInit: 1,
  seedTrials: 0,
  seedSampleSize: 10_000,
  miniBatchSize: 4096,
  miniBatchSteps: 300,
  miniBatchPatience: 30,
  seed: DEFAULT_SEED,
} satisfies Omit<Required<HiddenClustererOptions>, 'scoreK'>;

/** The serializable options (no scorer function). */
export type ClustererParams = typeof defaultHiddenClustererOptions;

/** Merges with defaults and validates; throws {@link ValidationError}. */
/** Every key of {@link HiddenClustererOptions}. */
export const clustererOptionKeys: readonly string[] = [...Object.keys(defaultHiddenClustererOptions), 'scoreK'];

export function resolveClustererOptions(options: HiddenClustererOptions): ClustererParams {
  checkOptionKeys(options, clustererOptionKeys);
  const { scoreK: _s, ...rest } = options;
  const o = { ...defaultHiddenClustererOptions, ...rest } as ClustererParams;
  if (o.k !== 'auto') checkNumber('k', o.k, { min: 1, integer: true });
  if (!Array.isArray(o.candidates) || o.candidates.length === 0) {
    throw new ValidationError({
      path: ['candidates'],
      message: `expected a non-empty list, got ${describe(o.candidates)}`,
    });
  }
  o.candidates.forEach((c, i) => {
    checkNumber(`candidates.${i}`, c, { min: 1, integer: true });
  });
  if (!Array.isArray(o.budgets)) {
    throw new ValidationError({ path: ['budgets'], message: `expected a list of numbers, got ${describe(o.budgets)}` });
  }
  o.budgets.forEach((b, i) => {
    checkNumber(`budgets.${i}`, b, { min: 0 });
  });
  checkNumber('minCellCount', o.minCellCount, { min: 0, integer: true });
  checkNumber('validationFraction', o.validationFraction, { min: 0.05, max: 0.9 });
  checkOneOf('selection', o.selection, ['oneSE', 'best']);
  checkOneOf('algorithm', o.algorithm, ['auto', 'lloyd', 'minibatch']);
  checkOneOf('engine', o.engine, ['auto', 'js', 'tfjs', 'wasm']);
  checkNumber('miniBatchThreshold', o.miniBatchThreshold, { min: 1 });
  checkNumber('maxIterations', o.maxIterations, { min: 1, integer: true });
  checkNumber('tolerance', o.tolerance, { min: 0 });
  checkNumber('nInit', o.nInit, { min: 1, integer: true });
  checkNumber('seedTrials', o.seedTrials, { min: 0, integer: true });
  checkNumber('seedSampleSize', o.seedSampleSize, { min: 1, integer: true });
  checkNumber('miniBatchSize', o.miniBatchSize, { min: 1, integer: true });
  checkNumber('miniBatchSteps', o.miniBatchSteps, { min: 1, integer: true });
  checkNumber('miniBatchPatience', o.miniBatchPatience, { min: 1, integer: true });
  checkNumber('seed', o.seed);
  for (const key of ['standardize', 'prune'] as const) {
    if (typeof o[key] !== 'boolean') {
      throw new ValidationError({ path: [key], message: `expected a boolean, got ${describe(o[key])}` });
    }
  }
  return o;
}
