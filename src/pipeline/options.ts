import { HiddenClusterer } from '../clustering/clusterer.js';
import { clustererOptionKeys, type HiddenClustererOptions } from '../clustering/options.js';
import { ValidationError } from '../core/errors.js';
import { DEFAULT_SEED } from '../core/rng.js';
import type { ProgressEvent } from '../core/types.js';
import { checkNumber, checkOneOf, checkOptionKeys } from '../core/validate.js';
import { type DistillerOptions, distillerOptionKeys } from '../distill/distiller.js';
import { type RepresentationNetOptions, representationOptionKeys } from '../representation/options.js';
import { defaultGroupStatsOptions, type GroupStatsOptions } from '../solver/group-stats.js';
import { type StochasticBudgetSolverOptions, solverOptionKeys } from '../solver/stochastic-solver.js';
import type { regressionAdjusted } from './adjust.js';
import type { ShrinkagePrior, ShrinkageSpread, ShrinkageVariance } from './shrinkage.js';
import { type AUTO_FIT_WORKERS_MIN_ROWS, checkFitWorkers } from './trainer.js';
import type { GroupClusterer, PipelineStage } from './types.js';

/** How the cell means the plan is solved on are estimated (see {@link HRCPipelineOptions.statsEstimator}). */
export type StatsEstimator = 'mean' | 'aipw';

/** Options of {@link HRCPipeline}. All optional; each component's own options pass through. */
export interface HRCPipelineOptions {
  /** Options of the RepresentationNet (step 1). */
  representation?: RepresentationNetOptions;
  /** Options of the built-in HiddenClusterer (step 2), used when `clusterer` is not given. `k` defaults to {@link defaultK}. */
  clustering?: DefaultClustererOptions;
  /** Your own clusterer instead of the built-in one. */
  clusterer?: GroupClusterer;
  /** Options of GroupStats (step 3). @default { replicates: 200 } */
  stats?: GroupStatsOptions;
  /** Options of the StochasticBudgetSolver (step 4), including `solver` (a backend name or your own MIPSolver). */
  solver?: StochasticBudgetSolverOptions;
  /** Per-user budgets of the allocation table. @default 24 points from the cheapest plan to the richest useful one */
  budgets?: readonly number[];
  /** Options of the Distiller (step 5). */
  distiller?: DistillerOptions;
  /**
   * Cross-fitting folds of the representation: with 2 or more, one RepresentationNet is trained per fold on the other
   * folds, every trial row is placed in the uplift space by the network that did not see it, and groups are formed
   * there, so the group statistics the plan is solved on are honest. 0 or 1: a single network on all rows (the
   * paper's set-up). Each fold's network has the RepresentationNet's own options (a `[256, 128]` trunk by default)
   * and is one member of an ensemble: the ensemble's mean prediction places new users. @default 4
   */
  crossFit?: number;
  /**
   * The space the groups are formed in. `'uplift'`: each row's predicted response and cost uplift of every arm over
   * control (the heads' outputs); `'hidden'`: the trunk's hidden representation h(x), as in the paper (needs
   * `crossFit` 0 or 1). @default 'uplift'
   */
  groupOn?: 'uplift' | 'hidden';
  /**
   * Which grouping of the trial rows the group statistics (and so the plan) come from: `'student'`, the distilled
   * classifier that serves the decisions, or `'teacher'`, the clusterer's (the paper's). @default 'student'
   */
  statsFrom?: 'student' | 'teacher';
  /**
   * Empirical-Bayes shrinkage of each group's uplift toward a prior before solving (see {@link shrinkGroupUplift}):
   * `'model'`, a line through the model's predicted uplift of the group; `'pooled'`, the arm's mean over groups;
   * `'none'`, the raw trial means (the paper's). @default 'model'
   */
  shrinkage?: ShrinkagePrior;
  /**
   * The sampling variance the shrinkage gives each group's uplift (see {@link ShrinkageVariance}): the group's own,
   * the arm's pooled over groups, or the larger of the two. @default 'group'
   */
  shrinkageVariance?: ShrinkageVariance;
  /**
   * Empirical-Bayes shrinkage of each group's response difference between treatment arms (with two or more
   * treatment arms): the difference to the treatment arm with the most trial weight is shrunk toward the arms' pooled
   * difference (`'pooled'`) or a line through the model's predicted difference (`'model'`). A group then gets another
   * arm than the rest only where the trial shows that arms' differences vary between groups beyond noise.
   * `'none'`: each arm's uplift is shrunk on its own. @default 'none'
   */
  contrastShrinkage?: ShrinkagePrior;
  /** How the shrinkage estimates the between-group variance of the true uplift (see {@link ShrinkageSpread}). @default 'moments' */
  shrinkageSpread?: ShrinkageSpread;
  /**
   * How each (group, arm) cell's mean response (and cost, where cost varies within an arm) is estimated from the
   * trial rows. `'mean'`: the plain mean of the arm's rows in the group. `'aipw'`: regression-adjusted (augmented
   * IPW): the cross-fitted networks' mean prediction for the arm over all of the group's rows plus the mean residual
   * of the arm's own rows (see {@link regressionAdjusted}); unbiased, with the residuals' noise instead of the
   * outcomes'. Needs `crossFit` of 2 or more (honest predictions). @default 'mean'
   */
  statsEstimator?: StatsEstimator;
  /**
   * Strength of the representation networks' prior of homogeneous effects (RepresentationNet `upliftL2`), or the
   * strengths to choose it from. `'auto'`: with `crossFit` of 2 or more, choose between 0 and 0.1
   * ({@link autoUpliftL2Candidates}) by the held-out uplift loss of the cross-fitted networks on the trial rows
   * (see {@link crossFitNets}; the choice is in {@link HRCPipeline.upliftL2Choice}); with a single network, 0. A number
   * fixes the strength; a list of two or more is chosen from as `'auto'` does and needs `crossFit` of 2 or more.
   * Give it here or as `representation.upliftL2`, not both. @default 'auto'
   */
  upliftL2?: 'auto' | number | readonly number[];
  /**
   * Worker threads that train the cross-fitted networks (`crossFit` of 2 or more), several networks at once. The
   * networks, and so every result, are the same whatever the number: only the fit time changes. `'auto'`: under Node
   * with the `cpu` or `wasm` backend, from {@link AUTO_FIT_WORKERS_MIN_ROWS} training rows on and without a
   * `representation.onEpochEnd` callback, as many workers as the cores (at most as many as the networks trained at
   * once); otherwise 1. `1`: every network in this thread (as in a browser). A larger number needs Node.
   * @default 'auto'
   */
  fitWorkers?: 'auto' | number;
  /**
   * Integer shares of groups in the plan {@link HRCPipeline.assign} solves for each batch (see
   * `AllocationPolicy.decideBatchWithin`): with U > 1 a batch's plan may split a group between arms in units of 1/U
   * of the group's users in the batch (exact counts, the users in the order of a hash of their features), so it
   * fills the budget more closely than whole groups. 1: whole groups. The stored plans (`policy.decide`,
   * `decideBatch`, `toSQL`) keep `solver.shares`. @default 1
   */
  assignShares?: number;
  /** Seed of every component (each derives its own child seed). @default 42 */
  seed?: number;
  /** Called at the start of each stage. */
  onProgress?: (event: ProgressEvent & { stage: PipelineStage }) => void;
}

