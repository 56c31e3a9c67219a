import * as tf from '@tensorflow/tfjs';
import { ValidationError } from '../core/errors.js';
import { deriveSeed } from '../core/rng.js';
import { checkNumber, checkOneOf } from '../core/validate.js';
import type { RCTDataset } from '../data/dataset.js';
import type { LossBatch } from '../nn/losses.js';
import type { NetOutput } from '../nn/net.js';
import { trainNet } from '../nn/train.js';
import { type BaselineJSON, readBaselineJSON } from './allocator.js';
import { propensities } from './common.js';
import { dualDecisionLoss } from './losses.js';
import { trainOptions } from './nets.js';
import { lagrangianPath } from './path.js';
import { defaultTPMOptions, incrementsOverControl, type TPMOptions, TwoPhaseAllocator } from './tpm.js';
import { TwoPhaseNet } from './twophase.js';

/** DFCL's decision loss: the policy-learning loss or its maximum-entropy regularized variant. */
export type DFCLDecisionLoss = 'policy' | 'maxEntropy';

/** Options of {@link DFCL}. All optional; the network and pre-training options are those of {@link TPMTARNet}. */
export interface DFCLOptions extends TPMOptions {
  /** @default 'policy' */
  decisionLoss?: DFCLDecisionLoss;
  /** Weight of the decision loss in fine-tuning. @default 1 */
  decisionWeight?: number;
  /** Weight of the prediction (MSE/cross-entropy) loss kept in fine-tuning, against drifting predictions. @default 1 */
  predictionWeight?: number;
  /**
   * Softmax temperature of the relaxed policy, in response units; `'auto'` is a quarter of the mean spread of
   * `r_hat - lambda c_hat` across arms at the middle multiplier after pre-training. @default 'auto'
   */
  temperature?: number | 'auto';
  /**
   * Budgets the decision loss trains for, as shares of the pre-trained model's full spend. The last share is 1, the
   * smallest multiplier of the pre-trained path: the policy loss pushes a user toward control without bound wherever
   * no trained multiplier treats them, so a range ending below 1 left users whom the trial does not pay for at the
   * trained multipliers with a negative predicted uplift, and the allocation path could not spend past them
   * (measured on Hillstrom: the path ended at 0.54 per user). @default [0.2, 0.4, 0.6, 0.8, 1]
   */
  budgetShares?: number[];
  /**
   * Let the decision loss move the cost heads too. Off by default: at a fixed multiplier the relaxed policy can gain
   * by under-predicting the cost of arms that paid off, which the dual loss does not penalize, and the distorted costs
   * then overspend the budget (measured: +48% true spend at a mid budget on 6,000 trial rows). With it off the cost
   * heads learn from the prediction loss only and the decision loss shapes the response heads. @default false
   */
  decisionThroughCost?: boolean;
  /** Fine-tuning epochs after pre-training. @default 10 */
  fineTuneEpochs?: number;
  /** Fine-tuning step size. @default 0.001 */
  fineTuneLearningRate?: number;
}

export const defaultDFCLOptions = {
  ...defaultTPMOptions,
  decisionLoss: 'policy' as DFCLDecisionLoss,
  decisionWeight: 1,
  predictionWeight: 1,
  temperature: 'auto' as number | 'auto',
  budgetShares: [0.2, 0.4, 0.6, 0.8, 1],
  decisionThroughCost: false,
  fineTuneEpochs: 10,
  fineTuneLearningRate: 0.001,
} satisfies Required<DFCLOptions>;

/**
 * Decision-focused causal learning (Zhou et al., "Decision Focused Causal Learning for Direct Counterfactual
 * Marketing Optimization", KDD 2024). A two-phase TARNet (per-arm response and cost heads) is pre-trained for
 * prediction, then fine-tuned end to end with the Lagrangian dual decision loss ({@link dualDecisionLoss}): at each
 * multiplier lambda of a range of budgets, the softmax relaxation of the per-user dual decision
 * `argmax_j r_ij - lambda c_ij` is scored by the trial's IPW estimate of its true `r - lambda c`, so the predictions
 * are pushed toward the decisions that pay rather than toward accuracy. The multipliers are those at which the
 * pre-trained model meets each budget share. Decisions are then made as in TPMTARNet (per-user Lagrangian knapsack).
 *
 * @example
 * ```ts
 * const dfcl = await new DFCL({ decisionLoss: 'maxEntropy', seed: 1 }).fit(train);
 * const arms = await dfcl.assign(test.features, { perUser: 0.5 });
 * ```
 */
export class DFCL extends TwoPhaseAllocator {
  readonly name = 'dfcl';
  protected readonly kind = 'DFCL';
  protected readonly architecture = 'tarnet';
  private readonly dfcl: Required<DFCLOptions>;
  private tuned: { lambdas: number[]; temperature: number } | undefined;

  constructor(options: DFCLOptions = {}) {
    const full = { ...defaultDFCLOptions, ...options };
    super(full);
    this.dfcl = full;
  }

  /** @internal */
  protected override optionKeys(): readonly string[] {
    return Object.keys(defaultDFCLOptions);
  }

