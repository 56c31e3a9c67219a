import { SerializationError } from '../core/errors.js';
import type { AllocationPath } from './path.js';

/** How spend calibration estimates a policy's spend on held-out trial rows. */
export type SpendEstimator = 'dr' | 'ipw';

/**
 * A fitted spend calibration: the estimated spend per user on held-out trial rows as a function of the path
 * threshold. `keys[p]` is a key threshold (taking every upgrade whose key is at least it) and `spend[p]` the
 * estimated spend per user there, made non-decreasing by isotonic regression; `spend0` is the spend with no upgrade.
 */
export interface SpendCalibration {
  readonly estimator: SpendEstimator;
  readonly rows: number;
  readonly spend0: number;
  readonly keys: readonly number[];
  readonly spend: readonly number[];
}

/** The observed part of held-out trial rows that spend estimation needs. */
export interface HeldOutRows {
  readonly treatment: Int32Array;
  readonly cost: Float32Array;
  readonly propensity: Float32Array;
}

/**
 * Fits a spend calibration from an allocation path built on held-out trial rows. Along the path the estimated spend
 * per user of the policy "take the upgrades so far" is tracked in O(1) per upgrade:
 *
 * - `ipw`: (1/n) sum over rows whose received arm equals the policy's arm of cost / propensity (Horvitz-Thompson);
 * - `dr` (doubly robust): (1/n) sum of the model's cost of the policy's arm plus, on rows whose received arm equals
 *   it, (observed - model cost) / propensity. Unbiased like IPW in a randomized trial, with a much smaller variance
 *   when the model's costs are roughly right; it corrects exactly the bias of the model's cost predictions.
 *
 * The curve is sampled at `points` evenly spaced prefix positions (fine enough that a tight budget is not cut a step
 * short) and made monotone by pool-adjacent-violators.
 */
export function fitSpendCalibration(
  path: AllocationPath,
  modelCosts: ArrayLike<number>,
  m: number,
  rows: HeldOutRows,
  estimator: SpendEstimator,
  points = 2048,
): SpendCalibration {
  const n = path.n;
  // Costs are incremental over control: subtract the control arm's mean cost (0 in a coupon trial).
  let w0 = 0;
  let c0 = 0;
  for (let i = 0; i < n; i++) {
    if (rows.treatment[i] !== 0) continue;
    w0 += 1 / (rows.propensity[i] as number);
    c0 += (rows.cost[i] as number) / (rows.propensity[i] as number);
  }
  const base = w0 > 0 ? c0 / w0 : 0;
  const contrib = (i: number, a: number): number => {
    const hit = rows.treatment[i] === a;
    const observed = (rows.cost[i] as number) - base;
    const obs = hit ? observed / (rows.propensity[i] as number) : 0;
    if (estimator === 'ipw') return obs;
    const mc = modelCosts[i * m + a] as number;
    return hit ? mc + (observed - mc) / (rows.propensity[i] as number) : mc;
  };
  const arms = Int32Array.from(path.startArm);
  let s = 0;
  for (let i = 0; i < n; i++) s += contrib(i, arms[i] as number);
  const spend0 = s / n;
  const k = path.key.length;
  const p = Math.min(points, k);
  const keys: number[] = [];
  const spend: number[] = [];
  let next = 1;
  for (let a = 0; a < k && next <= p; a++) {
    const u = path.user[a] as number;
    s += contrib(u, path.toArm[a] as number) - contrib(u, arms[u] as number);
    arms[u] = path.toArm[a] as number;
    if (a + 1 === Math.round((next * k) / p)) {
      keys.push(Math.min(path.key[a] as number, 1e300)); // JSON has no Infinity
      spend.push(s / n);
      next++;
    }
  }
  return { estimator, rows: n, spend0, keys, spend: isotonic(spend) };
}

/**
 * The key threshold at which the calibrated spend per user meets `perUserBudget`: the lowest sampled threshold whose
 * (monotone) estimated spend is within the budget, or `+Infinity` (no upgrade) when none is.
 */
export function calibratedThreshold(cal: SpendCalibration, perUserBudget: number): number {
  let best = Number.POSITIVE_INFINITY;
  if (cal.spend0 > perUserBudget) return best;
  for (let p = 0; p < cal.spend.length; p++) {
    if ((cal.spend[p] as number) <= perUserBudget) best = cal.keys[p] as number;
    else break;
  }
  return best;
}

/** Non-decreasing least-squares fit (pool adjacent violators), equal weights. */
export function isotonic(y: readonly number[]): number[] {
  const vals: number[] = [];
  const wts: number[] = [];
  for (const v of y) {
    vals.push(v);
    wts.push(1);
    while (vals.length > 1 && (vals[vals.length - 2] as number) > (vals[vals.length - 1] as number)) {
      const w = (wts.pop() as number) + (wts[wts.length - 1] as number);
      const v2 = vals.pop() as number;
      const w1 = wts[wts.length - 1] as number;
      const v1 = vals[vals.length - 1] as number;
      vals[vals.length - 1] = (v1 * w1 + v2 * (w - w1)) / w;
      wts[wts.length - 1] = w;
    }
  }
  const out: number[] = [];
  vals.forEach((v, b) => {
    for (let r = 0; r < (wts[b] as number); r++) out.push(v);
  });
  return out;
}

/** Validates an untrusted {@link SpendCalibration} (from JSON). */
export function checkSpendCalibration(value: unknown, where: string): SpendCalibration {
  const bad = (msg: string) => new SerializationError(`${where}: ${msg}`);
  if (typeof value !== 'object' || value === null) throw bad('expected an object');
  const v = value as Record<string, unknown>;
  if (v.estimator !== 'dr' && v.estimator !== 'ipw') throw bad(`estimator: expected 'dr' or 'ipw'`);
  if (!(typeof v.rows === 'number' && Number.isInteger(v.rows) && v.rows > 0)) throw bad('rows: expected a count');
  if (!(typeof v.spend0 === 'number' && Number.isFinite(v.spend0))) throw bad('spend0: expected a finite number');
  const keys = v.keys;
  const spend = v.spend;
  if (!Array.isArray(keys) || !Array.isArray(spend) || keys.length !== spend.length) {
    throw bad('keys and spend: expected two arrays of the same length');
  }
  for (let p = 0; p < keys.length; p++) {
    const kp = keys[p];
    const sp = spend[p];
    if (typeof kp !== 'number' || Number.isNaN(kp) || typeof sp !== 'number' || !Number.isFinite(sp)) {
      throw bad(`point ${p}: expected numbers`);
    }
    if (p > 0 && (kp > (keys[p - 1] as number) || sp < (spend[p - 1] as number))) {
      throw bad(`point ${p}: keys must not increase and spend must not decrease`);
    }
  }
  return { estimator: v.estimator, rows: v.rows, spend0: v.spend0, keys: [...keys], spend: [...spend] };
}
