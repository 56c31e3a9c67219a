import { checkNumber } from '../core/validate.js';
import type { RCTDataset } from '../data/dataset.js';
import { type BaselineJSON, PathAllocator, type PathPrediction, readBaselineJSON } from './allocator.js';
import { type BaselineOptions, checkBaselineOptions, defaultBaselineOptions } from './common.js';
import { defaultNetOptions, type NetOptions } from './net-options.js';
import { checkNetOptions } from './nets.js';
import { ladderPath } from './path.js';
import { RoiNet } from './roinet.js';

/** Options of {@link DHCL}. All optional. */
export interface DHCLOptions extends BaselineOptions, NetOptions {
  /** Weight of the cost head's loss next to the decision-factor loss. @default 1 */
  costWeight?: number;
}

export const defaultDHCLOptions = {
  ...defaultBaselineOptions,
  ...defaultNetOptions,
  batchSize: 512,
  costWeight: 1,
} satisfies Required<DHCLOptions>;

/**
 * Direct heterogeneous causal learning (Zhou et al., "Direct Heterogeneous Causal Learning for Resource Allocation
 * Problems in Marketing", AAAI 2023). Instead of predicting outcomes and solving a knapsack, the network learns
 * decision factors chosen so that the allocation needs only sorting. For the multi-treatment budget problem with
 * arms ordered by cost and diminishing marginal returns, the Lagrangian solution gives a user arm j exactly when the
 * marginal ROI of every step up to j (arm j-1 -> j) is at least the multiplier; the decision factors are these
 * marginal ROIs, learned directly by the loss whose minimizer is the ratio of the step's effects (`roiLoss`,
 * signed IPW weights of the two arms of the step). A cumulative product of sigmoids makes them non-increasing along
 * the ladder, as the theory requires. A cost head (factual MSE) gives each arm's expected cost, so the budget can be
 * filled: all steps are sorted by their factor and taken until the budget is spent.
 *
 * @example
 * ```ts
 * const dhcl = await new DHCL({ seed: 1 }).fit(train);
 * const arms = await dhcl.assign(test.features, { perUser: 0.5 });
 * ```
 */
export class DHCL extends PathAllocator {
  readonly name = 'dhcl';
  protected readonly kind = 'DHCL';
  protected readonly common: Required<DHCLOptions>;
  private model: RoiNet | undefined;

  constructor(options: DHCLOptions = {}) {
    super();
    this.common = { ...defaultDHCLOptions, ...options };
  }

  /** @internal */
  protected optionKeys(): readonly string[] {
    return Object.keys(defaultDHCLOptions);
  }

  private checkOptions(): void {
    checkBaselineOptions('DHCL', this.common);
    checkNetOptions('DHCL', this.common);
    checkNumber('DHCL.costWeight', this.common.costWeight, { min: 0 });
  }

  protected async fitModel(train: RCTDataset): Promise<void> {
    this.checkOptions();
    this.model = await RoiNet.train(train, 'ladder', { ...this.common, dropout: 0 }, this.common.seed);
  }

  /** The decision factors: marginal ROI of each ladder step, row-major `n * (m - 1)`, and the ladder's arm order. */
  decisionFactors(features: Float32Array): { factors: Float32Array; ladder: readonly number[] } {
    this.requireFitted('decisionFactors');
    const model = this.model as RoiNet;
    return { factors: model.predict(features).roi, ladder: model.ladder };
  }

  protected predictArms(features: Float32Array, n: number): PathPrediction {
    const model = this.model as RoiNet;
    const m = model.m;
    const ladder = model.ladder;
    const { roi, cost } = model.predict(features);
    // Costs along the ladder, made non-decreasing (a dearer arm never costs less under the model).
    const ladderCost = new Float64Array(n * m);
    const costs = new Float64Array(n * m);
    for (let i = 0; i < n; i++) {
      let run = 0;
      for (let j = 1; j < m; j++) {
        const arm = ladder[j] as number;
        run = Math.max(run, cost[i * m + arm] as number);
        ladderCost[i * m + j] = run;
        costs[i * m + arm] = run;
      }
    }
    const path = ladderPath(roi, ladderCost, n, m);
    const toArm = Int32Array.from(path.toArm, (j) => ladder[j] as number);
    return { costs, path: { ...path, toArm } };
  }

  protected modelState(): unknown {
    return (this.model as RoiNet).toJSON();
  }

  protected restoreModel(state: unknown, d: number, m: number): void {
    this.model = RoiNet.fromJSON(state, d, m, 'DHCL.state.model');
  }

  protected params(): Record<string, unknown> {
    return { ...this.common };
  }

  protected releaseModel(): void {
    this.model?.dispose();
    this.model = undefined;
  }

  /** Rebuilds a fitted DHCL from {@link DHCL.toJSON} output (untrusted input is validated). */
  static fromJSON(json: unknown): DHCL {
    const env = readBaselineJSON(json, 'DHCL');
    const a = new DHCL(env.params as DHCLOptions);
    a.checkOptions();
    return a.restore(env as BaselineJSON);
  }
}
