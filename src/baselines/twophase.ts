import * as tf from '@tensorflow/tfjs';
import { SerializationError } from '../core/errors.js';
import { deriveSeed } from '../core/rng.js';
import { checkNumber, checkOneOf } from '../core/validate.js';
import type { RCTDataset } from '../data/dataset.js';
import { headLosses, type LossBatch, type LossFn, maskedRowLoss, weightedMean } from '../nn/losses.js';
import { DenseNet, type NetOutput } from '../nn/net.js';
import { applyStandardizer, fitStandardizer, type StandardizerState } from '../nn/standardize.js';
import { type TrainData, trainNet } from '../nn/train.js';
import { checkLayers, propensities } from './common.js';
import {
  balancingWeights,
  checkNetOptions,
  isBinary,
  type NetState,
  netState,
  restoreNet,
  rms,
  trainOptions,
} from './nets.js';
import { readModel, twoPhaseSchema } from './schema.js';
import type { ArmOutcomes, TwoPhaseArchitecture, TwoPhaseModel, TwoPhaseNetOptions } from './twophase-options.js';

export type { ArmOutcomes, TwoPhaseArchitecture, TwoPhaseModel, TwoPhaseNetOptions } from './twophase-options.js';
export { defaultTwoPhaseNetOptions } from './twophase-options.js';

/** Validates {@link TwoPhaseNetOptions}. */
export function checkTwoPhaseNetOptions(who: string, o: Required<TwoPhaseNetOptions>): void {
  checkNetOptions(who, o);
  checkLayers(`${who}.headHidden`, o.headHidden);
  checkOneOf(`${who}.responseLoss`, o.responseLoss, ['auto', 'bce', 'mse', 'huber'] as const);
  checkNumber(`${who}.costWeight`, o.costWeight, { min: 0 });
}

interface Scales {
  readonly response: number;
  readonly cost: number;
  readonly binary: boolean;
}

/**
 * The outcome model of the two-phase methods: an S-learner (features plus arm one-hot in, response and cost out) or a
 * TARNet (shared trunk, then one head per arm with a response and a cost output), trained on the factual arm with
 * balancing inverse-propensity weights. Holds tensors: call {@link TwoPhaseNet.dispose}.
 */
export class TwoPhaseNet implements TwoPhaseModel {
  private constructor(
    readonly architecture: TwoPhaseArchitecture,
    readonly net: DenseNet,
    readonly standardizer: StandardizerState,
    readonly scales: Scales,
    readonly m: number,
  ) {}

  /** Builds and trains the model on `train`. */
  static async train(
    train: RCTDataset,
    architecture: TwoPhaseArchitecture,
    o: Required<TwoPhaseNetOptions>,
    seed: number,
  ): Promise<TwoPhaseNet> {
    const m = train.treatmentNames.length;
    const d = train.d;
    const kind = o.responseLoss === 'auto' ? (isBinary(train.response) ? 'bce' : 'mse') : o.responseLoss;
    const scales: Scales = {
      binary: kind === 'bce',
      response: kind === 'bce' ? 1 : rms(train.response),
      cost: rms(train.cost),
    };
    const standardizer = fitStandardizer(train.features, d);
    const net = DenseNet.create(TwoPhaseNet.spec(architecture, d, m, o, deriveSeed(seed, 'init')));
    const model = new TwoPhaseNet(architecture, net, standardizer, scales, m);
    try {
      await trainNet(net, model.trainData(train), model.predictionLoss(kind, o.costWeight), trainOptions(o, seed));
    } catch (e) {
      net.dispose();
      throw e;
    }
    return model;
  }

  private static spec(
    architecture: TwoPhaseArchitecture,
    d: number,
    m: number,
    o: Required<TwoPhaseNetOptions>,
    seed: number,
  ) {
    if (architecture === 'slearner') {
      return {
        inputDim: d + m,
        trunk: o.hidden,
        heads: [
          { name: 'response', units: 1 },
          { name: 'cost', units: 1 },
        ],
        seed,
      };
    }
    return {
      inputDim: d,
      trunk: o.hidden,
      heads: Array.from({ length: m }, (_, j) => ({ name: `arm${j}`, units: 2, hidden: o.headHidden })),
      seed,
    };
  }

  /** The training data of the net: standardized features (plus arm one-hot for the S-learner), scaled labels. */
  trainData(train: RCTDataset): TrainData {
    const y = new Float32Array(train.n);
    const c = new Float32Array(train.n);
    for (let i = 0; i < train.n; i++) {
      y[i] = (train.response[i] as number) / this.scales.response;
      c[i] = (train.cost[i] as number) / this.scales.cost;
    }
    return {
      features: this.inputs(train.features, train.treatment),
      labels: { response: y, cost: c, rawResponse: train.response, rawCost: train.cost },
      treatment: train.treatment,
      arms: this.m,
      weights: balancingWeights(propensities(train)),
    };
  }

