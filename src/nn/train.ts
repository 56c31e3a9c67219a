import * as tf from '@tensorflow/tfjs';
import { ValidationError } from '../core/errors.js';
import { DEFAULT_SEED, RNG } from '../core/rng.js';
import { checkNumber } from '../core/validate.js';
import type { LossBatch, LossFn } from './losses.js';
import type { DenseNet } from './net.js';
import type { EpochLog } from './spec.js';

export type { EpochLog } from './spec.js';

/** Training data as typed arrays. Rows of every array line up with rows of `features`. */
export interface TrainData {
  /** Row-major `n x inputDim`. */
  readonly features: Float32Array;
  /** Named label vectors of length n (what a {@link LossFn} reads from `batch.labels`). */
  readonly labels?: Readonly<Record<string, Float32Array>>;
  /** The arm of each row, turned into a one-hot `batch.treatment` with `arms` columns. */
  readonly treatment?: Int32Array;
  /** Number of arms of the one-hot. @default max(treatment) + 1 */
  readonly arms?: number;
  /** Per-sample weights (e.g. inverse propensity). @default all 1 */
  readonly weights?: Float32Array;
}

/** Options of {@link trainNet}. All optional. */
export interface TrainOptions {
  /** Maximum passes over the training rows. @default 30 */
  epochs?: number;
  /** Rows per gradient step. @default 256 */
  batchSize?: number;
  /** Adam step size. @default 0.001 */
  learningRate?: number;
  /** L2 penalty on weight matrices (not biases), added to the loss. @default 0 */
  l2?: number;
  /**
   * Per head, an L2 penalty on how far each output unit's weights lie from the first unit's: `weight * sum over
   * j >= 1 of ||W[:, j] - W[:, 0]||^2` for the head's output kernel W. With one unit per arm (control first) it pulls
   * every arm's prediction toward control's plus a constant: a prior that the effect of an arm varies little between
   * users, which only the data can overturn. The biases are free. @default {}
   */
  headContrastL2?: Readonly<Record<string, number>>;
  /**
   * Share of rows held out (by a seeded draw) for early stopping. Ignored when `validation` is given; 0 turns
   * early stopping off. @default 0.1
   */
  validationFraction?: number;
  /** An explicit validation set instead of a split. */
  validation?: TrainData;
  /** Epochs without a validation improvement of more than `minDelta` before stopping. @default 3 */
  patience?: number;
  /** Smallest decrease of the validation loss that counts as an improvement. @default 0 */
  minDelta?: number;
  /** Put back the weights of the best validation epoch at the end. @default true */
  restoreBest?: boolean;
  /**
   * Dropout rate after every trunk layer in the training steps (inverted dropout, a fresh seeded mask per step).
   * The validation loss is always computed without dropout, so early stopping compares the same function of the
   * weights from epoch to epoch. @default 0
   */
  dropout?: number;
  /** Seed of the validation split, the batch order (our own Fisher-Yates, never Math.random) and the dropout masks. @default 42 */
  seed?: number;
  /** Called after each epoch (awaited when it returns a promise); return or resolve `'stop'` to end training. */
  onEpochEnd?: (log: EpochLog) => unknown;
}

export const defaultTrainOptions = {
  epochs: 30,
  batchSize: 256,
  learningRate: 0.001,
  l2: 0,
  headContrastL2: {} as Readonly<Record<string, number>>,
  validationFraction: 0.1,
  patience: 3,
  minDelta: 0,
  restoreBest: true,
  dropout: 0,
  seed: DEFAULT_SEED,
} satisfies Omit<Required<TrainOptions>, 'validation' | 'onEpochEnd'>;

/** What {@link trainNet} returns. */
export interface TrainResult {
  readonly history: readonly EpochLog[];
  /** The epoch (1-based) whose weights the net holds at the end (the best one when `restoreBest`, else the last). */
  readonly bestEpoch: number;
  readonly stoppedEarly: boolean;
}

/**
 * Trains a {@link DenseNet} with Adam on `loss`, with our own seeded batch order, an optional validation split
 * with early stopping and best-weights restore. Each step runs the forward pass once ({@link DenseNet.apply}, with
 * the `dropout` of the options) and hands its output to `loss`. Tensors live only within a step; none leak.
 *
 * @example
 * ```ts
 * const loss = headLosses([{ head: 'y', kind: 'bce' }]);
 * const { history } = await trainNet(net, { features, labels: { y }, treatment, weights }, loss, { epochs: 10 });
 * ```
 */
