import { SerializationError } from '../core/errors.js';
import { checkNumber } from '../core/validate.js';
import { DenseNet, type DenseNetSpec, type NetWeights } from '../nn/net.js';
import type { TrainOptions } from '../nn/train.js';
import { checkLayers } from './common.js';
import type { NetOptions } from './net-options.js';
import { netStateSchema, readModel } from './schema.js';

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

/** Rebuilds a net from untrusted JSON ({@link netStateSchema}), checking its input width; throws {@link SerializationError}. */
export function restoreNet(value: unknown, inputDim: number, where: string): DenseNet {
  const v = readModel(netStateSchema(inputDim), value, where);
  let net: DenseNet;
  try {
    net = DenseNet.create(v.spec as DenseNetSpec);
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
