import { ValidationError } from '../core/errors.js';
import { DEFAULT_SEED, RNG } from '../core/rng.js';
import { checkNumber, checkOneOf, checkOptionKeys, describe } from '../core/validate.js';
import type { RCTDataset } from '../data/dataset.js';
import { crossFitOutcomes, type OutcomePredictions, outcomeColumn } from './outcome-model.js';
import { type Interval, percentileInterval } from './stats.js';

/**
 * How the expected outcome metric normalizes the matched rows' inverse-propensity weights.
 * - `'hajek'`: self-normalized, sum(w y) / sum(w). Consistent, slightly biased (O(1/n)), lower variance, always
 *   within the range of the observed outcomes, unchanged when a constant is added to every outcome.
 * - `'ipw'`: Horvitz–Thompson, sum(w y) / n. Exactly unbiased for known propensities, higher variance.
 * - `'stratified'`: Hajek within each assigned arm, weighted by the policy's exact arm shares:
 *   sum_j (n_j / n) sum_{t=j, pi=j}(w y) / sum_{t=j, pi=j}(w), where n_j users are assigned arm j. Removes the chance
 *   mix of matched rows across arms; NaN when some assigned arm has no matched row.
 */
export type EOMEstimator = 'hajek' | 'ipw' | 'stratified';

/**
 * The estimator of a policy's value: one of the expected outcome metric's weightings ({@link EOMEstimator}) or
 * `'dr'`, the doubly robust (augmented IPW) value with cross-fitted outcome models:
 * (1/n) sum_i [ mu_pi(i)(x_i) + 1[t_i = pi(i)] (y_i - mu_t_i(x_i)) / p_i ], where mu_j(x_i) is row i's out-of-fold
 * prediction in arm j (ridge regressions on the features, see `crossFitOutcomes`, or `outcomePredictions`).
 * Unbiased like Horvitz–Thompson in a randomized trial whatever the models; the better they predict, the smaller
 * its variance.
 */
export type PolicyValueEstimator = EOMEstimator | 'dr';

/** Options of {@link evaluatePolicy}. All optional. */
export interface EvaluateOptions {
  /** The estimator, see {@link PolicyValueEstimator}. @default 'hajek' */
  estimator?: PolicyValueEstimator;
  /** Bootstrap resamples for the confidence intervals; 0 skips the bootstrap (interval ends are NaN). @default 500 */
  resamples?: number;
  /** Confidence level of the percentile intervals, in (0, 1). @default 0.95 */
  level?: number;
  /** Seed of the bootstrap. The same seed on the same data draws the same resamples (paired comparisons). @default 42 */
  seed?: number;
  /** Evaluate this extra outcome (a key of `outcomes`, e.g. `'gmv'`) instead of `response`. */
  outcome?: string;
  /**
   * `'dr'` only: cross-fitting folds of the ridge outcome models (split within each received arm, seeded by a child
   * of `seed`). @default 5
   */
  folds?: number;
  /** `'dr'` only: ridge penalty of the outcome models (on standardized features, intercept free). @default 1 */
  ridge?: number;
  /**
   * `'dr'` only: your own out-of-fold predictions of every row's response (or `outcome`) and cost in every arm,
   * row-major `n * m` (`response[i * m + j]`), used instead of fitting the ridge models. Predictions must not have
   * been fitted on the same row's outcome, or the estimate loses its double robustness.
   */
  outcomePredictions?: OutcomePredictions;
}

/** The keys of {@link EvaluateOptions} (unknown keys are a ValidationError). @internal */
export const EVALUATE_OPTION_KEYS: readonly string[] = Object.keys({
  estimator: 1,
  resamples: 1,
  level: 1,
  seed: 1,
  outcome: 1,
  folds: 1,
  ridge: 1,
  outcomePredictions: 1,
} satisfies Record<keyof EvaluateOptions, 1>);

export const defaultEvaluateOptions = {
  estimator: 'hajek' as PolicyValueEstimator,
  resamples: 500,
  level: 0.95,
  seed: DEFAULT_SEED,
  folds: 5,
  ridge: 1,
} satisfies Required<Omit<EvaluateOptions, 'outcome' | 'outcomePredictions'>>;

/** The expected outcome metric of one policy on randomized test data. All values are per user. */
export interface PolicyEvaluation {
  /** Test rows. */
  readonly n: number;
  /** Test rows whose received arm equals the policy's arm (the rows the estimate rests on). */
  readonly matched: number;
  readonly estimator: PolicyValueEstimator;
  readonly level: number;
  readonly resamples: number;
  /** Expected response per user under the policy. */
  readonly response: Interval;
  /** Expected cost per user under the policy (compare with a per-user budget). */
  readonly cost: Interval;
  /** Expected response per user over giving everyone control. */
  readonly incrementalResponse: Interval;
  /** Expected cost per user over giving everyone control. */
  readonly incrementalCost: Interval;
  /** Point estimates under all-control. */
  readonly control: { readonly response: number; readonly cost: number };
  /** Share of test users the policy assigns to each arm. */
  readonly armShares: readonly number[];
}

