import * as v from 'valibot';
import { clustererOptionKeys } from '../clustering/options.js';
import { InfeasibleBudgetError, NotFittedError, SerializationError, ValidationError } from '../core/errors.js';
import { DEFAULT_SEED, deriveSeed } from '../core/rng.js';
import { type Budget, type BudgetAllocator, budgetTotal, type ProgressEvent } from '../core/types.js';
import { checkBudget, checkFeatures, checkOptionKeys } from '../core/validate.js';
import type { RctDataset } from '../data/dataset.js';
import { Distiller, type DistillerOptions, distillerOptionKeys } from '../distill/distiller.js';
import { datasetFingerprint } from '../policy/fingerprint.js';
import { AllocationPolicy, policyMetadata } from '../policy/policy.js';
import type { RepresentationNetOptions } from '../representation/options.js';
import { representationOptionKeys } from '../representation/options.js';
import { RepresentationNet } from '../representation/representation.js';
import { checkTrainingData } from '../representation/validate.js';
import type { AllocationTable } from '../solver/allocation-table.js';
import { defaultGroupStatsOptions, GroupStats, type GroupStatsOptions } from '../solver/group-stats.js';
import { checkJson } from '../solver/schema.js';
import {
  StochasticBudgetSolver,
  type StochasticBudgetSolverOptions,
  solverOptionKeys,
} from '../solver/stochastic-solver.js';
import { type DefaultClustererOptions, defaultClusterer } from './clusterer.js';
import { defaultBudgetGrid } from './grid.js';
import { mergeSmallGroups, remapDistances, remapGroups } from './merge.js';
import type { GroupClusterer, PipelineStage } from './types.js';

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
  /** Options of the StochasticBudgetSolver (step 4), including `solver` (a backend name or your own MipSolver). */
  solver?: StochasticBudgetSolverOptions;
  /** Per-user budgets of the allocation table. @default 24 points from the cheapest plan to the richest useful one */
  budgets?: readonly number[];
  /** Options of the Distiller (step 5). */
  distiller?: DistillerOptions;
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
};

/** The envelope of {@link HRCPipeline.toJSON}; the policy inside has its own schema. */
const pipelineSchema = v.strictObject({
  kind: v.literal('HRCPipeline'),
  formatVersion: v.literal(1),
  params: v.strictObject({ seed: v.optional(v.pipe(v.number(), v.finite())) }),
  state: v.strictObject({ policy: v.unknown() }),
});

const PIPELINE_KEYS = [
  'representation',
  'clustering',
  'clusterer',
  'stats',
  'solver',
  'budgets',
  'distiller',
  'seed',
  'onProgress',
] as const satisfies readonly (keyof HRCPipelineOptions)[];

/** Rejects unknown keys of the pipeline's options and of each component's options, naming the nearest key. */
function checkPipelineOptions(o: HRCPipelineOptions): void {
  checkOptionKeys(o, PIPELINE_KEYS);
  checkOptionKeys(o.representation, representationOptionKeys, ['representation']);
  checkOptionKeys(o.clustering, clustererOptionKeys, ['clustering']);
  checkOptionKeys(o.stats, Object.keys(defaultGroupStatsOptions), ['stats']);
  checkOptionKeys(o.solver, solverOptionKeys, ['solver']);
  checkOptionKeys(o.distiller, distillerOptionKeys, ['distiller']);
}

interface Fitted {
  policy: AllocationPolicy;
  net: RepresentationNet | undefined;
  clusterer: GroupClusterer | undefined;
  groups: Int32Array | undefined;
  /** Original cluster to (possibly merged) group. */
  groupMap: Int32Array | undefined;
  d: number;
}

/**
 * The whole HRC method as one {@link BudgetAllocator}: RepresentationNet -> HiddenClusterer on the hidden
 * representation -> GroupStats -> StochasticBudgetSolver over a budget grid -> Distiller ->
 * {@link AllocationPolicy}. Every component can be configured or replaced through the options.
 *
 * @example
 * ```ts
 * const { train, test } = simulateCouponTrial({ nTrain: 50_000, seed: 1 });
 * const hrc = await new HRCPipeline({ seed: 1 }).fit(train);
 * const arms = await hrc.assign(test.features, { perUser: 0.5 });
 * await writeFile('policy.json', JSON.stringify(hrc.policy));
 * ```
 */
export class HRCPipeline implements BudgetAllocator {
  readonly name = 'hrc';
  readonly options: HRCPipelineOptions;
  private fitted: Fitted | undefined;
  private disposed = false;

  constructor(options: HRCPipelineOptions = {}) {
    this.options = options;
  }