  protected override checkOptions(): void {
    super.checkOptions();
    const o = this.dfcl;
    checkOneOf('DFCL.decisionLoss', o.decisionLoss, ['policy', 'maxEntropy'] as const);
    checkNumber('DFCL.decisionWeight', o.decisionWeight, { min: 0 });
    checkNumber('DFCL.predictionWeight', o.predictionWeight, { min: 0 });
    if (o.temperature !== 'auto') checkNumber('DFCL.temperature', o.temperature, { min: 1e-9 });
    if (!Array.isArray(o.budgetShares) || o.budgetShares.length === 0) {
      throw new ValidationError({ path: ['DFCL', 'budgetShares'], message: 'expected a non-empty array of shares' });
    }
    for (const [i, s] of o.budgetShares.entries()) checkNumber(`DFCL.budgetShares.${i}`, s, { min: 0.01, max: 1 });
    if (typeof o.decisionThroughCost !== 'boolean') {
      throw new ValidationError({ path: ['DFCL', 'decisionThroughCost'], message: 'expected a boolean' });
    }
    checkNumber('DFCL.fineTuneEpochs', o.fineTuneEpochs, { min: 1, integer: true });
    checkNumber('DFCL.fineTuneLearningRate', o.fineTuneLearningRate, { min: 0 });
  }

  /** The multipliers and temperature used in fine-tuning (for diagnostics), once fitted in this session. */
  get fineTuning(): { lambdas: readonly number[]; temperature: number } | undefined {
    return this.tuned;
  }

  protected override async fitModel(train: RCTDataset): Promise<void> {
    this.checkOptions();
    const o = this.dfcl;
    const m = train.treatmentNames.length;
    const model = await TwoPhaseNet.train(train, 'tarnet', o, o.seed);
    try {
      const pred = incrementsOverControl(model.predict(train.features), m);
      const path = lagrangianPath(pred.values, pred.costs, train.n, m);
      let full = path.baseCost;
      for (let a = 0; a < path.deltaCost.length; a++) full += path.deltaCost[a] as number;
      const lambdas = o.budgetShares.map((share) => {
        let c = path.baseCost;
        for (let a = 0; a < path.key.length; a++) {
          c += path.deltaCost[a] as number;
          if (c >= share * full) return path.key[a] as number;
        }
        return 0;
      });
      const mid = [...lambdas].sort((a, b) => a - b)[lambdas.length >> 1] as number;
      let temperature = o.temperature === 'auto' ? 0 : o.temperature;
      if (o.temperature === 'auto') {
        for (let i = 0; i < train.n; i++) {
          let lo = Number.POSITIVE_INFINITY;
          let hi = Number.NEGATIVE_INFINITY;
          for (let j = 0; j < m; j++) {
            const v = (pred.values[i * m + j] as number) - mid * (pred.costs[i * m + j] as number);
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
          }
          temperature += hi - lo;
        }
        temperature = Math.max(1e-6, (0.25 * temperature) / train.n);
      }
      const base = model.trainData(train);
      const p = propensities(train);
      const data = { ...base, labels: { ...base.labels, invPropensity: Float32Array.from(p, (v) => 1 / v) } };
      const kind = o.responseLoss === 'auto' ? (model.scales.binary ? 'bce' : 'mse') : o.responseLoss;
      const predictionLoss = model.predictionLoss(kind, o.costWeight);
      const entropyWeight = o.decisionLoss === 'maxEntropy' ? temperature : 0;
      // The dual loss is in response units, the prediction loss in units of the response's RMS: dividing the former
      // by the same scale keeps the two weights meaningful whatever the response's unit (a spend in dollars has an
      // RMS far from 1), so decisions do not depend on whether the response is counted in dollars or cents.
      const decisionScale = o.decisionWeight / model.scales.response;
      const loss = (out: NetOutput, batch: LossBatch): tf.Scalar => {
        const heads = model.armHeads(out);
        const value = model.scales.binary ? tf.sigmoid(heads.response) : tf.mul(heads.response, model.scales.response);
        const decision = dualDecisionLoss(
          {
            value: value as tf.Tensor2D,
            cost: tf.mul(
              o.decisionThroughCost ? heads.cost : stopGradient(heads.cost),
              model.scales.cost,
            ) as tf.Tensor2D,
            treatment: batch.treatment as tf.Tensor2D,
            response: batch.labels.rawResponse as tf.Tensor1D,
            observedCost: batch.labels.rawCost as tf.Tensor1D,
            invPropensity: batch.labels.invPropensity as tf.Tensor1D,
          },
          lambdas,
          temperature,
          entropyWeight,
        );
        return tf.add(
          tf.mul(o.predictionWeight, predictionLoss(out, batch)),
          tf.mul(decisionScale, decision),
        ) as tf.Scalar;
      };
      await trainNet(
        model.net,
        data,
        loss,
        trainOptions(o, deriveSeed(o.seed, 'fine-tune'), {
          epochs: o.fineTuneEpochs,
          learningRate: o.fineTuneLearningRate,
        }),
      );
      this.model = model;
      this.tuned = { lambdas, temperature };
    } catch (e) {
      model.dispose();
      throw e;
    }
  }

  protected override params(): Record<string, unknown> {
    return { ...this.dfcl };
  }

  /** Rebuilds a fitted DFCL from {@link DFCL.toJSON} output (untrusted input is validated). */
  static fromJSON(json: unknown): DFCL {
    const env = readBaselineJSON(json, 'DFCL');
    const a = new DFCL(env.params as DFCLOptions);
    a.checkOptions();
    return a.restore(env as BaselineJSON);
  }
}

/** The identity with a zero gradient (tfjs has no stop-gradient op). */
function stopGradient(x: tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.clone(inputs[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor, _saved: tf.Tensor[]) => [tf.zerosLike(dy)],
  }));
  return op(x) as tf.Tensor2D;
}