/**
 * The expected outcome metric (EOM; Zhao, Fang and Simchi-Levi, "Uplift modeling with multiple treatments and
 * general response types", SDM 2017) of a policy, with seeded percentile-bootstrap confidence intervals.
 *
 * From randomized test rows, the rows whose received arm equals the arm the policy picks for them are weighted by
 * 1 / propensity; their weighted mean response and cost estimate what the policy would achieve on the whole
 * population. The all-control value is estimated the same way, so the incremental values are paired. The bootstrap
 * resamples rows within each received arm (as in a completely randomized design), the same resamples for every
 * quantity.
 *
 * With `estimator: 'dr'` the value is the doubly robust (AIPW) estimate instead (see {@link PolicyValueEstimator}):
 * ridge outcome models per arm for the response and the cost, cross-fitted over `folds` folds, fill in every row's
 * outcome under the policy's arm, and the matched rows' inverse-propensity-weighted residuals correct them. The
 * bootstrap draws the same resamples as the other estimators (same `seed`) and averages the rows' scores on each;
 * the outcome models are fitted once, not per resample.
 *
 * @param assignment One arm index per test row (0 = control), e.g. from `allocator.assign(test.features, budget)`.
 * @example
 * ```ts
 * const arms = await allocator.assign(test.features, { perUser: 0.5 });
 * const ev = evaluatePolicy(arms, test, { seed: 1 });
 * console.log(ev.incrementalResponse.estimate, ev.incrementalResponse.lower, ev.cost.estimate);
 * const dr = evaluatePolicy(arms, test, { seed: 1, estimator: 'dr' }); // narrower intervals, same resamples
 * ```
 */
export function evaluatePolicy(
  assignment: Int32Array,
  test: RCTDataset,
  options: EvaluateOptions = {},
): PolicyEvaluation {
  const results = evaluatePolicies([assignment], test, options);
  return results.evaluations[0] as PolicyEvaluation;
}

/** What {@link evaluatePolicies} returns: one evaluation per policy and the paired replicate values. */
export interface PolicySetEvaluation {
  readonly evaluations: readonly PolicyEvaluation[];
  /** Bootstrap replicates of each policy's incremental response (policy-major, `resamples` each), paired by row. */
  readonly incrementalReplicates: readonly Float64Array[];
  /** Bootstrap replicates of each policy's cost per user, paired by row. */
  readonly costReplicates: readonly Float64Array[];
}

/**
 * Evaluates several policies on the same bootstrap resamples, so that their differences can be given paired
 * confidence intervals (as `compare` does).
 *
 * @example
 * ```ts
 * const { evaluations, incrementalReplicates } = evaluatePolicies([armsA, armsB], test, { seed: 1 });
 * const diff = incrementalReplicates[0].map((v, b) => v - incrementalReplicates[1][b]); // paired replicates
 * ```
 */
