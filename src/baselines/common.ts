import { ValidationError } from '../core/errors.js';
import { DEFAULT_SEED } from '../core/rng.js';
import { checkNumber, checkOneOf, describe } from '../core/validate.js';
import type { RCTDataset } from '../data/dataset.js';
import type { SpendEstimator } from './calibration.js';

/** Options every baseline shares. All optional. */
export interface BaselineOptions {
  /** Seed of every random choice (initial weights, batch order, splits, tie-breaking). @default 42 */
  seed?: number;
  /**
   * Spend calibration: hold out `calibrationFraction` of the training trial, fit the model on the rest, and at
   * assignment time lower the allocation's multiplier (its key threshold) until the spend estimated on the held-out
   * rows meets the budget. Only ever tightens: the model's own expected cost stays within the budget either way.
   * Compare methods with it on for all or off for all. @default false
   */
  spendCalibration?: boolean;
  /** Share of training rows held out for spend calibration, in (0, 0.9]. @default 0.25 */
  calibrationFraction?: number;
  /** Spend estimator of the calibration: doubly robust (`'dr'`) or inverse propensity (`'ipw'`). @default 'dr' */
  calibrationEstimator?: SpendEstimator;
}

export const defaultBaselineOptions = {
  seed: DEFAULT_SEED,
  spendCalibration: false,
  calibrationFraction: 0.25,
  calibrationEstimator: 'dr' as SpendEstimator,
} satisfies Required<BaselineOptions>;

/** Validates the shared options (prefixing paths with the allocator's name). */
export function checkBaselineOptions(who: string, o: Required<BaselineOptions>): void {
  checkNumber(`${who}.seed`, o.seed);
  if (typeof o.spendCalibration !== 'boolean') {
    throw new ValidationError({
      path: [who, 'spendCalibration'],
      message: `expected a boolean, got ${describe(o.spendCalibration)}`,
    });
  }
  checkNumber(`${who}.calibrationFraction`, o.calibrationFraction, { min: 0.01, max: 0.9 });
  checkOneOf(`${who}.calibrationEstimator`, o.calibrationEstimator, ['dr', 'ipw'] as const);
}

/** Checks a positive integer option. */
export function checkPositiveInt(path: string, v: unknown): number {
  return checkNumber(path, v, { min: 1, integer: true });
}

/** Checks an array of positive integers (layer sizes). */
export function checkLayers(path: string, v: unknown): readonly number[] {
  if (!Array.isArray(v) || !v.every((u) => typeof u === 'number' && Number.isInteger(u) && u > 0)) {
    throw new ValidationError({ path: [path], message: `expected an array of positive integers, got ${describe(v)}` });
  }
  return v;
}

/**
 * Checks that `train` looks like an {@link RCTDataset} built by `createDataset` (typed columns of matching lengths,
 * arm indices in range, at least one row per arm), so hand-made objects fail with a clear ValidationError.
 */
export function checkTrainData(train: unknown, who: string): RCTDataset {
  const bad = (path: (string | number)[], message: string) =>
    new ValidationError({ path: [who, 'fit', ...path], message });
  if (typeof train !== 'object' || train === null) throw bad([], `expected an RCTDataset, got ${describe(train)}`);
  const t = train as RCTDataset;
  if (!(Number.isInteger(t.n) && t.n > 0 && Number.isInteger(t.d) && t.d > 0)) {
    throw bad(['n'], `expected positive integer n and d, got ${describe(t.n)} and ${describe(t.d)}`);
  }
  if (!(t.features instanceof Float32Array) || t.features.length !== t.n * t.d) {
    throw bad(['features'], `expected a Float32Array of n*d = ${t.n * t.d} values`);
  }
  if (!(t.treatment instanceof Int32Array) || t.treatment.length !== t.n) {
    throw bad(['treatment'], `expected an Int32Array of ${t.n} arm indices`);
  }
  for (const key of ['response', 'cost'] as const) {
    const col = t[key];
    if (!(col instanceof Float32Array) || col.length !== t.n) {
      throw bad([key], `expected a Float32Array of ${t.n} values`);
    }
  }
  const m = Array.isArray(t.treatmentNames) ? t.treatmentNames.length : 0;
  if (m < 2) throw bad(['treatmentNames'], 'expected at least two arms (control first)');
  const counts = new Int32Array(m);
  for (let i = 0; i < t.n; i++) {
    const a = t.treatment[i] as number;
    if (!(a >= 0 && a < m)) throw bad(['treatment', i], `expected an arm index in 0..${m - 1}, got ${a}`);
    counts[a] = (counts[a] as number) + 1;
    if (!Number.isFinite(t.response[i] as number) || !Number.isFinite(t.cost[i] as number)) {
      throw bad(['row', i], 'expected finite response and cost');
    }
  }
  for (let j = 0; j < m; j++) {
    if (counts[j] === 0) throw bad(['treatment', t.treatmentNames[j] as string], 'arm has no rows');
  }
  if (t.propensity !== undefined && (!(t.propensity instanceof Float32Array) || t.propensity.length !== t.n)) {
    throw bad(['propensity'], `expected a Float32Array of ${t.n} probabilities`);
  }
  return t;
}

/** Propensities of a dataset: its own, or each arm's empirical share. */
export function propensities(data: RCTDataset): Float32Array {
  if (data.propensity !== undefined) return data.propensity;
  const m = data.treatmentNames.length;
  const counts = new Float64Array(m);
  for (let i = 0; i < data.n; i++)
    counts[data.treatment[i] as number] = (counts[data.treatment[i] as number] as number) + 1;
  const p = new Float32Array(data.n);
  for (let i = 0; i < data.n; i++) p[i] = (counts[data.treatment[i] as number] as number) / data.n;
  return p;
}

/**
 * Per-arm means of response and cost (Hajek: inverse-propensity weighted within each arm), and their increments
 * over control. The simplest unbiased model of a randomized trial.
 */
export function armMeans(data: RCTDataset): { response: number[]; cost: number[]; uplift: number[]; upcost: number[] } {
  const m = data.treatmentNames.length;
  const p = propensities(data);
  const w = new Float64Array(m);
  const ys = new Float64Array(m);
  const cs = new Float64Array(m);
  for (let i = 0; i < data.n; i++) {
    const a = data.treatment[i] as number;
    const wi = 1 / (p[i] as number);
    w[a] = (w[a] as number) + wi;
    ys[a] = (ys[a] as number) + wi * (data.response[i] as number);
    cs[a] = (cs[a] as number) + wi * (data.cost[i] as number);
  }
  const response = Array.from(ys, (v, j) => v / (w[j] as number));
  const cost = Array.from(cs, (v, j) => v / (w[j] as number));
  return {
    response,
    cost,
    uplift: response.map((v) => v - (response[0] as number)),
    upcost: cost.map((v) => v - (cost[0] as number)),
  };
}
