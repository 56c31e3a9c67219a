import * as tf from '@tensorflow/tfjs';
import { SerializationError } from '../core/errors.js';
import { deriveSeed } from '../core/rng.js';
import type { RCTDataset } from '../data/dataset.js';
import { type LossBatch, maskedRowLoss, weightedMean } from '../nn/losses.js';
import { DenseNet, type NetOutput } from '../nn/net.js';
import { applyStandardizer, fitStandardizer, type StandardizerState } from '../nn/standardize.js';
import { trainNet } from '../nn/train.js';
import { armMeans, propensities } from './common.js';
import { roiLoss } from './losses.js';
import { balancingWeights, type NetOptions, type NetState, netState, restoreNet, rms, trainOptions } from './nets.js';
import { readModel, roiNetSchema } from './schema.js';

/**
 * Which ROI a {@link RoiNet} learns: `'control'`, each treatment arm against control (rDRP), or `'ladder'`, each arm
 * against the next cheaper one along the arms ordered by trial cost (DHCL's marginal decision factors, made
 * non-increasing along the ladder by a cumulative product of sigmoids).
 */
export type RoiMode = 'control' | 'ladder';

/** Serialized {@link RoiNet}. */
export interface RoiNetState {
  readonly mode: RoiMode;
  readonly ladder: readonly number[];
  readonly roiMax: number;
  readonly costScale: number;
  readonly standardizer: StandardizerState;
  readonly net: NetState;
}

/**
 * A direct ROI network: a shared trunk with a `factor` head (one ROI per step) trained by the direct ROI loss
 * ({@link roiLoss}) and a `cost` head (one cost per arm, factual MSE) that turns ROIs into budget use. Optional
 * dropout after each trunk layer (for Monte Carlo dropout). Holds tensors: call {@link RoiNet.dispose}.
 */
export class RoiNet {
  private constructor(
    readonly mode: RoiMode,
    /** Arms in ladder order (control first); steps are ladder[j-1] -> ladder[j]. */
    readonly ladder: readonly number[],
    readonly roiMax: number,
    readonly costScale: number,
    readonly standardizer: StandardizerState,
    readonly net: DenseNet,
  ) {}

  get m(): number {
    return this.ladder.length;
  }

  /** Trains the network on `train`. `dropout` is the rate after every trunk layer (0 for none). */
  static async train(
    train: RCTDataset,
    mode: RoiMode,
    o: Required<NetOptions> & { costWeight: number; dropout: number },
    seed: number,
  ): Promise<RoiNet> {
    const m = train.treatmentNames.length;
    const means = armMeans(train);
    const ladder = Array.from({ length: m }, (_, j) => j);
    if (mode === 'ladder')
      ladder.sort((a, b) =>
        a === 0 ? -1 : b === 0 ? 1 : (means.cost[a] as number) - (means.cost[b] as number) || a - b,
      );
    let best = 0;
    for (let j = 1; j < m; j++) {
      const c = means.upcost[j] as number;
      if (c > 0) best = Math.max(best, (means.uplift[j] as number) / c);
    }
    const roiMax = best > 0 ? 5 * best : 1;
    const standardizer = fitStandardizer(train.features, train.d);
    const net = DenseNet.create({
      inputDim: train.d,
      trunk: o.hidden,
      heads: [
        { name: 'factor', units: m - 1 },
        { name: 'cost', units: m },
      ],
      seed: deriveSeed(seed, 'init'),
    });
    const model = new RoiNet(mode, ladder, roiMax, rms(train.cost), standardizer, net);
    const p = propensities(train);
    const ip = Float32Array.from(p, (v) => 1 / v);
    const c = Float32Array.from(train.cost, (v) => v / model.costScale);
    // `out` is the step's forward pass, with dropout in training steps and without for the validation loss.
    const loss = (out: NetOutput, batch: LossBatch): tf.Scalar => {
      const heads = out.heads;
      const roi = model.roi(heads.factor as tf.Tensor2D);
      const t = batch.treatment as tf.Tensor2D;
      const inv = batch.labels.invPropensity as tf.Tensor1D;
      const y = batch.labels.rawResponse as tf.Tensor1D;
      const rc = batch.labels.rawCost as tf.Tensor1D;
      const terms: tf.Scalar[] = [];
      for (let j = 1; j < m; j++) {
        const from = mode === 'ladder' ? (ladder[j - 1] as number) : 0;
        const to = ladder[j] as number;
        const w = tf.mul(tf.sub(col(t, to), col(t, from)), inv) as tf.Tensor1D;
        terms.push(roiLoss(col(roi, j - 1), y, rc, w));
      }
      const lc = maskedRowLoss('mse', heads.cost as tf.Tensor2D, batch.labels.cost as tf.Tensor1D, t);
      return tf.add(tf.div(tf.addN(terms), m - 1), tf.mul(o.costWeight, weightedMean(lc, batch.weights))) as tf.Scalar;
    };
    try {
      await trainNet(
        net,
        {
          features: applyStandardizer(standardizer, train.features),
          labels: { rawResponse: train.response, rawCost: train.cost, cost: c, invPropensity: ip },
          treatment: train.treatment,
          arms: m,
          weights: balancingWeights(p),
        },
        loss,
        trainOptions(o, seed, { dropout: o.dropout }),
      );
    } catch (e) {
      net.dispose();
      throw e;
    }
    return model;
  }

