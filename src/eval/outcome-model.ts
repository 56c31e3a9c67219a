import { CholeskyDecomposition, Matrix, solve } from 'ml-matrix';
import { ValidationError } from '../core/errors.js';
import { DEFAULT_SEED, deriveSeed, RNG } from '../core/rng.js';
import { checkNumber, checkOptionKeys, describe } from '../core/validate.js';
import type { RCTDataset } from '../data/dataset.js';

/** Options of {@link crossFitOutcomes}. All optional. */
export interface CrossFitOptions {
  /** Number of cross-fitting folds K (rows are split within each received arm). @default 5 */
  folds?: number;
  /**
   * Ridge penalty on the coefficients of the standardized features (the intercept is not penalized):
   * minimizes sum of squared residuals + ridge x |beta|^2. @default 1
   */
  ridge?: number;
  /** Seed of the fold split. @default 42 */
  seed?: number;
  /** Model this extra outcome (a key of `outcomes`) instead of `response`. */
  outcome?: string;
}

export const defaultCrossFitOptions = { folds: 5, ridge: 1, seed: DEFAULT_SEED } satisfies Required<
  Omit<CrossFitOptions, 'outcome'>
>;

/** Out-of-fold outcome predictions for every row and arm: `response[i * m + j]` is row i's predicted response in arm j. */
export interface OutcomePredictions {
  readonly response: ArrayLike<number>;
  readonly cost: ArrayLike<number>;
}

/** What {@link crossFitOutcomes} returns. */
export interface CrossFitOutcomes extends OutcomePredictions {
  readonly response: Float64Array;
  readonly cost: Float64Array;
  /** The fold of each row (0..K-1); its predictions come from models fitted on the other folds. */
  readonly fold: Int32Array;
}

/**
 * Cross-fitted ridge outcome models: for each fold and each arm, a ridge regression of the response and of the cost
 * on the features, fitted on that arm's rows outside the fold, predicts every arm's response and cost for the rows in
 * the fold. Rows are split into K folds at random within each received arm (seeded). Features are standardized with
 * the training rows' means and standard deviations (constant columns drop out); the normal equations are solved by
 * Cholesky with ml-matrix (SVD when the system is singular, e.g. with `ridge: 0`).
 *
 * These are the outcome models of the doubly robust policy value (`evaluatePolicy(..., { estimator: 'dr' })`).
 *
 * @example
 * ```ts
 * const { response, cost } = crossFitOutcomes(test, { folds: 5, seed: 1 });
 * const uplift = response[i * m + 1] - response[i * m]; // out-of-fold predicted uplift of row i
 * ```
 */
export function crossFitOutcomes(data: RCTDataset, options: CrossFitOptions = {}): CrossFitOutcomes {
  checkOptionKeys(
    options,
    Object.keys({ folds: 1, ridge: 1, seed: 1, outcome: 1 } satisfies Record<keyof CrossFitOptions, 1>),
  );
  const o = { ...defaultCrossFitOptions, ...options };
  if (typeof data !== 'object' || data === null || !(data.treatment instanceof Int32Array)) {
    throw new ValidationError({ path: ['test'], message: `expected an RCTDataset, got ${describe(data)}` });
  }
  const { n, d } = data;
  const m = data.treatmentNames.length;
  const K = checkNumber('folds', o.folds, { min: 2, integer: true });
  const ridge = checkNumber('ridge', o.ridge, { min: 0 });
  checkNumber('seed', o.seed);
  const y = outcomeColumn(data, o.outcome);
  const byArm: number[][] = Array.from({ length: m }, () => []);
  for (let i = 0; i < n; i++) byArm[data.treatment[i] as number]?.push(i);
  byArm.forEach((rows, j) => {
    if (rows.length < K) {
      throw new ValidationError({
        path: ['folds'],
        message: `arm '${data.treatmentNames[j]}' has ${rows.length} rows; ${K} folds need at least ${K} rows per arm`,
      });
    }
  });
  const fold = new Int32Array(n);
  const rng = new RNG(deriveSeed(o.seed, 'outcome-folds'));
  for (const rows of byArm) {
    const perm = rng.permutation(rows.length);
    for (let r = 0; r < rows.length; r++) fold[rows[perm[r] as number] as number] = r % K;
  }
  const response = new Float64Array(n * m);
  const cost = new Float64Array(n * m);
  for (let f = 0; f < K; f++) {
    const inFold: number[] = [];
    for (let i = 0; i < n; i++) if (fold[i] === f) inFold.push(i);
    for (let j = 0; j < m; j++) {
      const train = (byArm[j] as number[]).filter((i) => fold[i] !== f);
      const model = fitRidge(data.features, d, train, [y, data.cost], ridge);
      for (const i of inFold) {
        response[i * m + j] = model.predict(data.features, i, 0);
        cost[i * m + j] = model.predict(data.features, i, 1);
      }
    }
  }
  return { response, cost, fold };
}

