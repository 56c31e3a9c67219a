import * as v from 'valibot';
import { readyBackend } from '../backend/index.js';
import { readEnvelope } from '../core/envelope.js';
import { NotFittedError, ValidationError } from '../core/errors.js';
import { matrix } from '../core/matrix.js';
import { DEFAULT_SEED, deriveSeed } from '../core/rng.js';
import { type Budget, type BudgetAllocator, budgetTotal, type Matrix, type ProfitAllocator } from '../core/types.js';
import { checkBudget, checkFeatures } from '../core/validate.js';
import type { RCTDataset } from '../data/dataset.js';
import { Distiller } from '../distill/distiller.js';
import { datasetFingerprint } from '../policy/fingerprint.js';
import { AllocationPolicy, policyMetadata } from '../policy/policy.js';
import type { RepresentationNetOptions } from '../representation/options.js';
import { RepresentationNet } from '../representation/representation.js';
import { checkTrainingData } from '../representation/validate.js';
import type { StochasticBudgetSolverOptions } from '../solver/stochastic-solver.js';
import { costVariesWithinArms, crossFitNets, type UpliftL2Choice, upliftSpace } from './crossfit.js';
import { defaultBudgetGrid } from './grid.js';
import { mergeSmallGroups, remapDistances, remapGroups } from './merge.js';
import {
  checkPipelineOptions,
  defaultClusterer,
  defaultHRCPipelineOptions,
  defaultK,
  type HRCPipelineOptions,
  paperHRCOptions,
  resolveDesign,
} from './options.js';
import { groupPredictedUplift, type ShrinkageFit, shrinkGroupUplift } from './shrinkage.js';
import { plainSolverOptions, servedStats, solveGrid } from './solve.js';
import { type Teacher, teacherSpace } from './teacher.js';
import { resolveNetTrainer } from './trainer.js';
import type { GroupClusterer, PipelineStage } from './types.js';

/** The envelope of {@link HRCPipeline.toJSON}; the policy inside has its own schema. */
const pipelineSchema = v.strictObject({
  kind: v.literal('HRCPipeline'),
  formatVersion: v.literal(1),
  params: v.strictObject({ seed: v.optional(v.pipe(v.number(), v.finite())) }),
  state: v.strictObject({ policy: v.unknown() }),
});

interface Fitted {
  policy: AllocationPolicy;
  teacher: Teacher | undefined;
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
export class HRCPipeline implements ProfitAllocator {
  readonly name: string = 'hrc';
  readonly options: HRCPipelineOptions;
  private fitted: Fitted | undefined;
  private shrinkageFits: readonly ShrinkageFit[] = [];
  private upliftL2Chosen: UpliftL2Choice | undefined;
  private disposed = false;

  constructor(options: HRCPipelineOptions = {}) {
    this.options = options;
  }