export function evaluatePolicies(
  assignments: readonly Int32Array[],
  test: RCTDataset,
  options: EvaluateOptions = {},
): PolicySetEvaluation {
  checkOptionKeys(options, EVALUATE_OPTION_KEYS);
  const o = { ...defaultEvaluateOptions, ...options };
  checkOneOf('estimator', o.estimator, ['hajek', 'ipw', 'stratified', 'dr'] as const);
  checkNumber('resamples', o.resamples, { min: 0, integer: true });
  checkNumber('level', o.level, { min: 1e-9, max: 1 - 1e-9 });
  checkNumber('seed', o.seed);
  checkNumber('folds', o.folds, { min: 2, integer: true });
  checkNumber('ridge', o.ridge, { min: 0 });
  const { n, m, y, c, w } = prepare(test, o.outcome);
  if (!Array.isArray(assignments) || assignments.length === 0) {
    throw new ValidationError({ path: ['assignments'], message: 'expected a non-empty array of assignments' });
  }
  const k = assignments.length;
  for (let p = 0; p < k; p++) checkAssignment(assignments[p], n, m, k === 1 ? 'assignment' : `assignments.${p}`);
  const est = o.estimator;
  const mu =
    est !== 'dr'
      ? null
      : o.outcomePredictions !== undefined
        ? checkPredictions(o.outcomePredictions, n, m)
        : crossFitOutcomes(test, { folds: o.folds, ridge: o.ridge, seed: o.seed, ...outcomeOption(o.outcome) });
  const psi = mu === null ? null : drScores(mu, test.treatment, y, c, w, m);
  // Per policy (0..k-1; all-control is k) and assigned arm: users assigned, and the matched rows' sums of w, w y, w c;
  // after those, per policy, the sums of the doubly robust scores of response and cost.
  const drAt = (k + 1) * m * 4;
  const sums = (rows: Int32Array | null): Float64Array => {
    const s = new Float64Array(drAt + (psi === null ? 0 : (k + 1) * 2));
    const len = rows === null ? n : rows.length;
    for (let r = 0; r < len; r++) {
      const i = rows === null ? r : (rows[r] as number);
      const t = test.treatment[i] as number;
      const wi = w[i] as number;
      const yi = y[i] as number;
      const ci = c[i] as number;
      for (let p = 0; p <= k; p++) {
        const arm = p === k ? 0 : ((assignments[p] as Int32Array)[i] as number);
        const o4 = (p * m + arm) * 4;
        s[o4] = (s[o4] as number) + 1;
        if (psi !== null) {
          s[drAt + 2 * p] = (s[drAt + 2 * p] as number) + (psi.response[i * m + arm] as number);
          s[drAt + 2 * p + 1] = (s[drAt + 2 * p + 1] as number) + (psi.cost[i * m + arm] as number);
        }
        if (psi !== null || arm !== t) continue; // the weighted sums serve the EOM estimators only
        s[o4 + 1] = (s[o4 + 1] as number) + wi;
        s[o4 + 2] = (s[o4 + 2] as number) + wi * yi;
        s[o4 + 3] = (s[o4 + 3] as number) + wi * ci;
      }
    }
    return s;
  };
  const values = (s: Float64Array, p: number): [number, number] => {
    let users = 0;
    let sw = 0;
    let sy = 0;
    let sc = 0;
    let strat = 0;
    let stratC = 0;
    for (let a = 0; a < m; a++) {
      const o4 = (p * m + a) * 4;
      const cnt = s[o4] as number;
      const wa = s[o4 + 1] as number;
      users += cnt;
      sw += wa;
      sy += s[o4 + 2] as number;
      sc += s[o4 + 3] as number;
      if (est === 'stratified' && cnt > 0) {
        if (wa <= 0) return [Number.NaN, Number.NaN]; // users assigned to an arm no matched row speaks for
        strat += (cnt * (s[o4 + 2] as number)) / wa;
        stratC += (cnt * (s[o4 + 3] as number)) / wa;
      }
    }
    if (est === 'stratified') return [strat / users, stratC / users];
    if (est === 'dr') return [(s[drAt + 2 * p] as number) / users, (s[drAt + 2 * p + 1] as number) / users];
    const denom = est === 'hajek' ? sw : users;
    if (denom <= 0) return [Number.NaN, Number.NaN];
    return [sy / denom, sc / denom];
  };
  const full = sums(null);
  const B = o.resamples;
  const rep = Array.from({ length: k + 1 }, () => ({ r: new Float64Array(B), c: new Float64Array(B) }));
  if (B > 0) {
    const byArm: number[][] = Array.from({ length: m }, () => []);
    for (let i = 0; i < n; i++) byArm[test.treatment[i] as number]?.push(i);
    const rng = new RNG(o.seed);
    const rows = new Int32Array(n);
    for (let b = 0; b < B; b++) {
      let r = 0;
      for (const arm of byArm) for (let q = 0; q < arm.length; q++) rows[r++] = arm[rng.int(arm.length)] as number;
      const s = sums(rows);
      for (let p = 0; p <= k; p++) {
        const [vr, vc] = values(s, p);
        (rep[p] as { r: Float64Array }).r[b] = vr;
        (rep[p] as { c: Float64Array }).c[b] = vc;
      }
    }
  }
  const [r0, c0] = values(full, k);
  const ctl = rep[k] as { r: Float64Array; c: Float64Array };
  const evaluations: PolicyEvaluation[] = [];
  const incrementalReplicates: Float64Array[] = [];
  const costReplicates: Float64Array[] = [];
  for (let p = 0; p < k; p++) {
    const a = assignments[p] as Int32Array;
    const [vr, vc] = values(full, p);
    const pr = rep[p] as { r: Float64Array; c: Float64Array };
    const incR = pr.r.map((v, b) => v - (ctl.r[b] as number));
    const incC = pr.c.map((v, b) => v - (ctl.c[b] as number));
    const shares = new Array<number>(m).fill(0);
    let matched = 0;
    for (let i = 0; i < n; i++) {
      const arm = a[i] as number;
      shares[arm] = (shares[arm] as number) + 1;
      if (arm === test.treatment[i]) matched++;
    }
    for (let j = 0; j < m; j++) shares[j] = (shares[j] as number) / n;
    evaluations.push({
      n,
      matched,
      estimator: o.estimator,
      level: o.level,
      resamples: B,
      response: percentileInterval(vr, pr.r, o.level),
      cost: percentileInterval(vc, pr.c, o.level),
      incrementalResponse: percentileInterval(vr - r0, incR, o.level),
      incrementalCost: percentileInterval(vc - c0, incC, o.level),
      control: { response: r0, cost: c0 },
      armShares: shares,
    });
    incrementalReplicates.push(incR);
    costReplicates.push(pr.c);
  }
  return { evaluations, incrementalReplicates, costReplicates };
}