  /** Per-arm response and cost heads as `rows x m` tensors of scaled outputs (logits for a binary response). */
  armHeads(out: NetOutput): { response: tf.Tensor2D; cost: tf.Tensor2D } {
    if (this.architecture === 'slearner') throw new TypeError('armHeads is for the tarnet architecture');
    const cols = Array.from({ length: this.m }, (_, j) => out.heads[`arm${j}`] as tf.Tensor2D);
    return {
      response: tf.concat(
        cols.map((h) => tf.slice(h, [0, 0], [-1, 1])),
        1,
      ) as tf.Tensor2D,
      cost: tf.concat(
        cols.map((h) => tf.slice(h, [0, 1], [-1, 1])),
        1,
      ) as tf.Tensor2D,
    };
  }

  /** The factual-arm prediction loss (response loss plus `costWeight` times the cost MSE), IPW-weighted. */
  predictionLoss(kind: 'bce' | 'mse' | 'huber', costWeight: number): LossFn {
    if (this.architecture === 'slearner') {
      return headLosses([
        { head: 'response', kind, factualOnly: false },
        { head: 'cost', kind: 'mse', weight: costWeight, factualOnly: false },
      ]);
    }
    return (out: NetOutput, batch: LossBatch) => {
      const { response, cost } = this.armHeads(out);
      const ly = maskedRowLoss(kind, response, batch.labels.response as tf.Tensor1D, batch.treatment);
      const lc = maskedRowLoss('mse', cost, batch.labels.cost as tf.Tensor1D, batch.treatment);
      return tf.add(weightedMean(ly, batch.weights), tf.mul(costWeight, weightedMean(lc, batch.weights))) as tf.Scalar;
    };
  }

  /** Network inputs for raw features (the S-learner appends the one-hot of `arms`). */
  inputs(features: Float32Array, arms?: Int32Array | number): Float32Array {
    const z = applyStandardizer(this.standardizer, features);
    if (this.architecture === 'tarnet') return z;
    const d = this.standardizer.mean.length;
    const n = z.length / d;
    const w = d + this.m;
    const out = new Float32Array(n * w);
    for (let i = 0; i < n; i++) {
      out.set(z.subarray(i * d, i * d + d), i * w);
      const a = typeof arms === 'number' ? arms : ((arms?.[i] as number) ?? 0);
      out[i * w + d + a] = 1;
    }
    return out;
  }

  /** Predicted response and cost of every arm for raw features. */
  predict(features: Float32Array): ArmOutcomes {
    const d = this.standardizer.mean.length;
    const n = features.length / d;
    const m = this.m;
    const response = new Float64Array(n * m);
    const cost = new Float64Array(n * m);
    const toResponse = (v: number) => (this.scales.binary ? 1 / (1 + Math.exp(-v)) : v * this.scales.response);
    if (this.architecture === 'slearner') {
      for (let j = 0; j < m; j++) {
        const { heads } = this.net.predict(this.inputs(features, j));
        const r = heads.response as Float32Array;
        const c = heads.cost as Float32Array;
        for (let i = 0; i < n; i++) {
          response[i * m + j] = toResponse(r[i] as number);
          cost[i * m + j] = (c[i] as number) * this.scales.cost;
        }
      }
    } else {
      const { heads } = this.net.predict(this.inputs(features));
      for (let j = 0; j < m; j++) {
        const h = heads[`arm${j}`] as Float32Array;
        for (let i = 0; i < n; i++) {
          response[i * m + j] = toResponse(h[2 * i] as number);
          cost[i * m + j] = (h[2 * i + 1] as number) * this.scales.cost;
        }
      }
    }
    return { response, cost };
  }

  /** JSON form of the model. */
  toJSON(): { architecture: TwoPhaseArchitecture; standardizer: StandardizerState; scales: Scales; net: NetState } {
    return {
      architecture: this.architecture,
      standardizer: this.standardizer,
      scales: this.scales,
      net: netState(this.net),
    };
  }

  /** Rebuilds the model from untrusted JSON ({@link twoPhaseSchema}). */
  static fromJSON(value: unknown, d: number, m: number, where: string): TwoPhaseNet {
    const v = readModel(twoPhaseSchema(d), value, where);
    const s = v.scales;
    const standardizer = { mean: [...v.standardizer.mean], std: [...v.standardizer.std] };
    const net = restoreNet(v.net, v.architecture === 'slearner' ? d + m : d, `${where}.net`);
    const heads = net.spec.heads;
    const ok =
      v.architecture === 'slearner'
        ? heads.length === 2 && heads.every((h) => h.units === 1)
        : heads.length === m && heads.every((h, j) => h.name === `arm${j}` && h.units === 2);
    if (!ok) {
      net.dispose();
      throw new SerializationError(`${where}.net: heads do not match a ${v.architecture} with ${m} arms`);
    }
    return new TwoPhaseNet(v.architecture, net, standardizer, { ...s }, m);
  }

  dispose(): void {
    this.net.dispose();
  }
}
