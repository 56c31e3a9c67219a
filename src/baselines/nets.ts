import * as tf from '@tensorflow/tfjs';
import { SerializationError } from '../core/errors.js';
import { checkNumber } from '../core/validate.js';
import { activate } from '../nn/dense.js';
import { DenseNet, type DenseNetSpec, type NetWeights } from '../nn/net.js';
import type { TrainOptions } from '../nn/train.js';
import { checkLayers } from './common.js';
import type { NetOptions } from './net-options.js';

export type { NetOptions } from './net-options.js';
export { defaultNetOptions } from './net-options.js';

/** Validates {@link NetOptions} (paths prefixed with `who`). */
export function checkNetOptions(who: string, o: Required<NetOptions>): void {
  checkLayers(`${who}.hidden`, o.hidden);
  checkNumber(`${who}.epochs`, o.epochs, { min: 1, integer: true });
  checkNumber(`${who}.batchSize`, o.batchSize, { min: 1, integer: true });
  checkNumber(`${who}.learningRate`, o.learningRate, { min: 0 });
  checkNumber(`${who}.l2`, o.l2, { min: 0 });
  checkNumber(`${who}.validationFraction`, o.validationFraction, { min: 0, max: 0.5 });
  checkNumber(`${who}.patience`, o.patience, { min: 1, integer: true });
}

/** The `trainNet` options of {@link NetOptions}. */
export function trainOptions(
  o: Required<NetOptions>,
  seed: number,
  overrides: Partial<TrainOptions> = {},
): TrainOptions {
  return {
    epochs: o.epochs,
    batchSize: o.batchSize,
    learningRate: o.learningRate,
    l2: o.l2,
    validationFraction: o.validationFraction,
    patience: o.patience,
    seed,
    ...overrides,
  };
}

/** True when every value is 0 or 1 (binary outcome: fit with cross-entropy). */
export function isBinary(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v !== 0 && v !== 1) return false;
  }
  return true;
}

/** Root mean square of a column (a label scale; 1 when the column is all zero). */
export function rms(values: Float32Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += (values[i] as number) ** 2;
  const r = Math.sqrt(s / Math.max(1, values.length));
  return r > 1e-12 ? r : 1;
}

/** Inverse propensities scaled to mean 1 (sample weights that balance the arms). */
export function balancingWeights(propensity: Float32Array): Float32Array {
  const w = new Float32Array(propensity.length);
  let s = 0;
  for (let i = 0; i < w.length; i++) {
    w[i] = 1 / (propensity[i] as number);
    s += w[i] as number;
  }
  const mean = s / Math.max(1, w.length);
  for (let i = 0; i < w.length; i++) w[i] = (w[i] as number) / mean;
  return w;
}

/** A net's spec and weights as JSON. */
export interface NetState {
  readonly spec: DenseNetSpec;
  readonly weights: NetWeights;
}

/** Serializes a net. */
export function netState(net: DenseNet): NetState {
  const { inputDim, trunk, heads, activation, initializer, seed } = net.spec;
  return { spec: { inputDim, trunk, heads, activation, initializer, seed }, weights: net.getWeights() };
}

/** Rebuilds a net from untrusted JSON, checking its input width; throws {@link SerializationError}. */
export function restoreNet(value: unknown, inputDim: number, where: string): DenseNet {
  const v = value as NetState | null;
  if (typeof v !== 'object' || v === null || typeof v.spec !== 'object' || v.spec === null) {
    throw new SerializationError(`${where}: expected { spec, weights }`);
  }
  if (v.spec.inputDim !== inputDim) {
    throw new SerializationError(`${where}: expected a net with ${inputDim} inputs, got ${String(v.spec.inputDim)}`);
  }
  let net: DenseNet;
  try {
    net = DenseNet.create(v.spec);
  } catch (e) {
    throw new SerializationError(`${where}: bad net spec (${(e as Error).message})`, { cause: e });
  }
  try {
    net.setWeights(v.weights);
  } catch (e) {
    net.dispose();
    throw e instanceof SerializationError
      ? e
      : new SerializationError(`${where}: ${(e as Error).message}`, { cause: e });
  }
  return net;
}

/**
 * A forward pass of `net` with dropout (inverted, rate `rate`) after every trunk layer: the same layers and
 * activations as `DenseNet.apply`, read from the net's variables (trunk first, then heads, weight before bias).
 * Used for Monte Carlo dropout, in training and at prediction time. Call inside `tf.tidy`.
 */
export function applyWithDropout(
  net: DenseNet,
  x: tf.Tensor2D,
  rate: number,
  seed: number,
): Record<string, tf.Tensor2D> {
  const vars = net.variables;
  let v = 0;
  const act = (z: tf.Tensor2D): tf.Tensor2D => activate(z, net.spec.activation);
  const layer = (h: tf.Tensor2D, linear: boolean): tf.Tensor2D => {
    const w = vars[v++] as tf.Variable as unknown as tf.Tensor2D;
    const b = vars[v++] as tf.Variable as unknown as tf.Tensor1D;
    const z = tf.add(tf.matMul(h, w), b) as tf.Tensor2D;
    return linear ? z : act(z);
  };
  let h = x;
  net.spec.trunk.forEach((_units, i) => {
    h = layer(h, false);
    if (rate > 0) {
      const keep = tf.greaterEqual(tf.randomUniform(h.shape, 0, 1, 'float32', seed + i), rate);
      h = tf.div(tf.mul(h, tf.cast(keep, 'float32')), 1 - rate) as tf.Tensor2D;
    }
  });
  const out: Record<string, tf.Tensor2D> = {};
  for (const head of net.spec.heads) {
    let z = h;
    for (const _ of head.hidden ?? []) z = layer(z, false);
    out[head.name] = layer(z, true);
  }
  return out;
}
