import type { Rng } from '../core/rng.js';
import { rowNorms } from './distance.js';

/**
 * Greedy k-means++ seeding (Arthur and Vassilvitskii 2007; the greedy variant of scikit-learn): each new centre is
 * the best of `trials` candidates drawn with probability proportional to the squared distance to the nearest centre
 * chosen so far. Runs on the rows listed in `rows` (a sample for large n). Returns `k x d` centroids.
 */
export function kmeansPlusPlus(
  x: Float32Array,
  d: number,
  rows: Int32Array,
  k: number,
  trials: number,
  rng: Rng,
): Float32Array {
  const n = rows.length;
  const sample = new Float32Array(n * d);
  for (let r = 0; r < n; r++) {
    const i = rows[r] as number;
    sample.set(x.subarray(i * d, i * d + d), r * d);
  }
  const norms = rowNorms(sample, n, d);
  const centroids = new Float32Array(k * d);
  const closest = new Float64Array(n);
  const candidate = new Float64Array(n);
  const bestCandidate = new Float64Array(n);
  const first = rng.int(n);
  centroids.set(sample.subarray(first * d, first * d + d), 0);
  distancesTo(sample, norms, n, d, first, closest);
  let pot = sum(closest);
  for (let c = 1; c < k; c++) {
    let bestPot = Number.POSITIVE_INFINITY;
    let bestIdx = -1;
    for (let t = 0; t < trials; t++) {
      const idx = pot > 0 ? drawProportional(closest, pot, rng.next()) : rng.int(n);
      distancesTo(sample, norms, n, d, idx, candidate);
      let p = 0;
      for (let i = 0; i < n; i++) {
        const v = Math.min(closest[i] as number, candidate[i] as number);
        candidate[i] = v;
        p += v;
      }
      if (p < bestPot) {
        bestPot = p;
        bestIdx = idx;
        bestCandidate.set(candidate);
      }
    }
    centroids.set(sample.subarray(bestIdx * d, bestIdx * d + d), c * d);
    closest.set(bestCandidate);
    pot = bestPot;
  }
  return centroids;
}

function distancesTo(x: Float32Array, norms: Float64Array, n: number, d: number, j: number, out: Float64Array): void {
  const cj = j * d;
  const cn = norms[j] as number;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    let s = 0;
    for (let t = 0; t < d; t++) s += (x[o + t] as number) * (x[cj + t] as number);
    const v = (norms[i] as number) - 2 * s + cn;
    out[i] = Math.max(v, 0);
  }
}

function drawProportional(w: Float64Array, total: number, u: number): number {
  let target = u * total;
  for (let i = 0; i < w.length; i++) {
    target -= w[i] as number;
    if (target < 0) return i;
  }
  for (let i = w.length - 1; i >= 0; i--) if ((w[i] as number) > 0) return i;
  return w.length - 1;
}

function sum(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] as number;
  return s;
}
