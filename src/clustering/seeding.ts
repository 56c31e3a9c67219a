import type { RNG } from '../core/rng.js';
import { rowNorms } from './distance.js';
import { type DistanceEngine, distanceEngine, sampleScanner } from './engine.js';

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
  rng: RNG,
  engine: DistanceEngine = distanceEngine('js'),
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
  const scanner = sampleScanner(engine, sample, norms, n, d);
  try {
    const first = rng.int(n);
    centroids.set(sample.subarray(first * d, first * d + d), 0);
    scanner.distances(Int32Array.of(first), closest);
    let pot = sum(closest);
    const cands = new Int32Array(trials);
    const dist = new Float64Array(trials * n);
    for (let c = 1; c < k; c++) {
      // All candidates are drawn from the same distribution, then scanned in one batch.
      for (let t = 0; t < trials; t++) cands[t] = pot > 0 ? drawProportional(closest, pot, rng.next()) : rng.int(n);
      scanner.distances(cands, dist);
      let bestPot = Number.POSITIVE_INFINITY;
      let bestT = 0;
      for (let t = 0; t < trials; t++) {
        const base = t * n;
        let p = 0;
        for (let i = 0; i < n; i++) p += Math.min(closest[i] as number, dist[base + i] as number);
        if (p < bestPot) {
          bestPot = p;
          bestT = t;
        }
      }
      const idx = cands[bestT] as number;
      const base = bestT * n;
      for (let i = 0; i < n; i++) closest[i] = Math.min(closest[i] as number, dist[base + i] as number);
      centroids.set(sample.subarray(idx * d, idx * d + d), c * d);
      pot = bestPot;
    }
  } finally {
    scanner.dispose();
  }
  return centroids;
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
