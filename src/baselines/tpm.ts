import { checkFeatures } from '../core/validate.js';
import type { RctDataset } from '../data/dataset.js';
import { type ArmPredictions, type BaselineJSON, PathAllocator, readBaselineJSON } from './allocator.js';
import { type BaselineOptions, checkBaselineOptions, defaultBaselineOptions } from './common.js';
import { lagrangianPath } from './path.js';
import {
  type ArmOutcomes,
  checkTwoPhaseNetOptions,
  defaultTwoPhaseNetOptions,
  type TwoPhaseArchitecture,
  TwoPhaseNet,
  type TwoPhaseNetOptions,
} from './twophase.js';

/** Options of {@link TpmSL} and {@link TpmTARNet}. All optional. */
export interface TpmOptions extends BaselineOptions, TwoPhaseNetOptions {}

export const defaultTpmOptions = {
  ...defaultBaselineOptions,
  ...defaultTwoPhaseNetOptions,
} satisfies Required<TpmOptions>;

/**
 * Per-arm increments over control: values and costs for the per-user Lagrangian knapsack, and the costs as the
 * model's expected cost of each arm.
 */
export function incrementsOverControl(out: ArmOutcomes, m: number): { values: Float64Array; costs: Float64Array } {
  const n = out.response.length / m;
  const values = new Float64Array(n * m);
  const costs = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const r0 = out.response[i * m] as number;
    const c0 = out.cost[i * m] as number;
    for (let j = 0; j < m; j++) {
      values[i * m + j] = (out.response[i * m + j] as number) - r0;
      costs[i * m + j] = (out.cost[i * m + j] as number) - c0;
    }
  }
  return { values, costs };
}

/**
 * The shared two-phase allocator: phase 1 predicts every arm's response and cost per user; phase 2 solves the
 * per-user multiple-choice knapsack by its Lagrangian (each user takes the arm maximizing `r_ij - lambda c_ij`;
 * `lambda` falls until the budget is spent), i.e. the {@link lagrangianPath} of the predicted increments.
 */
export abstract class TwoPhaseAllocator extends PathAllocator {
  protected readonly options: Required<TpmOptions>;
  /** @internal */
  protected model: TwoPhaseNet | undefined;
  protected abstract readonly architecture: TwoPhaseArchitecture;

  constructor(options: Required<TpmOptions>) {
    super();
    this.options = options;
  }

  protected get common(): Required<BaselineOptions> {
    return this.options;
  }

  /** @internal */
  protected optionKeys(): readonly string[] {
    return Object.keys(defaultTpmOptions);
  }

  protected checkOptions(): void {
    checkBaselineOptions(this.kind, this.options);
    checkTwoPhaseNetOptions(this.kind, this.options);
  }

  protected async fitModel(train: RctDataset): Promise<void> {
    this.checkOptions();
    this.model = await TwoPhaseNet.train(train, this.architecture, this.options, this.options.seed);
  }

  /** Predicted response and cost of every arm (row-major `n * m`), in the trial's units. */
  async predictOutcomes(features: Float32Array): Promise<ArmOutcomes> {
    const shape = this.requireFitted('predictOutcomes');
    checkFeatures(features, shape.d);
    return (this.model as TwoPhaseNet).predict(features);
  }

  protected predictArms(features: Float32Array, n: number): ArmPredictions {
    const model = this.model as TwoPhaseNet;
    const { values, costs } = incrementsOverControl(model.predict(features), model.m);
    return { costs, path: lagrangianPath(values, costs, n, model.m) };
  }

  protected modelState(): unknown {
    return (this.model as TwoPhaseNet).toJSON();
  }

  protected restoreModel(state: unknown, d: number, m: number): void {
    this.model = TwoPhaseNet.fromJSON(state, d, m, `${this.kind}.state.model`);
    if (this.model.architecture !== this.architecture) {
      this.model.dispose();
      this.model = undefined;
      throw new TypeError(`${this.kind}: expected a ${this.architecture} model`);
    }
  }

  protected params(): Record<string, unknown> {
    return { ...this.options };
  }

  protected releaseModel(): void {
    this.model?.dispose();
    this.model = undefined;
  }
}

/**
 * Two-phase method with an S-learner: one network f(x, arm) with a response and a cost output, the arm given as a
 * one-hot input, trained on each row's received arm; then the per-user Lagrangian knapsack.
 *
 * @example
 * ```ts
 * const tpm = await new TpmSL({ seed: 1, epochs: 20 }).fit(train);
 * const arms = await tpm.assign(test.features, { perUser: 0.5 });
 * tpm.dispose();
 * ```
 */
export class TpmSL extends TwoPhaseAllocator {
  readonly name = 'tpm-sl';
  protected readonly kind = 'TpmSL';
  protected readonly architecture = 'slearner';

  constructor(options: TpmOptions = {}) {
    super({ ...defaultTpmOptions, ...options });
  }

  /** Rebuilds a fitted TpmSL from {@link TpmSL.toJSON} output (untrusted input is validated). */
  static fromJSON(json: unknown): TpmSL {
    const env = readBaselineJSON(json, 'TpmSL');
    const a = new TpmSL(env.params as TpmOptions);
    a.checkOptions();
    return a.restore(env as BaselineJSON);
  }
}

/**
 * Two-phase method with a TARNet: a shared trunk, then one head per arm (its own hidden layer, a response and a cost
 * output), trained on the received arm's head only; then the per-user Lagrangian knapsack.
 */
export class TpmTARNet extends TwoPhaseAllocator {
  readonly name = 'tpm-tarnet';
  protected readonly kind = 'TpmTARNet';
  protected readonly architecture = 'tarnet';

  constructor(options: TpmOptions = {}) {
    super({ ...defaultTpmOptions, ...options });
  }

  /** Rebuilds a fitted TpmTARNet from {@link TpmTARNet.toJSON} output (validated). */
  static fromJSON(json: unknown): TpmTARNet {
    const env = readBaselineJSON(json, 'TpmTARNet');
    const a = new TpmTARNet(env.params as TpmOptions);
    a.checkOptions();
    return a.restore(env as BaselineJSON);
  }
}
