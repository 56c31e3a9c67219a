import * as tf from '@tensorflow/tfjs';
import { ValidationError } from '../core/errors.js';
import type { NetOutput } from './net.js';
import { LOSS_KINDS, type LossKind } from './spec.js';

export type { LossKind } from './spec.js';
export { LOSS_KINDS } from './spec.js';

/** The tensors of one batch, as a loss function sees them. */
export interface LossBatch {
  readonly x: tf.Tensor2D;
  /** One label vector per name given in the training data (length = batch rows). */
  readonly labels: Readonly<Record<string, tf.Tensor1D>>;
  /** One-hot of the arm each row received (`rows x arms`), when the data has a treatment. */
  readonly treatment: tf.Tensor2D | undefined;
  /** Per-sample weights (e.g. inverse propensity); all ones when none were given. */
  readonly weights: tf.Tensor1D;
}

/**
 * A training loss: a scalar from the net's outputs and a batch. Plug in any function of predictions, labels,
 * treatment one-hot and weights (e.g. a DRP ranking loss); {@link headLosses} builds the usual masked ones.
 */
export type LossFn = (out: NetOutput, batch: LossBatch) => tf.Scalar;

/**
 * The per-row loss of `pred` against `label`, where `pred` is `rows x units`. With a treatment one-hot, only the
 * output of the arm each row received (the factual arm) enters the loss: the counterfactual outputs are masked
 * out. Without one, `pred` must have one unit. Returns a `rows` vector; use inside `tf.tidy`.
 */
export function maskedRowLoss(
  kind: LossKind,
  pred: tf.Tensor2D,
  label: tf.Tensor1D,
  treatment: tf.Tensor2D | undefined,
  opts: { huberDelta?: number; log1p?: boolean } = {},
): tf.Tensor1D {
  const factual: tf.Tensor1D =
    treatment !== undefined && pred.shape[1] !== 1
      ? (tf.sum(tf.mul(pred, treatment), 1) as tf.Tensor1D)
      : (tf.reshape(pred, [-1]) as tf.Tensor1D);
  const y: tf.Tensor1D = opts.log1p === true ? tf.log1p(tf.relu(label)) : label;
  switch (kind) {
    case 'bce':
      return tf.losses.sigmoidCrossEntropy(y, factual, undefined, 0, tf.Reduction.NONE) as tf.Tensor1D;
    case 'mse':
      return tf.square(tf.sub(factual, y)) as tf.Tensor1D;
    case 'huber': {
      const delta = opts.huberDelta ?? 1;
      const a = tf.abs(tf.sub(factual, y));
      const q = tf.minimum(a, delta);
      return tf.add(tf.mul(0.5, tf.square(q)), tf.mul(delta, tf.sub(a, q))) as tf.Tensor1D;
    }
    default: {
      const never: never = kind;
      throw new TypeError(`unknown loss ${String(never)}`);
    }
  }
}

/** Weighted mean of a per-row loss: sum(w * l) / sum(w). */
export function weightedMean(rowLoss: tf.Tensor1D, weights: tf.Tensor1D): tf.Scalar {
  return tf.div(tf.sum(tf.mul(rowLoss, weights)), tf.maximum(tf.sum(weights), 1e-12));
}

/** One term of {@link headLosses}. */
export interface HeadLossSpec {
  /** The head whose outputs are scored. */
  readonly head: string;
  /** The label vector (a key of the training data's `labels`). @default head */
  readonly label?: string;
  readonly kind: LossKind;
  /** Multiplier of this term in the sum. @default 1 */
  readonly weight?: number;
  /** Huber threshold, in label units. @default 1 */
  readonly huberDelta?: number;
  /** Fit log1p(label) instead of the label (heavy tails). @default false */
  readonly log1p?: boolean;
  /** Mask counterfactual arms with the treatment one-hot. @default true */
  readonly factualOnly?: boolean;
}

/**
 * A {@link LossFn} summing weighted, per-sample-weighted, factual-arm-masked losses over several heads.
 *
 * @example
 * ```ts
 * const loss = headLosses([{ head: 'response', kind: 'bce' }, { head: 'cost', kind: 'mse', weight: 0.5 }]);
 * ```
 */
export function headLosses(specs: readonly HeadLossSpec[]): LossFn {
  if (!Array.isArray(specs) || specs.length === 0) {
    throw new ValidationError({ path: ['losses'], message: 'expected at least one head loss' });
  }
  for (const s of specs) {
    if (!LOSS_KINDS.includes(s.kind)) {
      throw new ValidationError({
        path: ['losses', s.head, 'kind'],
        message: `expected one of ${LOSS_KINDS.join(', ')}, got ${String(s.kind)}`,
      });
    }
  }
  return (out, batch) => {
    let total: tf.Scalar | undefined;
    for (const s of specs) {
      const pred = out.heads[s.head];
      const label = batch.labels[s.label ?? s.head];
      if (pred === undefined || label === undefined) {
        throw new ValidationError({
          path: ['losses', s.head],
          message: `missing head '${s.head}' or label '${s.label ?? s.head}'`,
        });
      }
      const opts = {
        ...(s.huberDelta !== undefined ? { huberDelta: s.huberDelta } : {}),
        ...(s.log1p !== undefined ? { log1p: s.log1p } : {}),
      };
      const rows = maskedRowLoss(s.kind, pred, label, s.factualOnly === false ? undefined : batch.treatment, opts);
      const term = tf.mul(weightedMean(rows, batch.weights), s.weight ?? 1) as tf.Scalar;
      total = total === undefined ? term : (tf.add(total, term) as tf.Scalar);
    }
    return total as tf.Scalar;
  };
}
