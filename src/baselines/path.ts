import { InfeasibleBudgetError, ValidationError } from '../core/errors.js';
import { mckpPath } from '../solver/mckp.js';

/**
 * An allocation path: every user starts at a start arm, then upgrades are taken in one global order of
 * decreasing `key` (a value per unit cost: a Lagrange multiplier, a ROI, a decision factor). Each user's upgrades
 * appear in the order they must be applied. Taking the first `k` upgrades is the assignment at the multiplier
 * `key[k - 1]`; a budget selects the longest prefix whose cumulative model cost fits.
 *
 * Every baseline reduces its decision rule to such a path, so budget filling, spend calibration and the
 * "expected cost under the model stays within budget" guarantee are written once.
 */
export interface AllocationPath {
  readonly n: number;
  readonly startArm: Int32Array;
  /** Total model cost with every user at the start arm. */
  readonly baseCost: number;
  readonly user: Int32Array;
  readonly toArm: Int32Array;
  /** Model cost added by each upgrade (may be <= 0 for a free upgrade). */
  readonly deltaCost: Float64Array;
  /** Sort key of each upgrade, non-increasing along the path. */
  readonly key: Float64Array;
}

/**
 * The per-user Lagrangian multiple-choice knapsack path ({@link mckpPath}) of per-arm values and costs
 * (row-major `n * m`): the key of an upgrade is its marginal value per unit cost along the user's convex hull.
 */
export function lagrangianPath(
  values: ArrayLike<number>,
  costs: ArrayLike<number>,
  n: number,
  m: number,
): AllocationPath {
  const p = mckpPath(values, costs, n, m);
  const key = new Float64Array(p.user.length);
  for (let a = 0; a < key.length; a++) key[a] = (p.deltaValue[a] as number) / (p.deltaCost[a] as number);
  return { n, startArm: p.startArm, baseCost: p.baseCost, user: p.user, toArm: p.toArm, deltaCost: p.deltaCost, key };
}

/**
 * A ranking path over per-user ladders of arms 0 -> 1 -> ... -> m-1 (arms ordered by cost): `keys[i * (m - 1) + j - 1]`
 * is the key of user i's step from arm j-1 to arm j and `costs[i * m + j]` the model cost of arm j for user i
 * (arm 0 is the start arm). A user's keys are made non-increasing along the ladder (running minimum), so the global
 * sort never takes a step before the one below it. Steps with a non-positive key are dropped: they would lower value.
 */
export function ladderPath(keys: ArrayLike<number>, costs: ArrayLike<number>, n: number, m: number): AllocationPath {
  if (keys.length !== n * (m - 1) || costs.length !== n * m) {
    throw new ValidationError({
      path: ['keys'],
      message: `expected ${n * (m - 1)} keys and ${n * m} costs, got ${keys.length} and ${costs.length}`,
    });
  }
  const cap = n * (m - 1);
  const uUser = new Int32Array(cap);
  const uArm = new Int32Array(cap);
  const uKey = new Float64Array(cap);
  const uDc = new Float64Array(cap);
  let k = 0;
  let baseCost = 0;
  for (let i = 0; i < n; i++) {
    baseCost += costs[i * m] as number;
    let run = Number.POSITIVE_INFINITY;
    for (let j = 1; j < m; j++) {
      const raw = keys[i * (m - 1) + j - 1] as number;
      if (Number.isNaN(raw)) {
        throw new ValidationError({ path: ['keys', i, j], message: `expected a number, got ${raw}` });
      }
      run = Math.min(run, raw);
      if (!(run > 0)) break;
      uUser[k] = i;
      uArm[k] = j;
      uKey[k] = run;
      uDc[k] = (costs[i * m + j] as number) - (costs[i * m + j - 1] as number);
      k++;
    }
  }
  const idx = new Int32Array(k);
  for (let a = 0; a < k; a++) idx[a] = a;
  // Decreasing key; ties by upgrade index, which keeps each user's steps in ladder order.
  idx.sort((a, b) => (uKey[b] as number) - (uKey[a] as number) || a - b);
  const user = new Int32Array(k);
  const toArm = new Int32Array(k);
  const deltaCost = new Float64Array(k);
  const key = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    const u = idx[a] as number;
    user[a] = uUser[u] as number;
    toArm[a] = uArm[u] as number;
    deltaCost[a] = uDc[u] as number;
    key[a] = uKey[u] as number;
  }
  return { n, startArm: new Int32Array(n), baseCost, user, toArm, deltaCost, key };
}

/**
 * The number of upgrades taken at total budget `budget`: the longest prefix whose cumulative model cost stays within
 * the budget (the walk stops at the first upgrade that does not fit, which keeps the rule a threshold on the key).
 * Throws {@link InfeasibleBudgetError} when even the start arms cost more.
 */
export function prefixWithinBudget(path: AllocationPath, budget: number): number {
  const tol = 1e-9 * Math.max(1, Math.abs(budget));
  if (path.baseCost > budget + tol) throw new InfeasibleBudgetError(budget, path.baseCost, 'total');
  let c = path.baseCost;
  const k = path.deltaCost.length;
  for (let a = 0; a < k; a++) {
    const next = c + (path.deltaCost[a] as number);
    if (next > budget + tol) return a;
    c = next;
  }
  return k;
}

/** The number of upgrades whose key is at least `threshold` (keys are non-increasing). */
export function prefixAtKey(path: AllocationPath, threshold: number): number {
  let lo = 0;
  let hi = path.key.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((path.key[mid] as number) >= threshold) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The assignment after the first `k` upgrades of a path. */
export function armsAtPrefix(path: AllocationPath, k: number): Int32Array {
  const arms = Int32Array.from(path.startArm);
  for (let a = 0; a < k; a++) arms[path.user[a] as number] = path.toArm[a] as number;
  return arms;
}

/** Total of `costs[i * m + arms[i]]` over users: an assignment's expected cost under a model. */
export function assignmentCost(costs: ArrayLike<number>, arms: Int32Array, m: number): number {
  let s = 0;
  for (let i = 0; i < arms.length; i++) s += costs[i * m + (arms[i] as number)] as number;
  return s;
}
