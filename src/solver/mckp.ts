import { InfeasibleBudgetError, ValidationError } from '../core/errors.js';

/**
 * The LP-relaxation path of a per-user multiple-choice knapsack over all budgets: every user starts at their
 * cheapest arm; the upgrades along each user's upper convex hull (cost, value) are taken in one global order of
 * decreasing marginal value per unit cost.
 */
export interface MckpPath {
  readonly n: number;
  readonly m: number;
  /** Each user's starting (cheapest, then most valuable) arm. */
  readonly startArm: Int32Array;
  /** Total cost and value with every user at the start arm. */
  readonly baseCost: number;
  readonly baseValue: number;
  /** Upgrades in path order: user, arm after the upgrade, incremental cost and value, slope. */
  readonly user: Int32Array;
  readonly toArm: Int32Array;
  readonly deltaCost: Float64Array;
  readonly deltaValue: Float64Array;
  /** Cumulative cost and value after each upgrade (including the base). */
  readonly cumCost: Float64Array;
  readonly cumValue: Float64Array;
}

/**
 * Builds the whole budget path of the multiple-choice knapsack "give each of n users one of m arms, maximize total
 * value subject to total cost <= B" from per-user values and costs (row-major n*m).
 *
 * @example
 * ```ts
 * const path = mckpPath(values, costs, n, m);
 * const arms = assignAtBudget(path, 0.5 * n); // at most 0.5 cost per user
 * ```
 */
export function mckpPath(values: ArrayLike<number>, costs: ArrayLike<number>, n: number, m: number): MckpPath {
  if (values.length !== n * m || costs.length !== n * m) {
    throw new ValidationError({
      path: ['values'],
      message: `expected values and costs of length n*m = ${n * m}, got ${values.length} and ${costs.length}`,
    });
  }
  const startArm = new Int32Array(n);
  let baseCost = 0;
  let baseValue = 0;
  // Upgrades per user, at most m - 1 each.
  const cap = n * (m - 1);
  const uUser = new Int32Array(cap);
  const uArm = new Int32Array(cap);
  const uDc = new Float64Array(cap);
  const uDv = new Float64Array(cap);
  const uSlope = new Float64Array(cap);
  let k = 0;
  const order = new Int32Array(m);
  const hull = new Int32Array(m);
  for (let i = 0; i < n; i++) {
    const o = i * m;
    for (let j = 0; j < m; j++) {
      const c = costs[o + j] as number;
      const v = values[o + j] as number;
      if (!Number.isFinite(c) || !Number.isFinite(v)) {
        throw new ValidationError({
          path: ['user', i, 'arm', j],
          message: `expected finite value and cost, got ${v} and ${c}`,
        });
      }
      order[j] = j;
    }
    // Sort arms by cost ascending, value descending (insertion sort: m is small).
    for (let a = 1; a < m; a++) {
      const t = order[a] as number;
      let b = a - 1;
      while (b >= 0 && before(t, order[b] as number, values, costs, o)) {
        order[b + 1] = order[b] as number;
        b--;
      }
      order[b + 1] = t;
    }
    // Upper concave hull over points with increasing cost and strictly increasing value.
    let h = 0;
    for (let a = 0; a < m; a++) {
      const j = order[a] as number;
      const c = costs[o + j] as number;
      const v = values[o + j] as number;
      if (h > 0) {
        const last = hull[h - 1] as number;
        if (v <= (values[o + last] as number)) continue; // dominated: costs at least as much, worth no more
        if (c === (costs[o + last] as number)) continue; // same cost, sorted by value desc: already have the best
      }
      while (h >= 2) {
        const p = hull[h - 2] as number;
        const q = hull[h - 1] as number;
        const s1 =
          ((values[o + q] as number) - (values[o + p] as number)) /
          ((costs[o + q] as number) - (costs[o + p] as number));
        const s2 = (v - (values[o + q] as number)) / (c - (costs[o + q] as number));
        if (s2 >= s1) h--;
        else break;
      }
      hull[h++] = j;
    }
    const s = hull[0] as number;
    startArm[i] = s;
    baseCost += costs[o + s] as number;
    baseValue += values[o + s] as number;
    for (let a = 1; a < h; a++) {
      const p = hull[a - 1] as number;
      const q = hull[a] as number;
      const dc = (costs[o + q] as number) - (costs[o + p] as number);
      const dv = (values[o + q] as number) - (values[o + p] as number);
      uUser[k] = i;
      uArm[k] = q;
      uDc[k] = dc;
      uDv[k] = dv;
      uSlope[k] = dv / dc;
      k++;
    }
  }
  const idx = new Int32Array(k);
  for (let a = 0; a < k; a++) idx[a] = a;
  // Decreasing slope; ties by upgrade index, which keeps each user's upgrades in hull order.
  idx.sort((a, b) => (uSlope[b] as number) - (uSlope[a] as number) || a - b);
  const user = new Int32Array(k);
  const toArm = new Int32Array(k);
  const deltaCost = new Float64Array(k);
  const deltaValue = new Float64Array(k);
  const cumCost = new Float64Array(k);
  const cumValue = new Float64Array(k);
  let cc = baseCost;
  let cv = baseValue;
  for (let a = 0; a < k; a++) {
    const u = idx[a] as number;
    user[a] = uUser[u] as number;
    toArm[a] = uArm[u] as number;
    deltaCost[a] = uDc[u] as number;
    deltaValue[a] = uDv[u] as number;
    cc += uDc[u] as number;
    cv += uDv[u] as number;
    cumCost[a] = cc;
    cumValue[a] = cv;
  }
  return { n, m, startArm, baseCost, baseValue, user, toArm, deltaCost, deltaValue, cumCost, cumValue };
}

function before(a: number, b: number, values: ArrayLike<number>, costs: ArrayLike<number>, o: number): boolean {
  const ca = costs[o + a] as number;
  const cb = costs[o + b] as number;
  if (ca !== cb) return ca < cb;
  const va = values[o + a] as number;
  const vb = values[o + b] as number;
  if (va !== vb) return va > vb;
  return a < b;
}

/**
 * The integer assignment on a path at total budget `budget`: the longest prefix of upgrades whose cumulative cost
 * stays within the budget. Throws {@link InfeasibleBudgetError} if even the cheapest arms cost more.
 */
export function assignAtBudget(path: MckpPath, budget: number): Int32Array {
  if (budget < path.baseCost - 1e-9 * Math.max(1, Math.abs(path.baseCost))) {
    throw new InfeasibleBudgetError(budget, path.baseCost, 'total');
  }
  // Binary search for the number of upgrades that fit.
  let lo = 0;
  let hi = path.cumCost.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((path.cumCost[mid] as number) <= budget) lo = mid + 1;
    else hi = mid;
  }
  const arms = Int32Array.from(path.startArm);
  for (let a = 0; a < lo; a++) arms[path.user[a] as number] = path.toArm[a] as number;
  return arms;
}
