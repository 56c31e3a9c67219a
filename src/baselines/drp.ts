import * as tf from '@tensorflow/tfjs';
import { SerializationError } from '../core/errors.js';
import { deriveSeed } from '../core/rng.js';
import type { RCTDataset } from '../data/dataset.js';
import type { LossBatch } from '../nn/losses.js';
import { DenseNet, type NetOutput } from '../nn/net.js';
import { applyStandardizer, fitStandardizer, type StandardizerState } from '../nn/standardize.js';
import { trainNet } from '../nn/train.js';
import { type BaselineJSON, PathAllocator, type PathPrediction, readBaselineJSON } from './allocator.js';
import { type EffectMap, effectAt, fitEffectMap } from './bins.js';
import {
  type BaselineOptions,
  checkBaselineOptions,
  checkPositiveInt,
  defaultBaselineOptions,
  propensities,
} from './common.js';
import { drpRankingLoss } from './losses.js';
import { defaultNetOptions, type NetOptions } from './net-options.js';
import { checkNetOptions, netState, restoreNet, trainOptions } from './nets.js';
import { lagrangianPath } from './path.js';
import { drpModelSchema, readModel } from './schema.js';

/** Options of {@link DRP}. All optional. */
export interface DRPOptions extends BaselineOptions, NetOptions {
  /** Score quantile bins of the score-to-effect map (per arm). @default 10 */
  bins?: number;
  /** Floor of the ranking loss's denominator (the soft incremental outcome). @default 1e-4 */
  eps?: number;
}

/** Batches are large because the ranking loss compares softmax-weighted treated and control groups within a batch. */
export const defaultDRPOptions = {
  ...defaultBaselineOptions,
  ...defaultNetOptions,
  batchSize: 1024,
  bins: 10,
  eps: 1e-4,
} satisfies Required<DRPOptions>;

interface DRPModel {
  readonly net: DenseNet;
  readonly standardizer: StandardizerState;
  readonly maps: readonly EffectMap[];
}

/**
 * Direct ranking (Du, Lee and Ghaffarizadeh, "Improve User Retention with Causal Learning", 2019): a network scores
 * users and is trained with the cost-per-incremental-outcome loss of softmax-weighted treated and control groups
 * ({@link drpRankingLoss}), so the score ranks users by efficiency without predicting either effect.
 *
 * Several arms: one score output per treatment arm, each trained against control (the losses are averaged). A rank
 * says nothing about how much an arm costs, so each arm's score is mapped to an incremental cost and a ROI by
 * score-quantile bins of the training trial (ROI isotonic in the score, so the map keeps the ranking); each user then
 * has a (value, cost) per arm and the budget is filled along the per-user Lagrangian knapsack path. With one
 * treatment arm this is the paper's rule: treat users in score order until the budget is spent.
 */
export class DRP extends PathAllocator {
  readonly name = 'drp';
  protected readonly kind = 'DRP';
  protected readonly common: Required<DRPOptions>;
  private model: DRPModel | undefined;

  constructor(options: DRPOptions = {}) {
    super();
    this.common = { ...defaultDRPOptions, ...options };
  }

  /** @internal */
  protected optionKeys(): readonly string[] {
    return Object.keys(defaultDRPOptions);
  }

  private checkOptions(): void {
    checkBaselineOptions('DRP', this.common);
    checkNetOptions('DRP', this.common);
    checkPositiveInt('DRP.bins', this.common.bins);
  }

