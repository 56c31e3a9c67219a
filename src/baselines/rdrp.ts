import { deriveSeed } from '../core/rng.js';
import { checkNumber } from '../core/validate.js';
import { type RCTDataset, subsetRows } from '../data/dataset.js';
import { splitIndices } from '../data/split.js';
import { type BaselineJSON, PathAllocator, type PathPrediction, readBaselineJSON } from './allocator.js';
import { effectAt, fitEffectMap } from './bins.js';
import {
  type BaselineOptions,
  checkBaselineOptions,
  checkPositiveInt,
  defaultBaselineOptions,
  propensities,
} from './common.js';
import { defaultNetOptions, type NetOptions } from './net-options.js';
import { checkNetOptions } from './nets.js';
import { type AllocationPath, armsAtPrefix, lagrangianPath, prefixWithinBudget } from './path.js';
import { RoiNet } from './roinet.js';
import { rdrpModelSchema, readModel } from './schema.js';

/** Options of {@link RDRP}. All optional. */
export interface RDRPOptions extends BaselineOptions, NetOptions {
  /** Dropout rate after every trunk layer, in training and for Monte Carlo dropout. @default 0.1 */
  dropout?: number;
  /** Monte Carlo dropout passes per prediction. @default 20 */
  mcSamples?: number;
  /** Target coverage of the conformal ROI intervals. @default 0.9 */
  coverage?: number;
  /** Share of the fitting rows held out to calibrate the intervals (and choose `beta`). @default 0.25 */
  conformalFraction?: number;
  /** Score quantile bins that give the held-out rows their empirical ROI (the conformal labels). @default 10 */
  conformalBins?: number;
  /**
   * Weight of the interval in the final score `mu - beta * q * sigma` (0: the MC mean; 1: the conformal lower
   * bound). `'auto'` picks 0, 0.5 or 1 by the IPW value of the allocation on the held-out rows. @default 'auto'
   */
  beta?: number | 'auto';
  /** Weight of the cost head's loss. @default 1 */
  costWeight?: number;
}

export const defaultRDRPOptions = {
  ...defaultBaselineOptions,
  ...defaultNetOptions,
  batchSize: 512,
  dropout: 0.1,
  mcSamples: 20,
  coverage: 0.9,
  conformalFraction: 0.25,
  conformalBins: 10,
  beta: 'auto' as number | 'auto',
  costWeight: 1,
} satisfies Required<RDRPOptions>;

interface RDRPModel {
  readonly net: RoiNet;
  /** Conformal quantile of the normalized residual, per treatment arm. */
  readonly q: readonly number[];
  readonly beta: number;
}

/**
 * Robust direct ROI prediction (Ai et al., "Improve ROI with Causal Learning and Conformal Prediction", 2024). The
 * base model predicts each user's ROI directly (the direct ROI loss, `roiLoss`, whose minimizer is the ratio of
 * incremental response to incremental cost) and is trained with dropout. At prediction time Monte Carlo dropout gives
 * a mean `mu` and spread `sigma` per user; split conformal prediction on held-out rows calibrates the interval
 * `mu +- q * sigma` (nonconformity `|ROI_label - mu| / sigma`, where a held-out row's label is the empirical ROI of
 * its score bin, since individual ROIs are never observed). The calibrated ranking score combines point and interval,
 * `mu - beta * q * sigma`, which demotes users whose ROI the model is unsure of.
 *
 * Several arms: one ROI output per treatment arm against control and a cost head per arm; a user's value of arm j is
 * its robust ROI times its predicted incremental cost, and the budget is filled along the per-user Lagrangian path.
 */
export class RDRP extends PathAllocator {
  readonly name = 'rdrp';
  protected readonly kind = 'RDRP';
  protected readonly common: Required<RDRPOptions>;
  private model: RDRPModel | undefined;

  constructor(options: RDRPOptions = {}) {
    super();
    this.common = { ...defaultRDRPOptions, ...options };
  }

  /** @internal */
  protected optionKeys(): readonly string[] {
    return Object.keys(defaultRDRPOptions);
  }

  private checkOptions(): void {
    const o = this.common;
    checkBaselineOptions('RDRP', o);
    checkNetOptions('RDRP', o);
    checkNumber('RDRP.dropout', o.dropout, { min: 0, max: 0.9 });
    checkPositiveInt('RDRP.mcSamples', o.mcSamples);
    checkNumber('RDRP.coverage', o.coverage, { min: 0.5, max: 0.999 });
    checkNumber('RDRP.conformalFraction', o.conformalFraction, { min: 0.05, max: 0.5 });
    checkPositiveInt('RDRP.conformalBins', o.conformalBins);
    if (o.beta !== 'auto') checkNumber('RDRP.beta', o.beta, { min: 0 });
    checkNumber('RDRP.costWeight', o.costWeight, { min: 0 });
  }

