import { ValidationError } from '../core/errors.js';
import { DEFAULT_SEED, Rng } from '../core/rng.js';
import { checkNumber, checkOneOf, describe } from '../core/validate.js';
import type { RctDataset } from '../data/dataset.js';
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
export type EomEstimator = 'hajek' | 'ipw' | 'stratified';

/** Options of {@link evaluatePolicy}. All optional. */
export interface EvaluateOptions {
  /** Weight normalization, see {@link EomEstimator}. @default 'hajek' */
  estimator?: EomEstimator;
  /** Bootstrap resamples for the confidence intervals; 0 skips the bootstrap (interval ends are NaN). @default 500 */
  resamples?: number;
  /** Confidence level of the percentile intervals, in (0, 1). @default 0.95 */
  level?: number;
  /** Seed of the bootstrap. The same seed on the same data draws the same resamples (paired comparisons). @default 42 */
  seed?: number;
  /** Evaluate this extra outcome (a key of `outcomes`, e.g. `'gmv'`) instead of `response`. */
  outcome?: string;
}

export const defaultEvaluateOptions = {
  estimator: 'hajek' as EomEstimator,
  resamples: 500,
  level: 0.95,
  seed: DEFAULT_SEED,
} satisfies Required<Omit<EvaluateOptions, 'outcome'>>;

/** The expected outcome metric of one policy on randomized test data. All values are per user. */
export interface PolicyEvaluation {
  /** Test rows. */
  readonly n: number;
  /** Test rows whose received arm equals the policy's arm (the rows the estimate rests on). */
  readonly matched: number;
  readonly estimator: EomEstimator;
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
 * @param assignment One arm index per test row (0 = control), e.g. from `allocator.assign(test.features, budget)`.
 * @example
 * ```ts
 * const arms = await allocator.assign(test.features, { perUser: 0.5 });
 * const ev = evaluatePolicy(arms, test, { seed: 1 });
 * console.log(ev.incrementalResponse.estimate, ev.incrementalResponse.lower, ev.cost.estimate);
 * ```
 */
export function evaluatePolicy(
  assignment: Int32Array,
  test: RctDataset,
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
  test: RctDataset,
  options: EvaluateOptions = {},
): PolicySetEvaluation {
  const o = { ...defaultEvaluateOptions, ...options };
  checkOneOf('estimator', o.estimator, ['hajek', 'ipw', 'stratified'] as const);
  checkNumber('resamples', o.resamples, { min: 0, integer: true });
  checkNumber('level', o.level, { min: 1e-9, max: 1 - 1e-9 });
  checkNumber('seed', o.seed);
  const { n, m, y, c, w } = prepare(test, o.outcome);
  if (!Array.isArray(assignments) || assignments.length === 0) {
    throw new ValidationError({ path: ['assignments'], message: 'expected a non-empty array of assignments' });
  }
  const k = assignments.length;
  for (let p = 0; p < k; p++) checkAssignment(assignments[p], n, m, k === 1 ? 'assignment' : `assignments.${p}`);
  const est = o.estimator;
  // Per policy (0..k-1; all-control is k) and assigned arm: users assigned, and the matched rows' sums of w, w y, w c.
  const sums = (rows: Int32Array | null): Float64Array => {
    const s = new Float64Array((k + 1) * m * 4);
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
        if (arm !== t) continue;
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
    const rng = new Rng(o.seed);
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
function prepare(test: RctDataset, outcome: string | undefined) {
  if (typeof test !== 'object' || test === null || !(test.treatment instanceof Int32Array)) {
    throw new ValidationError({ path: ['test'], message: `expected an RctDataset, got ${describe(test)}` });
  }
  const n = test.n;
  const m = test.treatmentNames.length;
  let y: Float32Array = test.response;
  if (outcome !== undefined) {
    const col = test.outcomes?.[outcome];
    if (col === undefined) {
      const have = Object.keys(test.outcomes ?? {});
      throw new ValidationError({
        path: ['outcome'],
        message: `the test data has no outcome '${outcome}' (it has: ${have.length > 0 ? have.join(', ') : 'none'})`,
      });
    }
    y = col;
  }
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
