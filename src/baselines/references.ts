import { NotFittedError, SerializationError } from '../core/errors.js';
import { deriveSeed, RNG } from '../core/rng.js';
import type { RCTDataset } from '../data/dataset.js';
import { type BaselineJSON, PathAllocator, type PathPrediction, readBaselineJSON } from './allocator.js';
import { armMeans, type BaselineOptions, checkBaselineOptions, defaultBaselineOptions } from './common.js';
import type { AllocationPath } from './path.js';

/** Options of {@link UniformBest} and {@link RandomAllocator}: only the shared ones. */
export type ReferenceOptions = BaselineOptions;

export const defaultReferenceOptions = { ...defaultBaselineOptions } satisfies Required<ReferenceOptions>;

/** Per-arm trial means: the references' whole model. */
interface ArmModel {
  readonly uplift: readonly number[];
  readonly upcost: readonly number[];
}

/** A path in which user `order[r]` upgrades from control to `arm[order[r]]`, in that order. */
function priorityPath(n: number, arms: Int32Array, upcost: readonly number[], rng: RNG): AllocationPath {
  const order = rng.permutation(n);
  const user: number[] = [];
  for (let r = 0; r < n; r++) if ((arms[order[r] as number] as number) > 0) user.push(order[r] as number);
  const k = user.length;
  const toArm = new Int32Array(k);
  const deltaCost = new Float64Array(k);
  const key = new Float64Array(k);
  user.forEach((u, r) => {
    toArm[r] = arms[u] as number;
    deltaCost[r] = upcost[arms[u] as number] as number;
    key[r] = 1 - r / Math.max(1, k); // a rank: the random priority order
  });
  return { n, startArm: new Int32Array(n), baseCost: 0, user: Int32Array.from(user), toArm, deltaCost, key };
}

/** Net value per user of each arm at `netValue` per unit of response, by the trial's arm means (0 for control). */
function armNetValues(model: ArmModel, netValue: number): number[] {
  return model.uplift.map((u, j) => (j === 0 ? 0 : netValue * u - (model.upcost[j] as number)));
}

function armCosts(n: number, upcost: readonly number[]): Float64Array {
  const m = upcost.length;
  const costs = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) costs[i * m + j] = upcost[j] as number;
  return costs;
}

function checkArmModel(value: unknown, m: number, where: string): ArmModel {
  const v = value as ArmModel | null;
  const ok = (a: unknown) =>
    Array.isArray(a) && a.length === m && a.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (typeof v !== 'object' || v === null || !ok(v.uplift) || !ok(v.upcost)) {
    throw new SerializationError(`${where}: expected { uplift, upcost } with ${m} finite numbers each`);
  }
  return { uplift: [...v.uplift], upcost: [...v.upcost] };
}

/**
 * Reference: the best single arm for everyone, mixed with control to meet the budget. For a per-user budget b, arm j
 * can go to a share `min(1, b / cost_j)` of users (picked at random, seeded), which yields `share * uplift_j`; the
 * arm with the highest yield is used. Uplift and cost per arm are the trial's inverse-propensity-weighted means
 * over control. Spend calibration does not apply: the cost model already is the trial's arm means, which is what
 * calibration would estimate; the arm choice depends on the budget, so there is no single path to calibrate.
 *
 * @example
 * ```ts
 * const ub = await new UniformBest({ seed: 1 }).fit(train);
 * const arms = await ub.assign(test.features, { perUser: 0.5 });
 * ```
 */
export class UniformBest extends PathAllocator {
  readonly name = 'uniform-best';
  protected readonly kind = 'UniformBest';
  protected override readonly calibrates = false;
  protected readonly common: Required<ReferenceOptions>;
  private model: ArmModel | undefined;

  constructor(options: ReferenceOptions = {}) {
    super();
    this.common = { ...defaultReferenceOptions, ...options };
  }

  /** @internal */
  protected optionKeys(): readonly string[] {
    return Object.keys(defaultReferenceOptions);
  }

  /** The arm given to the chosen share of users at a per-user budget (0 when no arm has a positive uplift). */
  bestArm(perUserBudget: number): number {
    const model = this.model;
    if (model === undefined) throw new NotFittedError('UniformBest', 'bestArm');
    let best = 0;
    let bestYield = 0;
    for (let j = 1; j < model.uplift.length; j++) {
      const c = model.upcost[j] as number;
      const share = c > 0 ? Math.min(1, perUserBudget / c) : 1;
      const y = share * (model.uplift[j] as number);
      if (y > bestYield) {
        best = j;
        bestYield = y;
      }
    }
    return best;
  }