  protected async fitModel(train: RCTDataset): Promise<void> {
    this.checkOptions();
    const o = this.common;
    const m = train.treatmentNames.length;
    const { trainRows, testRows } = splitIndices(train, {
      testFraction: o.conformalFraction,
      seed: deriveSeed(o.seed, 'conformal-split'),
    });
    const held = subsetRows(train, testRows);
    const net = await RoiNet.train(subsetRows(train, trainRows), 'control', o, o.seed);
    try {
      const { mu, sigma, cost } = this.monteCarlo(net, held.features);
      const p = propensities(held);
      const q: number[] = [];
      for (let a = 0; a < m - 1; a++) {
        const score = Float64Array.from({ length: held.n }, (_, i) => mu[i * (m - 1) + a] as number);
        const map = fitEffectMap(
          { score, treatment: held.treatment, response: held.response, cost: held.cost, propensity: p },
          a + 1,
          0,
          o.conformalBins,
        );
        const e = Array.from(score, (s, i) => {
          const sd = Math.max(sigma[i * (m - 1) + a] as number, 1e-6 * net.roiMax);
          return Math.abs(effectAt(map, s).roi - s) / sd;
        }).sort((x, y) => x - y);
        const rank = Math.min(e.length, Math.ceil((e.length + 1) * o.coverage)) - 1;
        q.push(e[Math.max(0, rank)] as number);
      }
      let beta = o.beta === 'auto' ? 0 : o.beta;
      if (o.beta === 'auto') {
        let best = Number.NEGATIVE_INFINITY;
        for (const b of [0, 0.5, 1]) {
          const path = robustPath(mu, sigma, cost, q, b, held.n, m);
          const v = heldOutValue(path, held, p);
          if (v > best + 1e-12) {
            best = v;
            beta = b;
          }
        }
      }
      this.model = { net, q, beta };
    } catch (e) {
      net.dispose();
      throw e;
    }
  }

  /** Monte Carlo dropout mean and standard deviation of each arm's ROI, and the (deterministic) arm costs. */
  private monteCarlo(
    net: RoiNet,
    features: Float32Array,
  ): { mu: Float64Array; sigma: Float64Array; cost: Float64Array } {
    const o = this.common;
    const { cost } = net.predict(features);
    const k = cost.length / net.m;
    const len = k * (net.m - 1);
    const sum = new Float64Array(len);
    const sq = new Float64Array(len);
    const draws = o.dropout > 0 ? o.mcSamples : 1;
    for (let t = 0; t < draws; t++) {
      const { roi } = net.predict(features, o.dropout, deriveSeed(o.seed, `mc${t}`));
      for (let r = 0; r < len; r++) {
        const v = roi[r] as number;
        sum[r] = (sum[r] as number) + v;
        sq[r] = (sq[r] as number) + v * v;
      }
    }
    const mu = sum.map((s) => s / draws);
    const sigma = sq.map((s, r) => Math.sqrt(Math.max(0, s / draws - (mu[r] as number) ** 2)));
    return { mu, sigma, cost };
  }

  /** The calibrated ROI scores `mu - beta * q * sigma` (row-major `n * (m - 1)`) and the chosen `beta`. */
  robustScores(features: Float32Array): { score: Float64Array; beta: number } {
    this.requireFitted('robustScores');
    const model = this.model as RDRPModel;
    const { mu, sigma } = this.monteCarlo(model.net, features);
    const k = model.q.length;
    const score = mu.map((v, r) => v - model.beta * (model.q[r % k] as number) * (sigma[r] as number));
    return { score, beta: model.beta };
  }

  protected predictArms(features: Float32Array, n: number): PathPrediction {
    const model = this.model as RDRPModel;
    const { mu, sigma, cost } = this.monteCarlo(model.net, features);
    return { costs: cost, path: robustPath(mu, sigma, cost, model.q, model.beta, n, model.net.m) };
  }

  protected modelState(): unknown {
    const model = this.model as RDRPModel;
    return { q: model.q, beta: model.beta, net: model.net.toJSON() };
  }

  protected restoreModel(state: unknown, d: number, m: number): void {
    const s = readModel(rdrpModelSchema(m), state, 'RDRP.state.model');
    const net = RoiNet.fromJSON(s.net, d, m, 'RDRP.state.model.net');
    this.model = { net, q: [...s.q], beta: s.beta };
  }

  protected params(): Record<string, unknown> {
    return { ...this.common };
  }

  protected releaseModel(): void {
    this.model?.net.dispose();
    this.model = undefined;
  }

  /** Rebuilds a fitted RDRP from {@link RDRP.toJSON} output (untrusted input is validated). */
  static fromJSON(json: unknown): RDRP {
    const env = readBaselineJSON(json, 'RDRP');
    const a = new RDRP(env.params as RDRPOptions);
    a.checkOptions();
    return a.restore(env as BaselineJSON);
  }
}

function robustPath(
  mu: Float64Array,
  sigma: Float64Array,
  cost: Float64Array,
  q: readonly number[],
  beta: number,
  n: number,
  m: number,
): AllocationPath {
  const values = new Float64Array(n * m);
  const costs = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < m - 1; a++) {
      const r = i * (m - 1) + a;
      const c = Math.max(cost[i * m + a + 1] as number, 1e-9);
      values[i * m + a + 1] = ((mu[r] as number) - beta * (q[a] as number) * (sigma[r] as number)) * c;
      costs[i * m + a + 1] = c;
    }
  }
  return lagrangianPath(values, costs, n, m);
}

/** IPW response per user of the path's allocations at a quarter, half and three quarters of its full spend. */
function heldOutValue(path: AllocationPath, held: RCTDataset, p: Float32Array): number {
  let full = path.baseCost;
  for (let a = 0; a < path.deltaCost.length; a++) full += path.deltaCost[a] as number;
  let total = 0;
  for (const f of [0.25, 0.5, 0.75]) {
    const arms = armsAtPrefix(path, prefixWithinBudget(path, Math.max(path.baseCost, f * full)));
    for (let i = 0; i < held.n; i++) {
      if (arms[i] === held.treatment[i]) total += (held.response[i] as number) / (p[i] as number);
    }
  }
  return total / (3 * held.n);
}
