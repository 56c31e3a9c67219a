import { checkFeatures } from '../core/validate.js';
import type { RCTDataset } from '../data/dataset.js';
import { type BaselineJSON, PathAllocator, type PathPrediction, readBaselineJSON } from './allocator.js';
import { type BaselineOptions, checkBaselineOptions, defaultBaselineOptions } from './common.js';
import { lagrangianPath } from './path.js';
import { checkTwoPhaseNetOptions, TwoPhaseNet } from './twophase.js';
import {
  type ArmOutcomes,
  defaultTwoPhaseNetOptions,
  type TwoPhaseArchitecture,
  type TwoPhaseModel,
  type TwoPhaseNetOptions,
} from './twophase-options.js';

/** Options of {@link TPMSL} and {@link TPMTARNet}. All optional. */
export interface TPMOptions extends BaselineOptions, TwoPhaseNetOptions {}

export const defaultTPMOptions = {
  ...defaultBaselineOptions,
  ...defaultTwoPhaseNetOptions,
} satisfies Required<TPMOptions>;

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
  protected readonly options: Required<TPMOptions>;
  /** @internal */
  protected model: TwoPhaseModel | undefined;
  protected abstract readonly architecture: TwoPhaseArchitecture;

  constructor(options: Required<TPMOptions>) {
    super();
    this.options = options;
  }

  protected get common(): Required<BaselineOptions> {
    return this.options;
  }

  /** @internal */
  protected optionKeys(): readonly string[] {
    return Object.keys(defaultTPMOptions);
  }

  protected checkOptions(): void {
    checkBaselineOptions(this.kind, this.options);
    checkTwoPhaseNetOptions(this.kind, this.options);
  }

  protected async fitModel(train: RCTDataset): Promise<void> {
    this.checkOptions();
    this.model = await TwoPhaseNet.train(train, this.architecture, this.options, this.options.seed);
  }

  /** Predicted response and cost of every arm (row-major `n * m`), in the trial's units. */
  async predictOutcomes(features: Float32Array): Promise<ArmOutcomes> {
    const shape = this.requireFitted('predictOutcomes');
    checkFeatures(features, shape.d);
    return (this.model as TwoPhaseModel).predict(features);
  }

  protected predictArms(features: Float32Array, n: number): PathPrediction {
    const model = this.model as TwoPhaseModel;
    const { values, costs } = incrementsOverControl(model.predict(features), model.m);
    return { costs, path: lagrangianPath(values, costs, n, model.m) };
  }

  protected modelState(): unknown {
    return (this.model as TwoPhaseModel).toJSON();
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
 * const tpm = await new TPMSL({ seed: 1, epochs: 20 }).fit(train);
 * const arms = await tpm.assign(test.features, { perUser: 0.5 });
 * tpm.dispose();
 * ```
 */
export class TPMSL extends TwoPhaseAllocator {
  readonly name = 'tpm-sl';
  protected readonly kind = 'TpmSL';
  protected readonly architecture = 'slearner';

  constructor(options: TPMOptions = {}) {
    super({ ...defaultTPMOptions, ...options });
  }

  /** Rebuilds a fitted TPMSL from {@link TPMSL.toJSON} output (untrusted input is validated). */
  static fromJSON(json: unknown): TPMSL {
    const env = readBaselineJSON(json, 'TpmSL');
    const a = new TPMSL(env.params as TPMOptions);
    a.checkOptions();
    return a.restore(env as BaselineJSON);
  }
}

/**
 * Two-phase method with a TARNet: a shared trunk, then one head per arm (its own hidden layer, a response and a cost
 * output), trained on the received arm's head only; then the per-user Lagrangian knapsack.
 */
export class TPMTARNet extends TwoPhaseAllocator {
  readonly name = 'tpm-tarnet';
  protected readonly kind = 'TpmTARNet';
  protected readonly architecture = 'tarnet';

  constructor(options: TPMOptions = {}) {
    super({ ...defaultTPMOptions, ...options });
  }

  /** Rebuilds a fitted TPMTARNet from {@link TPMTARNet.toJSON} output (validated). */
  static fromJSON(json: unknown): TPMTARNet {
    const env = readBaselineJSON(json, 'TpmTARNet');
    const a = new TPMTARNet(env.params as TPMOptions);
    a.checkOptions();
    return a.restore(env as BaselineJSON);
  }
}