  protected async fitModel(train: RCTDataset): Promise<void> {
    checkBaselineOptions('UniformBest', this.common);
    const { uplift, upcost } = armMeans(train);
    this.model = { uplift, upcost };
  }

  protected predictArms(_features: Float32Array, n: number, perUserBudget: number): PathPrediction {
    const model = this.model as ArmModel;
    const arms = new Int32Array(n).fill(this.bestArm(perUserBudget));
    const rng = new RNG(deriveSeed(this.common.seed, 'uniform-best:order'));
    return { costs: armCosts(n, model.upcost), path: priorityPath(n, arms, model.upcost, rng) };
  }

  /** Profit mode: everyone gets the arm with the best positive net value by the trial means, or control if none. */
  protected override profitArms(_features: Float32Array, n: number, netValue: number): Int32Array {
    const net = armNetValues(this.model as ArmModel, netValue);
    let best = 0;
    for (let j = 1; j < net.length; j++) if ((net[j] as number) > (net[best] as number)) best = j;
    return new Int32Array(n).fill(best);
  }

  protected modelState(): unknown {
    return this.model;
  }

  protected restoreModel(state: unknown, _d: number, m: number): void {
    this.model = checkArmModel(state, m, 'UniformBest.state.model');
  }

  protected params(): Record<string, unknown> {
    return { ...this.common };
  }

  protected releaseModel(): void {
    this.model = undefined;
  }

  /** Rebuilds a fitted UniformBest from {@link UniformBest.toJSON} output (untrusted input is validated). */
  static fromJSON(json: unknown): UniformBest {
    const env = readBaselineJSON(json, 'UniformBest');
    const a = new UniformBest(env.params as ReferenceOptions);
    checkBaselineOptions('UniformBest', a.common);
    return a.restore(env as BaselineJSON);
  }
}

/**
 * Reference: each user draws a treatment arm uniformly at random (seeded); users are taken in a random order until
 * the budget is spent, the rest get control. Costs are the trial's per-arm means over control. The floor every
 * method must beat.
 */
export class RandomAllocator extends PathAllocator {
  readonly name = 'random';
  protected readonly kind = 'RandomAllocator';
  protected readonly common: Required<ReferenceOptions>;
  private model: ArmModel | undefined;

  constructor(options: ReferenceOptions = {}) {
    super();
    this.common = { ...defaultReferenceOptions, ...options };
  }

  /** @internal */
  protected optionKeys(): readonly string[] {
    return Object.keys(defaultReferenceOptions);
  }

  protected async fitModel(train: RCTDataset): Promise<void> {
    checkBaselineOptions('RandomAllocator', this.common);
    const { uplift, upcost } = armMeans(train);
    this.model = { uplift, upcost };
  }

  protected predictArms(_features: Float32Array, n: number): PathPrediction {
    const model = this.model as ArmModel;
    const m = model.upcost.length;
    const draw = new RNG(deriveSeed(this.common.seed, 'random:arms'));
    const arms = new Int32Array(n);
    for (let i = 0; i < n; i++) arms[i] = 1 + draw.int(m - 1);
    const rng = new RNG(deriveSeed(this.common.seed, 'random:order'));
    return { costs: armCosts(n, model.upcost), path: priorityPath(n, arms, model.upcost, rng) };
  }

  /** Profit mode: each user's random arm (the same draw as in budget mode) where its trial-mean net value is positive. */
  protected override profitArms(features: Float32Array, n: number, netValue: number): Int32Array {
    const net = armNetValues(this.model as ArmModel, netValue);
    const { path } = this.predictArms(features, n);
    const arms = new Int32Array(n);
    for (let a = 0; a < path.user.length; a++) {
      const j = path.toArm[a] as number;
      if ((net[j] as number) > 0) arms[path.user[a] as number] = j;
    }
    return arms;
  }

  protected modelState(): unknown {
    return this.model;
  }

  protected restoreModel(state: unknown, _d: number, m: number): void {
    this.model = checkArmModel(state, m, 'RandomAllocator.state.model');
  }

  protected params(): Record<string, unknown> {
    return { ...this.common };
  }

  protected releaseModel(): void {
    this.model = undefined;
  }

  /** Rebuilds a fitted RandomAllocator from {@link RandomAllocator.toJSON} output (validated). */
  static fromJSON(json: unknown): RandomAllocator {
    const env = readBaselineJSON(json, 'RandomAllocator');
    const a = new RandomAllocator(env.params as ReferenceOptions);
    checkBaselineOptions('RandomAllocator', a.common);
    return a.restore(env as BaselineJSON);
  }
}