  /** Runs all stages on a randomized trial. Refitting starts over. */
  async fit(train: RCTDataset): Promise<this> {
    checkPipelineOptions(this.options);
    checkTrainingData(train);
    const seed = this.options.seed ?? DEFAULT_SEED;
    const progress = (stage: PipelineStage, message?: string) =>
      this.options.onProgress?.({ stage, ...(message !== undefined ? { message } : {}) });
    const design = resolveDesign(this.options);
    this.dispose();
    this.upliftL2Chosen = undefined;
    const m = train.treatmentNames.length;
    const repOptions: RepresentationNetOptions = {
      seed: deriveSeed(seed, 'representation'),
      ...this.options.representation,
      ...(design.upliftL2.length === 1 && design.upliftL2[0] !== 0 ? { upliftL2: design.upliftL2[0] } : {}),
    };
    const x = matrix(train.features, train.d, 'features');
    let teacher: Teacher;
    let rowPred: { response: Float32Array; cost: Float32Array };
    let z: Matrix;
    if (design.crossFit >= 2) {
      const trainer = await resolveNetTrainer(this.options.fitWorkers ?? defaultHRCPipelineOptions.fitWorkers, {
        rows: train.n,
        // The most networks trained at once: a compared fold's candidates, or the folds left after the first.
        maxJobs: Math.max(design.upliftL2.length, design.crossFit - 1),
        backend: await readyBackend(),
        options: repOptions,
      });
      const on = trainer.concurrency > 1 ? `, ${trainer.concurrency} at a time on worker threads` : '';
      progress('representation', `training ${design.crossFit} cross-fitted networks on ${train.n} rows${on}`);
      let cf: Awaited<ReturnType<typeof crossFitNets>>;
      try {
        cf = await crossFitNets(
          train,
          design.crossFit,
          repOptions,
          deriveSeed(seed, 'representation'),
          (f) => progress('representation', `fold ${f + 1} of ${design.crossFit}`),
          design.upliftL2.length > 1 ? { candidates: design.upliftL2 } : undefined,
          trainer,
        );
      } finally {
        await trainer.close();
      }
      this.upliftL2Chosen = cf.upliftL2;
      if (cf.upliftL2 !== undefined) {
        const c = cf.upliftL2;
        progress(
          'representation',
          `upliftL2 ${c.chosen} chosen from ${c.candidates.join(', ')} by the held-out uplift loss of ${c.rowsCompared} rows`,
        );
      }
      teacher = { nets: cf.nets, space: 'uplift', withCost: costVariesWithinArms(train) };
      rowPred = cf;
      z = upliftSpace(cf, m, teacher.withCost);
    } else {
      progress('representation', `training on ${train.n} rows`);
      const net = new RepresentationNet(repOptions);
      await net.fit(train);
      teacher = { nets: [net], space: design.groupOn, withCost: costVariesWithinArms(train) };
      rowPred =
        design.shrinkage === 'model'
          ? net.predict(x)
          : { response: new Float32Array(train.n * m), cost: new Float32Array(train.n * m) };
      z = teacherSpace(teacher, x);
    }
    try {
      progress('clustering');
      const clusterer =
        this.options.clusterer ??
        defaultClusterer({
          seed: deriveSeed(seed, 'clustering'),
          k: defaultK(train.n, train.treatmentNames.length),
          ...this.options.clustering,
        });
      await clusterer.fit(z, { data: train });
      const solverOptions: StochasticBudgetSolverOptions = {
        ...defaultHRCPipelineOptions.solver,
        seed: deriveSeed(seed, 'solver'),
        ...this.options.solver,
      };
      const k0 = clusterer.k;
      const sq0 = clusterer.sqDistances(z);
      const clusters = clusterer.predict(z);
      const groupMap = mergeSmallGroups(clusters, sq0, {
        treatment: train.treatment,
        minControl: solverOptions.minCount ?? 1,
      });
      const k = Math.max(...groupMap) + 1;
      const teacherGroups = remapGroups(clusters, groupMap);
      progress('distill', k === k0 ? `${k} groups` : `${k} groups (${k0 - k} with too few control rows merged)`);
      const distiller = await new Distiller({ seed: deriveSeed(seed, 'distiller'), ...this.options.distiller }).fit(x, {
        groups: teacherGroups,
        sqDistances: k === k0 ? sq0 : remapDistances(sq0, groupMap, k),
      });
      // The plan is solved on the statistics of the grouping that is served: the student's groups of the trial rows
      // (or the teacher's, as the paper does).
      const groups = design.statsFrom === 'student' ? distiller.predict(x) : teacherGroups;
      progress('stats');
      const rawStats = servedStats(
        train,
        groups,
        teacherGroups,
        k,
        solverOptions.minCount ?? 1,
        { ...defaultHRCPipelineOptions.stats, seed: deriveSeed(seed, 'stats'), ...this.options.stats },
        design.statsEstimator === 'aipw' ? { pred: rowPred, adjustCost: teacher.withCost } : undefined,
      );
      const { stats, fits } = shrinkGroupUplift(
        rawStats,
        groupPredictedUplift(rowPred, m, groups, k),
        design.shrinkage,
        solverOptions.minCount ?? 1,
        {
          variance: design.shrinkageVariance,
          contrast: design.contrastShrinkage,
          spread: design.shrinkageSpread,
        },
      );
      this.shrinkageFits = fits;
      progress('solve');
      const table = await solveGrid(
        stats,
        solverOptions,
        this.options.budgets ?? defaultBudgetGrid(stats),
        train.treatmentNames,
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
          method: this.name,
          dataFingerprint: datasetFingerprint(train),
          distillAgreement: distiller.agreement,
        }),
      });
      this.fitted = { policy, teacher, clusterer, groups, groupMap, d: train.d };
      this.disposed = false;
      progress('done');
    } catch (e) {
      for (const n of teacher.nets) n.dispose();
      throw e;
    }
    return this;
  }

  /** How the last fit shrank the group uplifts (empty with `shrinkage: 'none'`). */
  get shrinkage(): readonly ShrinkageFit[] {
    this.need('shrinkage');
    return this.shrinkageFits;
  }

  /**
   * How the last fit chose the networks' `upliftL2` among several candidates (`upliftL2: 'auto'` or a list, with
   * cross-fitting); undefined when the strength was fixed.
   */
  get upliftL2Choice(): UpliftL2Choice | undefined {
    this.need('upliftL2Choice');
    return this.upliftL2Chosen;
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
   * Profit mode: arms for the users in `features` at the grid budget whose plan maximizes
   * `netValue * incremental response - cost` per user ({@link AllocationPolicy.profitBudget}).
   */
  async profitAssign(features: Float32Array, netValue: number): Promise<Int32Array> {
    const { policy, d } = this.need('profitAssign');
    checkFeatures(features, d);
    return policy.decideBatch(features, policy.profitBudget(netValue));
  }

  /**
   * Arms for the users in `features` under `budget` by the distilled policy, planned for these users' own mix of
   * groups ({@link AllocationPolicy.decideBatchWithin}): the plan is solved from the stored GroupStats with their
   * group sizes, so the model's expected cost of the arms ({@link expectedCost}) stays within the budget. A total
   * budget is spread over these users.
   */
  async assign(features: Float32Array, budget: Budget): Promise<Int32Array> {
    const { policy, d } = this.need('assign');
    checkFeatures(features, d);
    const shares = this.options.assignShares ?? defaultHRCPipelineOptions.assignShares;
    return policy.decideBatchWithin(features, checkBudget(budget), shares > 1 ? { shares } : {});
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
    const { policy, d, teacher, clusterer, groupMap } = this.need('assignTeacher');
    if (teacher === undefined || clusterer === undefined || groupMap === undefined) {
      throw new ValidationError({
        path: ['assignTeacher'],
        message: 'the teacher is not kept by a pipeline restored from JSON',
      });
    }
    const n = checkFeatures(features, d);
    const perUser = budgetTotal(checkBudget(budget), n) / Math.max(1, n);
    const p = await policy.atBudget(perUser);
    const groups = remapGroups(clusterer.predict(teacherSpace(teacher, matrix(features, d, 'features'))), groupMap);
    const plan = p.planFor({ perUser });
    const arms = new Int32Array(n);
    for (let i = 0; i < n; i++) arms[i] = p.table.armFor(plan, groups[i] as number);
    return arms;
  }

  /** The trained RepresentationNet: the first fold's when cross-fitted (undefined after fromJSON). */
  get representation(): RepresentationNet | undefined {
    return this.need('representation').teacher?.nets[0];
  }

  /** Every trained RepresentationNet: one per fold when cross-fitted, else one (empty after fromJSON). */
  get representations(): readonly RepresentationNet[] {
    return this.need('representations').teacher?.nets ?? [];
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
    readEnvelope(json, 'HRCPipeline', 1, pipelineSchema);
    const policy = AllocationPolicy.fromJSON(j.state?.policy);
    const seed = typeof j.params?.seed === 'number' ? j.params.seed : DEFAULT_SEED;
    const p = new HRCPipeline({ seed });
    p.fitted = {
      policy,
      teacher: undefined,
      clusterer: undefined,
      groups: undefined,
      groupMap: undefined,
      d: policy.d,
    };
    return p;
  }

  /** Frees the representation network's tensors. */
  dispose(): void {
    if (this.fitted !== undefined) this.disposed = true;
    for (const n of this.fitted?.teacher?.nets ?? []) n.dispose();
    this.fitted = undefined;
  }

  private need(method: string): Fitted {
    if (this.fitted === undefined) throw new NotFittedError('HRCPipeline', method, this.disposed);
    return this.fitted;
  }
}

/**
 * HRC as the paper describes it: a single RepresentationNet on all trial rows, k-means on its hidden representation
 * h(x), group statistics from the clusterer's groups, no shrinkage ({@link paperHRCOptions} under the given options).
 * Kept for comparison with {@link HRCPipeline}'s defaults; see docs/method.md for where and why they differ.
 */
export class HRCPaperPipeline extends HRCPipeline {
  override readonly name: string = 'hrc-paper';

  constructor(options: HRCPipelineOptions = {}) {
    super({ ...paperHRCOptions, ...options });
  }
}
