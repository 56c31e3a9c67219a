import { rowNorms, sqDist } from './distance.js';
import type { ElkanState } from './elkan.js';
import type { DistanceEngine } from './engine.js';

/** Result of one k-means run. */
export interface KMeansRun {
  readonly centroids: Float32Array;
  readonly labels: Int32Array;
  /** Sum of squared distances of rows to their centroid. */
  readonly inertia: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/** Settings of {@link lloyd}. */
export interface LloydSettings {
  readonly maxIterations: number;
  /**
   * Stop when the sum of squared centroid shifts falls to `tolerance` times the mean per-column variance of the
   * data (scikit-learn's rule), or when no row changes cluster. 0 stops only on no change.
   */
  readonly tolerance: number;
  /** Hamerly's triangle-inequality bounds, which skip most distance computations after a few iterations. */
  readonly prune: boolean;
  /** Where full nearest-centroid scans run. */
  readonly engine: DistanceEngine;
}

/**
 * Lloyd's k-means from the given initial centroids, with Hamerly's bounds (same result as plain Lloyd, far fewer
 * distance computations): each row keeps an upper bound on the distance to its centroid and a lower bound on the
 * distance to any other; a row is re-examined only when the bounds (moved by the centroid shifts) overlap.
 * Centroid sums are updated incrementally as rows move. An empty cluster takes the row farthest from its centroid.
 */
export function lloyd(
  x: Float32Array,
  n: number,
  d: number,
  init: Float32Array,
  k: number,
  s: LloydSettings,
): KMeansRun {
  if (s.prune && s.engine.elkan !== undefined) {
    const state = s.engine.elkan(x, n, d, init, k);
    if (state !== null) return lloydElkan(x, n, d, init, k, s, state);
  }
  const c = init.slice();
  const xNorm = rowNorms(x, n, d);
  let cNorm = rowNorms(c, k, d);
  const labels = new Int32Array(n);
  const best = new Float64Array(n);
  const second = new Float64Array(n);
  s.engine.nearestMany(x, d, null, n, xNorm, c, cNorm, k, labels, best, second);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    upper[i] = Math.sqrt(best[i] as number);
    lower[i] = Math.sqrt(second[i] as number);
  }
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) addRow(sums, counts, x, i, labels[i] as number, d, 1);
  // (Tolerance 0 stops only when no row moves: the column variance is not needed.)
  const tolBound = s.tolerance > 0 ? s.tolerance * meanColumnVariance(x, n, d) : 0;
  const shift = new Float64Array(k);
  const half = new Float64Array(k);
  const rescan = new Int32Array(n);
  const previous = new Int32Array(n);
  let iterations = 0;
  let converged = false;
  while (iterations < s.maxIterations) {
    iterations++;
    // M-step: move centroids to their rows' means; record each shift.
    const { shiftTotal, maxShift, maxShiftAt, secondShift } = moveCentroids(c, sums, counts, k, d, shift);
    cNorm = rowNorms(c, k, d);
    // Half the distance from each centroid to its nearest other centroid.
    if (s.prune) halfDistances(c, k, d, half);
    // E-step: bounds first; rows whose bounds overlap are rescanned together (one batch for the engine).
    let count = 0;
    const filtered = s.prune
      ? (s.engine.filterBounds?.(x, d, n, c, k, {
          labels,
          upper,
          lower,
          shift,
          half,
          maxShiftAt,
          maxShift,
          secondShift,
          rescan,
        }) ?? null)
      : null;
    if (filtered !== null) {
      count = filtered;
      for (let r = 0; r < count; r++) {
        const i = rescan[r] as number;
        previous[i] = labels[i] as number;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const a = labels[i] as number;
        if (s.prune) {
          const u = (upper[i] as number) + (shift[a] as number);
          const l = (lower[i] as number) - (a === maxShiftAt ? secondShift : maxShift);
          const bound = Math.max(half[a] as number, l);
          upper[i] = u;
          lower[i] = l;
          if (u <= bound) continue;
          const tight = Math.sqrt(sqDist(x, i, c, a, d));
          upper[i] = tight;
          if (tight <= bound) continue;
        }
        previous[i] = a;
        rescan[count++] = i;
      }
    }
    s.engine.nearestMany(x, d, rescan, count, xNorm, c, cNorm, k, labels, best, second);
    let moved = 0;
    for (let r = 0; r < count; r++) {
      const i = rescan[r] as number;
      upper[i] = Math.sqrt(best[i] as number);
      lower[i] = Math.sqrt(second[i] as number);
      const a = previous[i] as number;
      const na = labels[i] as number;
      if (na !== a) {
        addRow(sums, counts, x, i, a, d, -1);
        addRow(sums, counts, x, i, na, d, 1);
        moved++;
      }
    }
    moved += fixEmpty(x, n, d, c, k, labels, sums, counts, upper, (i) => {
      lower[i] = 0;
    });
    if (moved === 0 || shiftTotal <= tolBound) {
      converged = true;
      break;
    }
  }
  return { centroids: c, labels, inertia: inertiaOf(x, n, d, c, labels), iterations, converged };
}

/**
 * Lloyd with Elkan's bounds (k lower bounds per row, half the centroid distances), on an engine that keeps the
 * state: the same iterations and stopping rules as {@link lloyd}, far fewer distance computations where the
 * clusters overlap.
 */