export async function trainNet(
  net: DenseNet,
  data: TrainData,
  loss: LossFn,
  options: TrainOptions = {},
): Promise<TrainResult> {
  const o = { ...defaultTrainOptions, ...options };
  checkTrainOptions(o);
  const d = net.spec.inputDim;
  const n = checkData(data, d, 'data');
  const arms = data.arms ?? (data.treatment !== undefined ? maxPlusOne(data.treatment) : 0);
  const rng = new RNG(o.seed);
  let trainRows: Int32Array;
  let valSet: { data: TrainData; rows: Int32Array } | undefined;
  if (options.validation !== undefined) {
    const nv = checkData(options.validation, d, 'validation');
    trainRows = identity(n);
    valSet = { data: options.validation, rows: identity(nv) };
  } else {
    const perm = new RNG(rng.child('split')).permutation(n);
    const nVal = o.validationFraction > 0 ? Math.max(1, Math.floor(n * o.validationFraction)) : 0;
    if (nVal >= n) throw new ValidationError({ path: ['validationFraction'], message: 'leaves no training rows' });
    trainRows = perm.slice(nVal);
    valSet = nVal > 0 ? { data, rows: perm.slice(0, nVal).sort() } : undefined;
  }
  const shuffler = new RNG(rng.child('batches'));
  const optimizer = tf.train.adam(o.learningRate);
  const vars = net.variables;
  const kernels = net.kernels;
  // [weight, output kernel, units] of every head with a contrast penalty (heads of one unit have no contrast).
  const contrasts: [number, tf.Variable, number][] = Object.entries(o.headContrastL2)
    .filter(([, weight]) => weight > 0)
    .map(([name, weight]) => {
      const w = net.headKernel(name);
      return [weight, w, w.shape[1] as number] as [number, tf.Variable, number];
    })
    .filter(([, , units]) => units > 1);
  const history: EpochLog[] = [];
  let best = Number.POSITIVE_INFINITY;
  let bestEpoch = 0;
  let bestWeights: Float32Array[] | undefined;
  let stale = 0;
  let stoppedEarly = false;
  const dropSeed = rng.child('dropout');
  let step = 0;
  const objective = (batch: LossBatch): tf.Scalar => {
    const out =
      o.dropout > 0
        ? net.apply(batch.x, { dropout: { rate: o.dropout, seed: dropSeed + 7919 * step } })
        : net.apply(batch.x);
    let total = loss(out, batch);
    if (o.l2 > 0) total = tf.add(total, tf.mul(o.l2, tf.addN(kernels.map((k) => tf.sum(tf.square(k)))))) as tf.Scalar;
    for (const [head, w, units] of contrasts) {
      const first = tf.slice(w, [0, 0], [-1, 1]);
      const rest = tf.slice(w, [0, 1], [-1, units - 1]);
      total = tf.add(total, tf.mul(head, tf.sum(tf.square(tf.sub(rest, first))))) as tf.Scalar;
    }
    return total;
  };
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const t0 = performance.now();
      shuffler.shuffle(trainRows);
      let sum = 0;
      for (let start = 0; start < trainRows.length; start += o.batchSize) {
        const rows = trainRows.subarray(start, Math.min(trainRows.length, start + o.batchSize));
        const cost = tf.tidy(() => {
          const batch = makeBatch(data, rows, d, arms);
          return optimizer.minimize(() => objective(batch), true, vars) as tf.Scalar;
        });
        step += 1;
        // Row-weighted mean over the epoch: weight each batch mean by its size.
        sum += (cost.dataSync()[0] as number) * rows.length;
        cost.dispose();
      }
      const seconds = (performance.now() - t0) / 1000;
      const valLoss = valSet !== undefined ? evaluateLoss(net, valSet.data, valSet.rows, loss, arms) : undefined;
      const log: EpochLog = {
        epoch,
        loss: sum / trainRows.length,
        ...(valLoss !== undefined ? { valLoss } : {}),
        seconds,
        rowsPerSecond: trainRows.length / Math.max(seconds, 1e-9),
      };
      history.push(log);
      if (valLoss !== undefined && Number.isFinite(valLoss) && valLoss < best - o.minDelta) {
        best = valLoss;
        bestEpoch = epoch;
        stale = 0;
        if (o.restoreBest) bestWeights = net.snapshot();
      } else if (valLoss !== undefined) {
        stale += 1;
      } else {
        bestEpoch = epoch;
      }
      const verdict = options.onEpochEnd !== undefined ? await options.onEpochEnd(log) : undefined;
      if (verdict === 'stop') break;
      if (valLoss !== undefined && stale >= o.patience) {
        stoppedEarly = true;
        break;
      }
    }
    if (bestWeights !== undefined && bestEpoch !== history.length) net.restore(bestWeights);
  } finally {
    optimizer.dispose();
  }
  const held = bestWeights !== undefined && bestEpoch > 0 ? bestEpoch : history.length;
  return { history, bestEpoch: held, stoppedEarly };
}

