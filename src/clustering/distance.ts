/**
 * Distance kernels over row-major Float32Array matrices. Squared Euclidean distances use
 * ||x||^2 - 2 x.c + ||c||^2 with the dot products of one row against four centroids at a time, so each row is
 * read once per block of four (clamped at 0 against rounding).
 */

/** Squared L2 norm of each of the `n` rows. */
export function rowNorms(x: Float32Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    let s = 0;
    for (let t = 0; t < d; t++) {
      const v = x[o + t] as number;
      s += v * v;
    }
    out[i] = s;
  }
  return out;
}

/** Squared Euclidean distance between row `i` of `x` and row `j` of `c` (direct sum of squares). */
export function sqDist(x: Float32Array, i: number, c: Float32Array, j: number, d: number): number {
  const a = i * d;
  const b = j * d;
  let s = 0;
  for (let t = 0; t < d; t++) {
    const v = (x[a + t] as number) - (c[b + t] as number);
    s += v * v;
  }
  return s;
}

/**
 * For rows `start..end-1` of `x`: the nearest centroid (into `labels`), its squared distance (into `best`) and
 * the second-smallest squared distance (into `second`, when given). Indices into the output arrays are row indices.
 */
export function nearestTwo(
  x: Float32Array,
  xNorm: Float64Array,
  d: number,
  c: Float32Array,
  cNorm: Float64Array,
  k: number,
  start: number,
  end: number,
  labels: Int32Array,
  best: Float64Array,
  second: Float64Array | undefined,
): void {
  const out = new Float64Array(3);
  for (let i = start; i < end; i++) {
    nearestRow(x, i, xNorm[i] as number, d, c, cNorm, k, out);
    labels[i] = out[0] as number;
    best[i] = out[1] as number;
    if (second !== undefined) second[i] = out[2] as number;
  }
}

/**
 * Nearest and second-nearest centroid of row `i` (squared norm `xn`): writes `[label, best, second]` (squared
 * distances, clamped at 0) into `out`.
 */
export function nearestRow(
  x: Float32Array,
  i: number,
  xn: number,
  d: number,
  c: Float32Array,
  cNorm: Float64Array,
  k: number,
  out: Float64Array,
): void {
  const k4 = k - (k % 4);
  const o = i * d;
  let b1 = Number.POSITIVE_INFINITY;
  let b2 = Number.POSITIVE_INFINITY;
  let a = 0;
  let j = 0;
  for (; j < k4; j += 4) {
    const c0 = j * d;
    const c1 = c0 + d;
    const c2 = c1 + d;
    const c3 = c2 + d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let t = 0; t < d; t++) {
      const v = x[o + t] as number;
      s0 += v * (c[c0 + t] as number);
      s1 += v * (c[c1 + t] as number);
      s2 += v * (c[c2 + t] as number);
      s3 += v * (c[c3 + t] as number);
    }
    const d0 = xn - 2 * s0 + (cNorm[j] as number);
    const d1 = xn - 2 * s1 + (cNorm[j + 1] as number);
    const d2 = xn - 2 * s2 + (cNorm[j + 2] as number);
    const d3 = xn - 2 * s3 + (cNorm[j + 3] as number);
    if (d0 < b2) {
      if (d0 < b1) {
        b2 = b1;
        b1 = d0;
        a = j;
      } else b2 = d0;
    }
    if (d1 < b2) {
      if (d1 < b1) {
        b2 = b1;
        b1 = d1;
        a = j + 1;
      } else b2 = d1;
    }
    if (d2 < b2) {
      if (d2 < b1) {
        b2 = b1;
        b1 = d2;
        a = j + 2;
      } else b2 = d2;
    }
    if (d3 < b2) {
      if (d3 < b1) {
        b2 = b1;
        b1 = d3;
        a = j + 3;
      } else b2 = d3;
    }
  }
  for (; j < k; j++) {
    const c0 = j * d;
    let s0 = 0;
    for (let t = 0; t < d; t++) s0 += (x[o + t] as number) * (c[c0 + t] as number);
    const d0 = xn - 2 * s0 + (cNorm[j] as number);
    if (d0 < b2) {
      if (d0 < b1) {
        b2 = b1;
        b1 = d0;
        a = j;
      } else b2 = d0;
    }
  }
  out[0] = a;
  out[1] = Math.max(b1, 0);
  out[2] = Math.max(b2, 0);
}

/** Squared distances of every row to every centroid, row-major `n x k` (for soft assignments). */
export function allSqDistances(x: Float32Array, n: number, d: number, c: Float32Array, k: number): Float32Array {
  const out = new Float32Array(n * k);
  const xNorm = rowNorms(x, n, d);
  const cNorm = rowNorms(c, k, d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < k; j++) {
      const c0 = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) s += (x[o + t] as number) * (c[c0 + t] as number);
      const v = (xNorm[i] as number) - 2 * s + (cNorm[j] as number);
      out[i * k + j] = Math.max(v, 0);
    }
  }
  return out;
}
