import { InfeasibleBudgetError, ValidationError } from '../core/errors.js';
import { sortDescending } from './radix.js';

/**
 * The LP-relaxation path of a per-user multiple-choice knapsack over all budgets: every user starts at their
 * cheapest arm; the upgrades along each user's upper convex hull (cost, value) are taken in one global order of
 * decreasing marginal value per unit cost.
 *
 * `deltaCost`, `deltaValue` and `slope` are computed on first access (from the inputs, which must then be
 * unchanged), so a path of tens of millions of upgrades holds only `user`, `toArm`, `cumCost` and `cumValue`
 * (24 bytes per upgrade).
 */
export interface MCKPPath {
  readonly n: number;
  readonly m: number;
  /** Each user's starting (cheapest, then most valuable) arm. */
  readonly startArm: Int32Array;
  /** Total cost and value with every user at the start arm. */
  readonly baseCost: number;
  readonly baseValue: number;
  /** Upgrades in path order: user and arm after the upgrade. */
  readonly user: Int32Array;
  readonly toArm: Int32Array;
  /** Incremental cost and value of each upgrade (computed lazily). */
  readonly deltaCost: Float64Array;
  readonly deltaValue: Float64Array;
  /** Marginal value per unit cost of each upgrade, non-increasing along the path (computed lazily). */
  readonly slope: Float64Array;
  /** Cumulative cost and value after each upgrade (including the base). */
  readonly cumCost: Float64Array;
  readonly cumValue: Float64Array;
}

/**
 * Builds the whole budget path of the multiple-choice knapsack "give each of n users one of m arms, maximize total
 * value subject to total cost <= B" from per-user values and costs (row-major n*m).
 *
 * One pass computes each user's hull (dominated arms dropped); the upgrades' slopes are sorted once by a stable
 * 48-bit LSD radix sort with exact tie repair (see `radix.ts`) that carries each upgrade's cost and value
 * increments, so nothing is read back from random positions of the inputs; buffers are reused for the outputs.
 * Peak about 52 bytes per upgrade on top of the inputs, 24 retained. Ties in slope keep user order.
 *
 * @example
 * ```ts
 * const path = mckpPath(values, costs, n, m);
 * const arms = assignAtBudget(path, 0.5 * n); // at most 0.5 cost per user
 * ```
 */
export function mckpPath(values: ArrayLike<number>, costs: ArrayLike<number>, n: number, m: number): MCKPPath {
  if (!Number.isInteger(n) || !Number.isInteger(m) || n < 0 || m < 1) {
    throw new ValidationError({ path: ['n'], message: `expected integers n >= 0 and m >= 1, got ${n} and ${m}` });
  }
  if (values.length !== n * m || costs.length !== n * m) {
    throw new ValidationError({
      path: ['values'],
      message: `expected values and costs of length n*m = ${n * m}, got ${values.length} and ${costs.length}`,
    });
  }
  const startArm = new Int32Array(n);
  const cap = n * (m - 1);
  const slopes = new Float64Array(cap);
  // Each upgrade is identified by one 32-bit payload: packed (user, from, to) when it fits, else its index.
  const mm = m * m;
  const packed = n * mm <= 2 ** 32;
  const payload = new Uint32Array(cap);
  const dcIn = new Float64Array(cap);
  const dvIn = new Float64Array(cap);
  const uUser = packed ? undefined : new Int32Array(cap);
  const uFrom = packed ? undefined : new Int32Array(cap);
  const uTo = packed ? undefined : new Int32Array(cap);
  let k = 0;
  let baseCost = 0;
  let baseValue = 0;
  const hull = new Int32Array(m);
  const order = new Int32Array(m);
  const rc = new Float64Array(m);
  const rv = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const o = i * m;
    let sorted = true;
    for (let j = 0; j < m; j++) {
      const c = costs[o + j] as number;
      const v = values[o + j] as number;
      if (c - c !== 0 || v - v !== 0) {
        throw new ValidationError({
          path: ['user', i, 'arm', j],
          message: `expected finite value and cost, got ${v} and ${c}`,
        });
      }
      rc[j] = c;
      rv[j] = v;
      order[j] = j;
      if (j > 0 && (c < (rc[j - 1] as number) || (c === rc[j - 1] && v > (rv[j - 1] as number)))) sorted = false;
    }
    if (!sorted) {
      // Insertion sort by cost ascending, value descending, arm index.
      for (let j = 1; j < m; j++) {
        const c = rc[j] as number;
        const v = rv[j] as number;
        let b = j - 1;
        while (b >= 0) {
          const t = order[b] as number;
          const ct = rc[t] as number;
          if (ct < c || (ct === c && (rv[t] as number) >= v)) break;
          order[b + 1] = t;
          b--;
        }
        order[b + 1] = j;
      }
    }
    // Upper concave hull over points with increasing cost and strictly increasing value.
    let h = 0;
    let lastV = 0;
    for (let a = 0; a < m; a++) {
      const j = order[a] as number;
      const c = rc[j] as number;
      const v = rv[j] as number;
      if (h > 0 && v <= lastV) continue; // dominated (or same cost, lower value)
      while (h >= 2) {
        const p = hull[h - 2] as number;
        const q = hull[h - 1] as number;
        const cq = rc[q] as number;
        const vq = rv[q] as number;
        if ((v - vq) / (c - cq) >= (vq - (rv[p] as number)) / (cq - (rc[p] as number))) h--;
        else break;
      }
      hull[h++] = j;
      lastV = v;
    }
    const s0 = hull[0] as number;
    startArm[i] = s0;
    baseCost += rc[s0] as number;
    baseValue += rv[s0] as number;
    for (let a = 1; a < h; a++) {
      const p = hull[a - 1] as number;
      const q = hull[a] as number;
      const dc = (rc[q] as number) - (rc[p] as number);
      const dv = (rv[q] as number) - (rv[p] as number);
      slopes[k] = dv / dc;
      dcIn[k] = dc;
      dvIn[k] = dv;
      if (uUser === undefined) payload[k] = i * mm + p * m + q;
      else {
        payload[k] = k;
        uUser[k] = i;
        (uFrom as Int32Array)[k] = p;
        (uTo as Int32Array)[k] = q;
      }
      k++;
    }
  }
  // Decodes a payload into user, from and to (written to `dec`).
  const dec = new Int32Array(3);
  const decode = (w: number): void => {
    if (uUser === undefined) {
      const i = Math.floor(w / mm);
      const r = w - i * mm;
      dec[0] = i;
      dec[1] = Math.floor(r / m);
      dec[2] = r - (dec[1] as number) * m;
    } else {
      dec[0] = uUser[w] as number;
      dec[1] = (uFrom as Int32Array)[w] as number;
      dec[2] = (uTo as Int32Array)[w] as number;
    }
  };
  const exactKey = (w: number): number => {
    decode(w);
    const o = (dec[0] as number) * m;
    const p = dec[1] as number;
    const q = dec[2] as number;
    return (
      ((values[o + q] as number) - (values[o + p] as number)) / ((costs[o + q] as number) - (costs[o + p] as number))
    );
  };
  const { order: sortedPayload, spareA, spareB, carried } = sortDescending(slopes, payload, k, exactKey, [dcIn, dvIn]);
  // The sorted increments become the cumulative sums in place; the sort's spare buffers become user and toArm.
  const cumCost = carried[0] as Float64Array;
  const cumValue = carried[1] as Float64Array;
  const user = spareA.subarray(0, k);
  const toArm = spareB.subarray(0, k);
  let cc = baseCost;
  let cv = baseValue;
  for (let a = 0; a < k; a++) {
    decode(sortedPayload[a] as number);
    user[a] = dec[0] as number;
    toArm[a] = dec[2] as number;
    cc += cumCost[a] as number;
    cv += cumValue[a] as number;
    cumCost[a] = cc;
    cumValue[a] = cv;
  }
  return lazyDeltas({ n, m, startArm, baseCost, baseValue, user, toArm, cumCost, cumValue }, values, costs);
}