/**
 * The loss of `data` restricted to `rows` (no gradient, no dropout), averaged over batches of up to 8192 rows: the
 * validation loss of {@link trainNet}.
 */
export function evaluateLoss(net: DenseNet, data: TrainData, rows: Int32Array, loss: LossFn, arms: number): number {
  const bs = 8192;
  let sum = 0;
  for (let start = 0; start < rows.length; start += bs) {
    const sub = rows.subarray(start, Math.min(rows.length, start + bs));
    const v = tf.tidy(() => {
      const batch = makeBatch(data, sub, net.spec.inputDim, arms);
      return loss(net.apply(batch.x), batch).dataSync()[0] as number;
    });
    sum += v * sub.length;
  }
  return sum / Math.max(1, rows.length);
}

/** Gathers `rows` of `data` into the tensors of one batch. Call inside `tf.tidy`. */
export function makeBatch(data: TrainData, rows: Int32Array, d: number, arms: number): LossBatch {
  const k = rows.length;
  const xb = new Float32Array(k * d);
  const f = data.features;
  for (let r = 0; r < k; r++) {
    const i = rows[r] as number;
    xb.set(f.subarray(i * d, i * d + d), r * d);
  }
  const labels: Record<string, tf.Tensor1D> = {};
  for (const [name, arr] of Object.entries(data.labels ?? {})) labels[name] = tf.tensor1d(gather(arr, rows));
  let treatment: tf.Tensor2D | undefined;
  if (data.treatment !== undefined && arms > 0) {
    const oh = new Float32Array(k * arms);
    for (let r = 0; r < k; r++) oh[r * arms + (data.treatment[rows[r] as number] as number)] = 1;
    treatment = tf.tensor2d(oh, [k, arms]);
  }
  const weights = data.weights !== undefined ? tf.tensor1d(gather(data.weights, rows)) : tf.ones([k], 'float32');
  return { x: tf.tensor2d(xb, [k, d]), labels, treatment, weights: weights as tf.Tensor1D };
}

function gather(a: Float32Array, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length);
  for (let r = 0; r < rows.length; r++) out[r] = a[rows[r] as number] as number;
  return out;
}

function identity(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

function maxPlusOne(t: Int32Array): number {
  let m = -1;
  for (let i = 0; i < t.length; i++) if ((t[i] as number) > m) m = t[i] as number;
  return m + 1;
}

function checkData(data: TrainData, d: number, path: string): number {
  if (!(data?.features instanceof Float32Array) || data.features.length % d !== 0 || data.features.length === 0) {
    throw new ValidationError({ path: [path, 'features'], message: `expected a non-empty Float32Array of n x ${d}` });
  }
  const n = data.features.length / d;
  const check = (name: string, a: ArrayLike<number> | undefined) => {
    if (a !== undefined && a.length !== n) {
      throw new ValidationError({ path: [path, name], message: `expected ${n} values (one per row), got ${a.length}` });
    }
  };
  for (const [name, arr] of Object.entries(data.labels ?? {})) check(`labels.${name}`, arr);
  check('treatment', data.treatment);
  check('weights', data.weights);
  if (data.treatment !== undefined && data.arms !== undefined) {
    for (let i = 0; i < n; i++) {
      const t = data.treatment[i] as number;
      if (!(t >= 0 && t < data.arms)) {
        throw new ValidationError({ path: [path, 'treatment', i], message: `expected 0..${data.arms - 1}, got ${t}` });
      }
    }
  }
  return n;
}

function checkTrainOptions(o: Omit<Required<TrainOptions>, 'validation' | 'onEpochEnd'>): void {
  checkNumber('dropout', o.dropout, { min: 0, max: 0.9 });
  checkNumber('epochs', o.epochs, { min: 1, integer: true });
  checkNumber('batchSize', o.batchSize, { min: 1, integer: true });
  checkNumber('learningRate', o.learningRate, { min: 0 });
  checkNumber('l2', o.l2, { min: 0 });
  for (const [name, weight] of Object.entries(o.headContrastL2 ?? {}))
    checkNumber(`headContrastL2.${name}`, weight, { min: 0 });
  checkNumber('validationFraction', o.validationFraction, { min: 0, max: 0.9 });
  checkNumber('patience', o.patience, { min: 1, integer: true });
  checkNumber('minDelta', o.minDelta, { min: 0 });
  checkNumber('seed', o.seed);
}