/** Defaults of {@link HRCPipelineOptions}. */
export const defaultHRCPipelineOptions = {
  stats: { replicates: 200 } as GroupStatsOptions,
  solver: { formulation: 'expected', minCount: 20 } as StochasticBudgetSolverOptions,
  seed: DEFAULT_SEED,
  crossFit: 4,
  groupOn: 'uplift' as 'uplift' | 'hidden',
  statsFrom: 'student' as 'student' | 'teacher',
  shrinkage: 'model' as ShrinkagePrior,
  shrinkageVariance: 'group' as ShrinkageVariance,
  contrastShrinkage: 'none' as ShrinkagePrior,
  shrinkageSpread: 'moments' as ShrinkageSpread,
  statsEstimator: 'mean' as StatsEstimator,
  upliftL2: 'auto' as 'auto' | number | readonly number[],
  fitWorkers: 'auto' as 'auto' | number,
  assignShares: 1,
};

/** The `upliftL2` strengths that `upliftL2: 'auto'` chooses from. */
export const autoUpliftL2Candidates: readonly number[] = [0, 0.1];

/** The options of the paper's HRC (no cross-fitting, groups on the hidden representation, teacher statistics). */
export const paperHRCOptions = {
  crossFit: 0,
  groupOn: 'hidden',
  statsFrom: 'teacher',
  shrinkage: 'none',
  contrastShrinkage: 'none',
} as const satisfies HRCPipelineOptions;