type CorePath = Omit<MCKPPath, 'deltaCost' | 'deltaValue' | 'slope'>;

/** Adds lazily computed, memoized `deltaCost`, `deltaValue` and `slope` to a path. */
function lazyDeltas(core: CorePath, values: ArrayLike<number>, costs: ArrayLike<number>): MCKPPath {
  let memo: { dc: Float64Array; dv: Float64Array } | undefined;
  const deltas = () => {
    if (memo !== undefined) return memo;
    const { n, m, user, toArm, startArm } = core;
    const cur = Int32Array.from(startArm.subarray(0, n));
    const dc = new Float64Array(user.length);
    const dv = new Float64Array(user.length);
    for (let a = 0; a < user.length; a++) {
      const i = user[a] as number;
      const o = i * m;
      const p = cur[i] as number;
      const q = toArm[a] as number;
      dc[a] = (costs[o + q] as number) - (costs[o + p] as number);
      dv[a] = (values[o + q] as number) - (values[o + p] as number);
      cur[i] = q;
    }
    memo = { dc, dv };
    return memo;
  };
  let slope: Float64Array | undefined;
  return Object.defineProperties(core as MCKPPath, {
    deltaCost: { enumerable: true, get: () => deltas().dc },
    deltaValue: { enumerable: true, get: () => deltas().dv },
    slope: {
      enumerable: true,
      get: () => {
        if (slope === undefined) {
          const { dc, dv } = deltas();
          slope = Float64Array.from(dc, (c, a) => (dv[a] as number) / c);
        }
        return slope;
      },
    },
  });
}

/**
 * The integer assignment on a path at total budget `budget`: the longest prefix of upgrades whose cumulative cost
 * stays within the budget. Throws {@link InfeasibleBudgetError} if even the cheapest arms cost more.
 */
export function assignAtBudget(path: MCKPPath, budget: number): Int32Array {
  if (budget < path.baseCost - 1e-9 * Math.max(1, Math.abs(path.baseCost))) {
    throw new InfeasibleBudgetError(budget, path.baseCost, 'total');
  }
  const lo = upgradesWithin(path, budget);
  const arms = Int32Array.from(path.startArm);
  for (let a = 0; a < lo; a++) arms[path.user[a] as number] = path.toArm[a] as number;
  return arms;
}

/** Number of upgrades of the path whose cumulative cost stays within `budget` (binary search). */
export function upgradesWithin(path: MCKPPath, budget: number): number {
  let lo = 0;
  let hi = path.cumCost.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((path.cumCost[mid] as number) <= budget) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
