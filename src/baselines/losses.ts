import * as tf from '@tensorflow/tfjs';

/**
 * Pure tfjs loss functions of the direct baselines. Each takes tensors and returns a scalar; call inside `tf.tidy`
 * (or a gradient closure). None holds state.
 */

/** Softmax of `s` over the rows where `mask` is 1 (zero elsewhere); all zeros when the mask is empty. */
export function maskedSoftmax(s: tf.Tensor1D, mask: tf.Tensor1D): tf.Tensor1D {
  const big = tf.max(tf.where(tf.greater(mask, 0), s, tf.fill(s.shape, -1e9)));
  const e = tf.mul(tf.exp(tf.sub(s, big)), mask);
  return tf.div(e, tf.maximum(tf.sum(e), 1e-12)) as tf.Tensor1D;
}

/**
 * The direct ranking loss of Du, Lee and Ghaffarizadeh (2019): the cost per incremental outcome of a soft selection.
 * Scores are squashed by `tanh` and turned into selection weights by a softmax within the treated rows and within the
 * control rows of the batch; the loss is
 *
 *   (sum_T p_i c_i - sum_C p_i c_i) / (sum_T p_i y_i - sum_C p_i y_i),
 *
 * the incremental cost over the incremental outcome of the users the score puts first. Minimizing it ranks users by
 * how little they cost per extra outcome. The denominator is floored at `eps` (the ratio has no meaning when the
 * selection's incremental outcome is not positive); a batch without treated or control rows contributes 0.
 */
export function drpRankingLoss(
  score: tf.Tensor1D,
  response: tf.Tensor1D,
  cost: tf.Tensor1D,
  treated: tf.Tensor1D,
  control: tf.Tensor1D,
  eps = 1e-4,
): tf.Scalar {
  const s = tf.tanh(score) as tf.Tensor1D;
  const pT = maskedSoftmax(s, treated);
  const pC = maskedSoftmax(s, control);
  const dc = tf.sub(tf.sum(tf.mul(pT, cost)), tf.sum(tf.mul(pC, cost)));
  const dy = tf.sub(tf.sum(tf.mul(pT, response)), tf.sum(tf.mul(pC, response)));
  const present = tf.mul(tf.minimum(tf.sum(treated), 1), tf.minimum(tf.sum(control), 1));
  return tf.mul(present, tf.div(dc, tf.maximum(dy, eps))) as tf.Scalar;
}

/**
 * The direct ROI loss (the decision-factor loss of DHCL, Zhou et al. 2023, used by rDRP's base model): for a positive
 * prediction `roi`, the per-user objective `tau_y * ln(roi) - tau_c * roi` is concave with its maximum at
 * `roi = tau_y / tau_c`. In a randomized trial `tau` is estimated without bias by signed inverse-propensity weights
 * `w = 1[t = a] / p_a - 1[t = b] / p_b` (arm a against arm b; 0 for other rows), so the loss is
 *
 *   -mean_i w_i (y_i ln(roi_i) - c_i roi_i),
 *
 * and its minimizer over a rich enough model is the ratio of the two conditional effects.
 */
export function roiLoss(roi: tf.Tensor1D, response: tf.Tensor1D, cost: tf.Tensor1D, w: tf.Tensor1D): tf.Scalar {
  const gain = tf.sub(tf.mul(response, tf.log(roi)), tf.mul(cost, roi));
  return tf.neg(tf.mean(tf.mul(w, gain))) as tf.Scalar;
}

/** Inputs of the DFCL decision losses. Predictions are `rows x m`; observations are per row. */
export interface DecisionLossInput {
  /** Predicted response of every arm. */
  readonly value: tf.Tensor2D;
  /** Predicted cost of every arm. */
  readonly cost: tf.Tensor2D;
  /** One-hot of the arm each row received. */
  readonly treatment: tf.Tensor2D;
  readonly response: tf.Tensor1D;
  readonly observedCost: tf.Tensor1D;
  /** 1 / propensity of the received arm. */
  readonly invPropensity: tf.Tensor1D;
}

/**
 * The Lagrangian dual decision losses of DFCL (Zhou et al., KDD 2024). At a multiplier lambda the dual problem
 * decomposes per user: pick the arm maximizing `r_ij - lambda c_ij`. The argmax has no useful gradient, so it is
 * relaxed to the softmax policy `pi = softmax((r_hat - lambda c_hat) / temperature)`, whose value under the true
 * outcomes is estimated from the trial by inverse propensity weighting on the received arm:
 *
 * - policy-learning loss (`entropyWeight = 0`): `-mean_i pi_{i,t_i} (y_i - lambda c_i) / p_i`;
 * - maximum-entropy variant: the same minus `entropyWeight * mean_i H(pi_i)`, the entropy-regularized dual whose
 *   exact maximizer is the softmax policy at temperature `entropyWeight`.
 *
 * The loss is averaged over `lambdas`, i.e. over the budgets they stand for (DFCL trains for a range of budgets).
 */
export function dualDecisionLoss(
  input: DecisionLossInput,
  lambdas: readonly number[],
  temperature: number,
  entropyWeight = 0,
): tf.Scalar {
  const terms = lambdas.map((lambda) => {
    const z = tf.div(tf.sub(input.value, tf.mul(lambda, input.cost)), temperature);
    const logPi = tf.logSoftmax(z);
    const pi = tf.exp(logPi);
    const piT = tf.sum(tf.mul(pi, input.treatment), 1);
    const gain = tf.mul(tf.sub(input.response, tf.mul(lambda, input.observedCost)), input.invPropensity);
    let loss = tf.neg(tf.mean(tf.mul(piT, gain)));
    if (entropyWeight > 0) {
      const entropy = tf.neg(tf.sum(tf.mul(pi, logPi), 1));
      loss = tf.sub(loss, tf.mul(entropyWeight, tf.mean(entropy)));
    }
    return loss;
  });
  return tf.div(tf.addN(terms), lambdas.length) as tf.Scalar;
}