function lloydElkan(
  x: Float32Array,
  n: number,
  d: number,
  init: Float32Array,
  k: number,
  s: LloydSettings,
  state: ElkanState,
): KMeansRun {
  const c = init.slice();
  const { labels, upper, sums, counts } = state;
  const tolBound = s.tolerance > 0 ? s.tolerance * meanColumnVariance(x, n, d) : 0;
  const shift = new Float64Array(k);
  let iterations = 0;
  let converged = false;
  while (iterations < s.maxIterations) {
    iterations++;
    const { shiftTotal } = moveCentroids(c, sums, counts, k, d, shift);
    let moved = state.step(c, shift);
    moved += fixEmpty(x, n, d, c, k, labels, sums, counts, upper, (i) => state.resetRow(i));
    if (moved === 0 || shiftTotal <= tolBound) {
      converged = true;
      break;
    }
  }
  return { centroids: c, labels: labels.slice(), inertia: state.inertia(c), iterations, converged };
}

/**
 * Half the distance from each centroid to its nearest other centroid, into `half` (+inf for a lone centroid); with
 * `pairs`, also half of every pairwise distance into `pairs.out[j * pairs.stride + q]` (the diagonal is left as it
 * is).
 */
export function halfDistances(
  c: Float32Array,
  k: number,
  d: number,
  half: Float64Array,
  pairs?: { readonly out: Float32Array; readonly stride: number },
): void {
  half.fill(Number.POSITIVE_INFINITY);
  for (let j = 0; j < k; j++) {
    for (let q = j + 1; q < k; q++) {
      const h = 0.5 * Math.sqrt(sqDist(c, j, c, q, d));
      if (pairs !== undefined) {
        pairs.out[j * pairs.stride + q] = h;
        pairs.out[q * pairs.stride + j] = h;
      }
      if (h < (half[j] as number)) half[j] = h;
      if (h < (half[q] as number)) half[q] = h;
    }
  }
}

/** Sum of squared distances of the rows to their centroids. */
export function inertiaOf(x: Float32Array, n: number, d: number, c: Float32Array, labels: Int32Array): number {
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += sqDist(x, i, c, labels[i] as number, d);
  return inertia;
}

/** Shifts of one M-step: their sum of squares, the largest (and which centroid), the second largest. */
export interface Shifts {
  shiftTotal: number;
  maxShift: number;
  maxShiftAt: number;
  secondShift: number;
}

/** Moves each non-empty centroid to the mean of its rows (from the running sums); writes each shift's length. */
export function moveCentroids(
  c: Float32Array,
  sums: Float64Array,
  counts: Float64Array,
  k: number,
  d: number,
  shift: Float64Array,
): Shifts {
  let shiftTotal = 0;
  let maxShift = 0;
  let maxShiftAt = -1;
  let secondShift = 0;
  for (let j = 0; j < k; j++) {
    const cnt = counts[j] as number;
    let sq = 0;
    if (cnt > 0) {
      for (let t = 0; t < d; t++) {
        const v = (sums[j * d + t] as number) / cnt;
        const dv = v - (c[j * d + t] as number);
        sq += dv * dv;
        c[j * d + t] = v;
      }
    }
    shiftTotal += sq;
    const p = Math.sqrt(sq);
    shift[j] = p;
    if (p > maxShift) {
      secondShift = maxShift;
      maxShift = p;
      maxShiftAt = j;
    } else if (p > secondShift) secondShift = p;
  }
  return { shiftTotal, maxShift, maxShiftAt, secondShift };
}

export function addRow(
  sums: Float64Array,
  counts: Float64Array,
  x: Float32Array,
  i: number,
  j: number,
  d: number,
  sign: 1 | -1,
) {
  const o = i * d;
  const b = j * d;
  for (let t = 0; t < d; t++) sums[b + t] = (sums[b + t] as number) + sign * (x[o + t] as number);
  counts[j] = (counts[j] as number) + sign;
}

/**
 * Gives each empty cluster the row farthest from its own centroid (by the upper bound); `resetLower(i)` forgets
 * the moved row's lower bound(s). Returns rows moved.
 */
export function fixEmpty(
  x: Float32Array,
  n: number,
  d: number,
  c: Float32Array,
  k: number,
  labels: Int32Array,
  sums: Float64Array,
  counts: Float64Array,
  upper: Float64Array,
  resetLower: (i: number) => void,
): number {
  let moved = 0;
  for (let j = 0; j < k; j++) {
    if ((counts[j] as number) > 0) continue;
    let far = -1;
    let farDist = -1;
    for (let i = 0; i < n; i++) {
      if ((counts[labels[i] as number] as number) > 1 && (upper[i] as number) > farDist) {
        farDist = upper[i] as number;
        far = i;
      }
    }
    if (far < 0) break;
    addRow(sums, counts, x, far, labels[far] as number, d, -1);
    addRow(sums, counts, x, far, j, d, 1);
    labels[far] = j;
    upper[far] = Math.sqrt(sqDist(x, far, c, j, d));
    resetLower(far);
    moved++;
  }
  return moved;
}

/** Mean over columns of the population variance (one row-major pass, float64 sums). */
export function meanColumnVariance(x: Float32Array, n: number, d: number): number {
  const s1 = new Float64Array(d);
  const s2 = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let t = 0; t < d; t++) {
      const v = x[o + t] as number;
      s1[t] = (s1[t] as number) + v;
      s2[t] = (s2[t] as number) + v * v;
    }
  }
  let total = 0;
  for (let t = 0; t < d; t++) {
    const m = (s1[t] as number) / n;
    total += Math.max(0, (s2[t] as number) / n - m * m);
  }
  return total / d;
}