/** Row weights (1 / propensity), outcome and cost of a test set, validated. */
function prepare(test: RCTDataset, outcome: string | undefined) {
  if (typeof test !== 'object' || test === null || !(test.treatment instanceof Int32Array)) {
    throw new ValidationError({ path: ['test'], message: `expected an RCTDataset, got ${describe(test)}` });
  }
  const n = test.n;
  const m = test.treatmentNames.length;
  const y = outcomeColumn(test, outcome);
  const w = new Float64Array(n);
  if (test.propensity !== undefined) {
    for (let i = 0; i < n; i++) {
      const p = test.propensity[i] as number;
      if (!(p > 0 && p <= 1))
        throw new ValidationError({
          path: ['test', 'propensity', i],
          message: `expected a probability in (0, 1], got ${p}`,
        });
      w[i] = 1 / p;
    }
  } else {
    const counts = new Float64Array(m);
    for (let i = 0; i < n; i++)
      counts[test.treatment[i] as number] = (counts[test.treatment[i] as number] as number) + 1;
    for (let i = 0; i < n; i++) w[i] = n / (counts[test.treatment[i] as number] as number);
  }
  return { n, m, y, c: test.cost, w };
}

/**
 * Each row's doubly robust score in each arm j: mu_j(x_i), plus w_i (y_i - mu_j(x_i)) when j is the arm the row
 * received; a policy's value is the mean over rows of the scores of the arms it assigns.
 */
function drScores(
  mu: OutcomePredictions,
  treatment: Int32Array,
  y: ArrayLike<number>,
  c: ArrayLike<number>,
  w: Float64Array,
  m: number,
): { response: Float64Array; cost: Float64Array } {
  const n = treatment.length;
  const response = Float64Array.from(mu.response);
  const cost = Float64Array.from(mu.cost);
  for (let i = 0; i < n; i++) {
    const o = i * m + (treatment[i] as number);
    response[o] = (response[o] as number) + (w[i] as number) * ((y[i] as number) - (response[o] as number));
    cost[o] = (cost[o] as number) + (w[i] as number) * ((c[i] as number) - (cost[o] as number));
  }
  return { response, cost };
}

/** `{ outcome }` when an outcome is named, else `{}` (exact optional properties). */
function outcomeOption(outcome: string | undefined): { outcome?: string } {
  return outcome === undefined ? {} : { outcome };
}

/** Validates user-supplied outcome predictions: `response` and `cost` of `n * m` finite numbers each. */
function checkPredictions(p: unknown, n: number, m: number): OutcomePredictions {
  if (typeof p !== 'object' || p === null) {
    throw new ValidationError({
      path: ['outcomePredictions'],
      message: `expected { response, cost } with ${n * m} numbers each, got ${describe(p)}`,
    });
  }
  for (const key of ['response', 'cost'] as const) {
    const a = (p as Record<string, unknown>)[key] as ArrayLike<number> | undefined;
    if (a === null || typeof a !== 'object' || typeof a.length !== 'number' || a.length !== n * m) {
      throw new ValidationError({
        path: ['outcomePredictions', key],
        message: `expected ${n * m} numbers (${n} rows x ${m} arms, row-major), got ${describe(a)}`,
      });
    }
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i])) {
        throw new ValidationError({
          path: ['outcomePredictions', key, i],
          message: `expected a finite number (row ${Math.floor(i / m)}, arm ${i % m}), got ${a[i]}`,
        });
      }
    }
  }
  return p as OutcomePredictions;
}

/** Throws a ValidationError naming `name` unless `a` is an Int32Array of `n` arm indices in 0..m-1. */
export function checkAssignment(a: unknown, n: number, m: number, name = 'assignment'): Int32Array {
  if (!(a instanceof Int32Array)) {
    throw new ValidationError({
      path: [name],
      message: `expected an Int32Array of ${n} arm indices, got ${describe(a)}`,
    });
  }
  if (a.length !== n) {
    throw new ValidationError({
      path: [name],
      message: `expected ${n} arm indices (one per test row), got ${a.length}`,
    });
  }
  for (let i = 0; i < n; i++) {
    const v = a[i] as number;
    if (!(v >= 0 && v < m))
      throw new ValidationError({ path: [name, i], message: `expected an arm index in 0..${m - 1}, got ${v}` });
  }
  return a;
}