  /** ROIs (`rows x (m-1)`, step order) from the factor head's logits. Use inside `tf.tidy`. */
  roi(factor: tf.Tensor2D): tf.Tensor2D {
    const sig = tf.sigmoid(factor);
    if (this.mode === 'control') return tf.mul(sig, this.roiMax) as tf.Tensor2D;
    return tf.mul(tf.exp(tf.cumsum(tf.log(tf.maximum(sig, 1e-30)), 1)), this.roiMax) as tf.Tensor2D;
  }

  /**
   * ROIs (row-major `n * (m-1)`, step order) and per-arm costs (row-major `n * m`, arm order, incremental over
   * control) for raw features. With `dropout > 0` the ROIs are one Monte Carlo dropout draw of seed `seed`.
   */
  predict(features: Float32Array, dropout = 0, seed = 1): { roi: Float32Array; cost: Float64Array } {
    const x = applyStandardizer(this.standardizer, features);
    const d = this.standardizer.mean.length;
    const n = x.length / d;
    const m = this.m;
    const roi = new Float32Array(n * (m - 1));
    const cost = new Float64Array(n * m);
    const bs = 8192;
    for (let start = 0; start < n; start += bs) {
      const end = Math.min(n, start + bs);
      tf.tidy(() => {
        const xt = tf.tensor2d(x.subarray(start * d, end * d), [end - start, d]);
        const { heads } = this.net.apply(xt, dropout > 0 ? { dropout: { rate: dropout, seed } } : {});
        roi.set(this.roi(heads.factor as tf.Tensor2D).dataSync(), start * (m - 1));
        const c = (heads.cost as tf.Tensor2D).dataSync();
        for (let r = 0; r < end - start; r++) {
          const c0 = c[r * m] as number;
          for (let j = 0; j < m; j++) cost[(start + r) * m + j] = ((c[r * m + j] as number) - c0) * this.costScale;
        }
      });
    }
    return { roi, cost };
  }

  toJSON(): RoiNetState {
    const { mode, ladder, roiMax, costScale, standardizer } = this;
    return { mode, ladder, roiMax, costScale, standardizer, net: netState(this.net) };
  }

  /** Rebuilds a RoiNet from untrusted JSON ({@link roiNetSchema}); throws {@link SerializationError}. */
  static fromJSON(value: unknown, d: number, m: number, where: string): RoiNet {
    const v = readModel(roiNetSchema(d, m), value, where);
    const ladder = v.ladder;
    const standardizer = { mean: [...v.standardizer.mean], std: [...v.standardizer.std] };
    const net = restoreNet(v.net, d, `${where}.net`);
    const h = net.spec.heads;
    if (
      h.length !== 2 ||
      h[0]?.name !== 'factor' ||
      h[0]?.units !== m - 1 ||
      h[1]?.name !== 'cost' ||
      h[1]?.units !== m
    ) {
      net.dispose();
      throw new SerializationError(`${where}.net: expected heads 'factor' (${m - 1}) and 'cost' (${m})`);
    }
    return new RoiNet(v.mode, [...ladder], v.roiMax, v.costScale, standardizer, net);
  }

  dispose(): void {
    this.net.dispose();
  }
}

function col(a: tf.Tensor2D, j: number): tf.Tensor1D {
  return tf.reshape(tf.slice(a, [0, j], [-1, 1]), [-1]) as tf.Tensor1D;
}
