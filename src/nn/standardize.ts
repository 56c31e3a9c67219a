import { SerializationError } from '../core/errors.js';

/** Column means and standard deviations of a row-major matrix, learned once and applied to new rows. */
export interface StandardizerState {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/**
 * Learns per-column mean and standard deviation (population, in float64) of a row-major `n x d` matrix. Columns
 * with a standard deviation below 1e-8 (constant columns, dead ReLU units) get 1, so they map to 0 instead of NaN.
 *
 * @example
 * ```ts
 * const s = fitStandardizer(features, d);
 * const z = applyStandardizer(s, features);
 * ```
 */
export function fitStandardizer(x: Float32Array, d: number): StandardizerState {
  const n = x.length / d;
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (x[o + j] as number);
  }
  for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) / Math.max(1, n);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) {
      const v = (x[o + j] as number) - (mean[j] as number);
      sq[j] = (sq[j] as number) + v * v;
    }
  }
  const std = Array.from(sq, (s) => {
    const v = Math.sqrt(s / Math.max(1, n));
    return v > 1e-8 ? v : 1;
  });
  return { mean: Array.from(mean), std };
}

/** `(x - mean) / std` column by column, into a new Float32Array. */
export function applyStandardizer(s: StandardizerState, x: Float32Array): Float32Array {
  const d = s.mean.length;
  const out = new Float32Array(x.length);
  const mean = Float64Array.from(s.mean);
  const inv = Float64Array.from(s.std, (v) => 1 / v);
  for (let o = 0; o < x.length; o += d) {
    for (let j = 0; j < d; j++) out[o + j] = ((x[o + j] as number) - (mean[j] as number)) * (inv[j] as number);
  }
  return out;
}

/** Validates a serialized standardizer of `d` columns; throws {@link SerializationError}. */
export function checkStandardizer(value: unknown, d: number, where: string): StandardizerState {
  const s = value as StandardizerState;
  const ok = (a: unknown, positive: boolean) =>
    Array.isArray(a) &&
    a.length === d &&
    a.every((v) => typeof v === 'number' && Number.isFinite(v) && (!positive || v > 0));
  if (typeof s !== 'object' || s === null || !ok(s.mean, false) || !ok(s.std, true)) {
    throw new SerializationError(`${where}: expected { mean, std } with ${d} finite values each (std > 0)`);
  }
  return { mean: [...s.mean], std: [...s.std] };
}