  /** Runs all stages on a randomized trial. Refitting starts over. */
  async fit(train: RctDataset): Promise<this> {
    checkPipelineOptions(this.options);
    checkTrainingData(train);
    const seed = this.options.seed ?? DEFAULT_SEED;
    const progress = (stage: PipelineStage, message?: string) =>
      this.options.onProgress?.({ stage, ...(message !== undefined ? { message } : {}) });
    this.dispose();
    progress('representation', `training on ${train.n} rows`);
    const net = new RepresentationNet({ seed: deriveSeed(seed, 'representation'), ...this.options.representation });
    await net.fit(train);
    try {
      const z = net.embed(train.features);
      const ed = net.embeddingDim;
      progress('clustering');
      const clusterer =
        this.options.clusterer ??
        defaultClusterer({
          seed: deriveSeed(seed, 'clustering'),
          k: defaultK(train.n, train.treatmentNames.length),
          ...this.options.clustering,
        });
      await clusterer.fit(z, ed, train);
      const solverOptions: StochasticBudgetSolverOptions = {
        ...defaultHRCPipelineOptions.solver,
        seed: deriveSeed(seed, 'solver'),
        ...this.options.solver,
      };
      const k0 = clusterer.k;
      const sq0 = clusterer.sqDistances(z);
      const clusters = clusterer.predict(z);
      const groupMap = mergeSmallGroups(clusters, k0, sq0, train.treatment, solverOptions.minCount ?? 1);
      const k = Math.max(...groupMap) + 1;
      const groups = remapGroups(clusters, groupMap);
      progress('stats', k === k0 ? `${k} groups` : `${k} groups (${k0 - k} with too few control rows merged)`);
      const stats = GroupStats.from(train, groups, k, {
        ...defaultHRCPipelineOptions.stats,
        seed: deriveSeed(seed, 'stats'),
        ...this.options.stats,
      });
      progress('solve');
      const table = await solveGrid(
        stats,
        solverOptions,
        this.options.budgets ?? defaultBudgetGrid(stats),
        train.treatmentNames,
      );
      progress('distill');
      const distiller = await new Distiller({ seed: deriveSeed(seed, 'distiller'), ...this.options.distiller }).fit(
        train.features,
        train.d,
        {
          k,
          groups,
          sqDistances: k === k0 ? sq0 : remapDistances(sq0, train.n, k0, groupMap, k),
        },
      );
      const policy = new AllocationPolicy({
        student: distiller.student,
        table,
        stats,
        solverOptions: plainSolverOptions(solverOptions),
        ...(train.encoding !== undefined ? { encoding: train.encoding } : {}),
        featureNames: train.featureNames,
        treatmentNames: train.treatmentNames,
        metadata: policyMetadata({
          seed,
          method: 'hrc',
          dataFingerprint: datasetFingerprint(train),
          distillAgreement: distiller.agreement,
        }),
      });
      this.fitted = { policy, net, clusterer, groups, groupMap, d: train.d };
      this.disposed = false;
      progress('done');
    } catch (e) {
      net.dispose();
      throw e;
    }
    return this;
  }

  /** The serving artifact. */
  get policy(): AllocationPolicy {
    return this.need('policy').policy;
  }

  /** The teacher's group of each training row (from the clusterer, before distillation). */
  get trainGroups(): Int32Array {
    const g = this.need('trainGroups').groups;
    if (g === undefined)
      throw new ValidationError({ path: ['trainGroups'], message: 'not kept by a pipeline restored from JSON' });
    return g;
  }

  /**
   * Arms for the users in `features` under `budget` by the distilled policy. A per-user budget that is not on the
   * policy's grid is solved exactly (from the stored GroupStats); a total budget is spread over these users.
   */
  async assign(features: Float32Array, budget: Budget): Promise<Int32Array> {
    const { policy, d } = this.need('assign');
    const n = checkFeatures(features, d);
    const perUser = budgetTotal(checkBudget(budget), n) / Math.max(1, n);
    return (await policy.atBudget(perUser)).decideBatch(features, { perUser });
  }

  /**
   * The expected total cost of an assignment under the model: each user's group (by the student) and arm give the
   * per-capita cost measured in the trial for that (group, arm) cell.
   */
  async expectedCost(features: Float32Array, arms: Int32Array): Promise<number> {
    const { policy, d } = this.need('expectedCost');
    const n = checkFeatures(features, d);
    if (!(arms instanceof Int32Array) || arms.length !== n) {
      throw new ValidationError({ path: ['arms'], message: `expected an Int32Array of ${n} arm indices` });
    }
    const stats = policy.stats;
    if (stats === undefined)
      throw new ValidationError({ path: ['expectedCost'], message: 'the policy holds no GroupStats' });
    let total = 0;
    for (let i = 0; i < n; i++) {
      const a = arms[i] as number;
      if (!(a >= 0 && a < stats.m))
        throw new ValidationError({
          path: ['arms', i],
          message: `expected an arm index in 0..${stats.m - 1}, got ${a}`,
        });
      const c = stats.cell(policy.groupOf(features, i * d), a);
      total += c.count > 0 ? c.cost : 0;
    }
    return total;
  }