/** A fitted ridge regression with several targets on the same rows. */
interface RidgeModel {
  predict(features: Float32Array, row: number, target: number): number;
}

/** Ridge regression of each target on the standardized features of `rows`, intercept unpenalized. */
function fitRidge(
  features: Float32Array,
  d: number,
  rows: readonly number[],
  targets: readonly ArrayLike<number>[],
  ridge: number,
): RidgeModel {
  const nr = rows.length;
  const nt = targets.length;
  const mu = new Float64Array(d);
  const sd = new Float64Array(d);
  for (const i of rows) for (let a = 0; a < d; a++) mu[a] = (mu[a] as number) + (features[i * d + a] as number);
  for (let a = 0; a < d; a++) mu[a] = (mu[a] as number) / nr;
  for (const i of rows) {
    for (let a = 0; a < d; a++) {
      const z = (features[i * d + a] as number) - (mu[a] as number);
      sd[a] = (sd[a] as number) + z * z;
    }
  }
  // A constant column is left out (scale 0): its standardized value is 0 on every row.
  for (let a = 0; a < d; a++) {
    const s = Math.sqrt((sd[a] as number) / nr);
    sd[a] = s > 1e-12 ? 1 / s : 0;
  }
  const ybar = new Float64Array(nt);
  for (let t = 0; t < nt; t++) {
    let s = 0;
    for (const i of rows) s += (targets[t] as ArrayLike<number>)[i] as number;
    ybar[t] = s / nr;
  }
  const A = new Float64Array(d * d);
  const B = new Float64Array(d * nt);
  const z = new Float64Array(d);
  for (const i of rows) {
    for (let a = 0; a < d; a++) z[a] = ((features[i * d + a] as number) - (mu[a] as number)) * (sd[a] as number);
    for (let a = 0; a < d; a++) {
      const za = z[a] as number;
      if (za === 0) continue;
      for (let b = a; b < d; b++) A[a * d + b] = (A[a * d + b] as number) + za * (z[b] as number);
      for (let t = 0; t < nt; t++) {
        const yt = ((targets[t] as ArrayLike<number>)[i] as number) - (ybar[t] as number);
        B[a * nt + t] = (B[a * nt + t] as number) + za * yt;
      }
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < a; b++) A[a * d + b] = A[b * d + a] as number;
    // A constant column gets a unit diagonal so that the system stays positive definite; its coefficient is 0.
    A[a * d + a] = (A[a * d + a] as number) + ridge + (sd[a] === 0 ? 1 : 0);
  }
  let beta: Matrix;
  if (d === 0) beta = Matrix.zeros(0, nt);
  else {
    const lhs = Matrix.from1DArray(d, d, A);
    const rhs = Matrix.from1DArray(d, nt, B);
    const chol = new CholeskyDecomposition(lhs);
    beta = chol.isPositiveDefinite() ? chol.solve(rhs) : solve(lhs, rhs, true);
  }
  // Fold the standardization into the coefficients: prediction = intercept + sum_a coef[a] x[a].
  const coef = new Float64Array(d * nt);
  const intercept = Float64Array.from(ybar);
  for (let t = 0; t < nt; t++) {
    for (let a = 0; a < d; a++) {
      const c = beta.get(a, t) * (sd[a] as number);
      coef[t * d + a] = c;
      intercept[t] = (intercept[t] as number) - c * (mu[a] as number);
    }
  }
  return {
    predict(x, row, t) {
      let s = intercept[t] as number;
      for (let a = 0; a < d; a++) s += (coef[t * d + a] as number) * (x[row * d + a] as number);
      return s;
    },
  };
}

/** The outcome column `outcome` of the data (its response when undefined), with a clear error when it is absent. */
export function outcomeColumn(data: RCTDataset, outcome: string | undefined): Float32Array {
  if (outcome === undefined) return data.response;
  const col = data.outcomes?.[outcome];
  if (col === undefined) {
    const have = Object.keys(data.outcomes ?? {});
    throw new ValidationError({
      path: ['outcome'],
      message: `the test data has no outcome '${outcome}' (it has: ${have.length > 0 ? have.join(', ') : 'none'})`,
    });
  }
  return col;
}