/** The design choices of a pipeline, with defaults filled in and checked. */
export function resolveDesign(o: HRCPipelineOptions): {
  crossFit: number;
  groupOn: 'uplift' | 'hidden';
  statsFrom: 'student' | 'teacher';
  shrinkage: ShrinkagePrior;
  shrinkageVariance: ShrinkageVariance;
  contrastShrinkage: ShrinkagePrior;
  shrinkageSpread: ShrinkageSpread;
  statsEstimator: StatsEstimator;
  /** The `upliftL2` strengths to choose from (one: fixed). */
  upliftL2: readonly number[];
} {
  const shrinkage = o.shrinkage ?? defaultHRCPipelineOptions.shrinkage;
  checkOneOf('shrinkage', shrinkage, ['model', 'pooled', 'none']);
  const shrinkageVariance = o.shrinkageVariance ?? defaultHRCPipelineOptions.shrinkageVariance;
  checkOneOf('shrinkageVariance', shrinkageVariance, ['group', 'pooled', 'max']);
  const contrastShrinkage = o.contrastShrinkage ?? defaultHRCPipelineOptions.contrastShrinkage;
  checkOneOf('contrastShrinkage', contrastShrinkage, ['model', 'pooled', 'none']);
  const shrinkageSpread = o.shrinkageSpread ?? defaultHRCPipelineOptions.shrinkageSpread;
  checkOneOf('shrinkageSpread', shrinkageSpread, ['moments', 'robust']);
  const statsEstimator = o.statsEstimator ?? defaultHRCPipelineOptions.statsEstimator;
  checkOneOf('statsEstimator', statsEstimator, ['mean', 'aipw']);
  const crossFit = o.crossFit ?? defaultHRCPipelineOptions.crossFit;
  const groupOn = o.groupOn ?? defaultHRCPipelineOptions.groupOn;
  const statsFrom = o.statsFrom ?? defaultHRCPipelineOptions.statsFrom;
  checkNumber('crossFit', crossFit, { min: 0, max: 20, integer: true });
  checkOneOf('groupOn', groupOn, ['uplift', 'hidden']);
  checkOneOf('statsFrom', statsFrom, ['student', 'teacher']);
  if (groupOn === 'hidden' && crossFit >= 2) {
    throw new ValidationError({
      path: ['groupOn'],
      message: "'hidden' groups need a single network (crossFit 0 or 1): each fold's network has its own hidden space",
    });
  }
  if (statsEstimator === 'aipw' && crossFit < 2) {
    throw new ValidationError({
      path: ['statsEstimator'],
      message: "'aipw' needs out-of-fold predictions of the trial rows: set crossFit to 2 or more",
    });
  }
  const upliftL2 = resolveUpliftL2(o, crossFit);
  return {
    upliftL2,
    crossFit,
    groupOn,
    statsFrom,
    shrinkage,
    shrinkageVariance,
    contrastShrinkage,
    shrinkageSpread,
    statsEstimator,
  };
}

function resolveUpliftL2(o: HRCPipelineOptions, crossFit: number): readonly number[] {
  const own = o.representation?.upliftL2;
  if (own !== undefined && o.upliftL2 !== undefined) {
    throw new ValidationError({
      path: ['upliftL2'],
      message: 'given both as upliftL2 and as representation.upliftL2: give one',
    });
  }
  if (own !== undefined) return [own];
  const u = o.upliftL2 ?? defaultHRCPipelineOptions.upliftL2;
  if (u === 'auto') return crossFit >= 2 ? autoUpliftL2Candidates : [0];
  if (typeof u === 'number') {
    checkNumber('upliftL2', u, { min: 0 });
    return [u];
  }
  if (!Array.isArray(u) || u.length === 0) {
    throw new ValidationError({
      path: ['upliftL2'],
      message: `expected 'auto', a number >= 0 or a non-empty list of them, got ${JSON.stringify(u)}`,
    });
  }
  u.forEach((x, i) => {
    checkNumber(`upliftL2[${i}]`, x, { min: 0 });
  });
  if (new Set(u).size !== u.length) {
    throw new ValidationError({ path: ['upliftL2'], message: `expected distinct strengths, got ${JSON.stringify(u)}` });
  }
  if (u.length > 1 && crossFit < 2) {
    throw new ValidationError({
      path: ['upliftL2'],
      message: 'choosing among strengths needs held-out predictions of the trial rows: set crossFit to 2 or more',
    });
  }
  return [...u];
}

const PIPELINE_KEYS = [
  'fitWorkers',
  'assignShares',
  'representation',
  'clustering',
  'clusterer',
  'stats',
  'solver',
  'budgets',
  'distiller',
  'crossFit',
  'groupOn',
  'statsFrom',
  'shrinkage',
  'shrinkageVariance',
  'contrastShrinkage',
  'shrinkageSpread',
  'statsEstimator',
  'upliftL2',
  'seed',
  'onProgress',
] as const satisfies readonly (keyof HRCPipelineOptions)[];

/** Rejects unknown keys of the pipeline's options and of each component's options, naming the nearest key. */
export function checkPipelineOptions(o: HRCPipelineOptions): void {
  checkOptionKeys(o, PIPELINE_KEYS);
  checkFitWorkers(o.fitWorkers);
  if (o.assignShares !== undefined) checkNumber('assignShares', o.assignShares, { min: 1, max: 1000, integer: true });
  checkOptionKeys(o.representation, representationOptionKeys, ['representation']);
  checkOptionKeys(o.clustering, clustererOptionKeys, ['clustering']);
  checkOptionKeys(o.stats, Object.keys(defaultGroupStatsOptions), ['stats']);
  checkOptionKeys(o.solver, solverOptionKeys, ['solver']);
  checkOptionKeys(o.distiller, distillerOptionKeys, ['distiller']);
}

/**
 * The default number of groups: about 250 trial rows per (group, arm) cell, between 4 and 32. Held-out choice of K
 * (`clustering: { k: 'auto' }`) is available but noisy; see docs/clustering.md.
 */
export function defaultK(n: number, m: number): number {
  return Math.min(32, Math.max(4, Math.round(n / (250 * m))));
}

/** Options of the pipeline's built-in clusterer: those of {@link HiddenClusterer}. */
export type DefaultClustererOptions = HiddenClustererOptions;

/** The pipeline's default clusterer: a {@link HiddenClusterer} (which implements {@link GroupClusterer}). */
export function defaultClusterer(options: DefaultClustererOptions = {}): HiddenClusterer {
  return new HiddenClusterer(options);
}