  /** Arms by the teacher (representation + clusterer, no distillation), for comparing the student with it. */
  async assignTeacher(features: Float32Array, budget: Budget): Promise<Int32Array> {
    const { policy, d, net, clusterer, groupMap } = this.need('assignTeacher');
    if (net === undefined || clusterer === undefined || groupMap === undefined) {
      throw new ValidationError({
        path: ['assignTeacher'],
        message: 'the teacher is not kept by a pipeline restored from JSON',
      });
    }
    const n = checkFeatures(features, d);
    const perUser = budgetTotal(checkBudget(budget), n) / Math.max(1, n);
    const p = await policy.atBudget(perUser);
    const groups = remapGroups(clusterer.predict(net.embed(features)), groupMap);
    const plan = p.planFor({ perUser });
    const arms = new Int32Array(n);
    for (let i = 0; i < n; i++) arms[i] = p.table.armFor(plan, groups[i] as number);
    return arms;
  }

  /** The trained RepresentationNet (undefined after fromJSON). */
  get representation(): RepresentationNet | undefined {
    return this.need('representation').net;
  }

  /** Versioned JSON holding the policy (the teacher networks are not serialized). */
  toJSON(): { kind: 'HRCPipeline'; formatVersion: 1; params: Record<string, unknown>; state: Record<string, unknown> } {
    const { policy } = this.need('toJSON');
    return {
      kind: 'HRCPipeline',
      formatVersion: 1,
      params: { seed: this.options.seed ?? DEFAULT_SEED },
      state: { policy: policy.toJSON() },
    };
  }

  /** Restores a pipeline that assigns with its policy. Throws SerializationError on bad input. */
  static fromJSON(json: unknown): HRCPipeline {
    const j = json as {
      kind?: unknown;
      formatVersion?: unknown;
      params?: { seed?: unknown };
      state?: { policy?: unknown };
    };
    if (typeof json !== 'object' || json === null || j.kind !== 'HRCPipeline')
      throw new SerializationError("expected kind 'HRCPipeline'");
    checkJson(pipelineSchema, json, 'HRCPipeline');
    const policy = AllocationPolicy.fromJSON(j.state?.policy);
    const seed = typeof j.params?.seed === 'number' ? j.params.seed : DEFAULT_SEED;
    const p = new HRCPipeline({ seed });
    p.fitted = { policy, net: undefined, clusterer: undefined, groups: undefined, groupMap: undefined, d: policy.d };
    return p;
  }

  /** Frees the representation network's tensors. */
  dispose(): void {
    if (this.fitted !== undefined) this.disposed = true;
    this.fitted?.net?.dispose();
    this.fitted = undefined;
  }

  private need(method: string): Fitted {
    if (this.fitted === undefined) throw new NotFittedError('HRCPipeline', method, this.disposed);
    return this.fitted;
  }
}

/**
 * The default number of groups: about 250 trial rows per (group, arm) cell, between 4 and 32. Held-out choice of K
 * (`clustering: { k: 'auto' }`) is available but noisy; see docs/clustering.md.
 */
export function defaultK(n: number, m: number): number {
  return Math.min(32, Math.max(4, Math.round(n / (250 * m))));
}

/** Solves the grid, dropping grid points below the formulation's cheapest plan. */
async function solveGrid(
  stats: GroupStats,
  options: StochasticBudgetSolverOptions,
  budgets: readonly number[],
  armNames: readonly string[],
): Promise<AllocationTable> {
  const solver = new StochasticBudgetSolver(options);
  let grid = [...budgets].sort((a, b) => a - b);
  try {
    return await solver.solve(stats, { budgets: grid, armNames });
  } catch (e) {
    if (!(e instanceof InfeasibleBudgetError)) throw e;
    const min = e.minimum;
    grid = grid.filter((b) => b >= min);
    if (grid.length === 0 || (grid[0] as number) > min * (1 + 1e-9) + 1e-12) grid.unshift(min * (1 + 1e-9) + 1e-12);
    return solver.solve(stats, { budgets: grid, armNames });
  }
}

/** The JSON-safe part of solver options (no callbacks or solver objects). */
function plainSolverOptions(o: StochasticBudgetSolverOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(o)) {
    if (typeof v === 'function') continue;
    if (key === 'solver' && typeof v !== 'string') continue;
    out[key] = v;
  }
  return out;
}