  protected async fitModel(train: RCTDataset): Promise<void> {
    this.checkOptions();
    const o = this.common;
    const m = train.treatmentNames.length;
    const standardizer = fitStandardizer(train.features, train.d);
    const x = applyStandardizer(standardizer, train.features);
    const net = DenseNet.create({
      inputDim: train.d,
      trunk: o.hidden,
      heads: [{ name: 'score', units: m - 1 }],
      seed: deriveSeed(o.seed, 'init'),
    });
    const loss = (out: NetOutput, batch: LossBatch): tf.Scalar => {
      const score = out.heads.score as tf.Tensor2D;
      const t = batch.treatment as tf.Tensor2D;
      const col = (a: tf.Tensor2D, j: number) => tf.reshape(tf.slice(a, [0, j], [-1, 1]), [-1]) as tf.Tensor1D;
      const terms: tf.Scalar[] = [];
      for (let j = 1; j < m; j++) {
        const y = batch.labels.response as tf.Tensor1D;
        const c = batch.labels.cost as tf.Tensor1D;
        terms.push(drpRankingLoss(col(score, j - 1), y, c, col(t, j), col(t, 0), o.eps));
      }
      return tf.div(tf.addN(terms), m - 1) as tf.Scalar;
    };
    try {
      await trainNet(
        net,
        { features: x, labels: { response: train.response, cost: train.cost }, treatment: train.treatment, arms: m },
        loss,
        trainOptions(o, o.seed),
      );
      const scores = net.predict(x).heads.score as Float32Array;
      const p = propensities(train);
      const maps = Array.from({ length: m - 1 }, (_, a) => {
        const score = new Float64Array(train.n);
        for (let i = 0; i < train.n; i++) score[i] = scores[i * (m - 1) + a] as number;
        return fitEffectMap(
          { score, treatment: train.treatment, response: train.response, cost: train.cost, propensity: p },
          a + 1,
          0,
          o.bins,
        );
      });
      this.model = { net, standardizer, maps };
    } catch (e) {
      net.dispose();
      throw e;
    }
  }

  /** The raw ranking scores (row-major `n * (m - 1)`, one per treatment arm; higher is more efficient). */
  scores(features: Float32Array): Float32Array {
    this.requireFitted('scores');
    const model = this.model as DRPModel;
    return model.net.predict(applyStandardizer(model.standardizer, features)).heads.score as Float32Array;
  }

  protected predictArms(features: Float32Array, n: number): PathPrediction {
    const model = this.model as DRPModel;
    const k = model.maps.length;
    const m = k + 1;
    const scores = model.net.predict(applyStandardizer(model.standardizer, features)).heads.score as Float32Array;
    const values = new Float64Array(n * m);
    const costs = new Float64Array(n * m);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < k; a++) {
        const e = effectAt(model.maps[a] as EffectMap, scores[i * k + a] as number);
        values[i * m + a + 1] = e.roi * e.cost;
        costs[i * m + a + 1] = e.cost;
      }
    }
    return { costs, path: lagrangianPath(values, costs, n, m) };
  }

  protected modelState(): unknown {
    const model = this.model as DRPModel;
    return { standardizer: model.standardizer, maps: model.maps, net: netState(model.net) };
  }

  protected restoreModel(state: unknown, d: number, m: number): void {
    const s = readModel(drpModelSchema(d, m), state, 'DRP.state.model');
    const standardizer = { mean: [...s.standardizer.mean], std: [...s.standardizer.std] };
    const maps = s.maps.map((v) => ({ centre: [...v.centre], roi: [...v.roi], cost: [...v.cost] }));
    const net = restoreNet(s.net, d, 'DRP.state.model.net');
    if (net.spec.heads.length !== 1 || net.spec.heads[0]?.name !== 'score' || net.spec.heads[0]?.units !== m - 1) {
      net.dispose();
      throw new SerializationError(`DRP.state.model.net: expected one 'score' head with ${m - 1} outputs`);
    }
    this.model = { net, standardizer, maps };
  }

  protected params(): Record<string, unknown> {
    return { ...this.common };
  }

  protected releaseModel(): void {
    this.model?.net.dispose();
    this.model = undefined;
  }

  /** Rebuilds a fitted DRP from {@link DRP.toJSON} output (untrusted input is validated). */
  static fromJSON(json: unknown): DRP {
    const env = readBaselineJSON(json, 'DRP');
    const a = new DRP(env.params as DRPOptions);
    a.checkOptions();
    return a.restore(env as BaselineJSON);
  }
}
