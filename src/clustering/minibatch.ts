import type { RNG } from '../core/rng.js';
import { rowNorms, sqDist } from './distance.js';
import type { DistanceEngine } from './engine.js';
import type { KMeansRun } from './lloyd.js';

/** Settings of {@link miniBatchKMeans}. */
export interface MiniBatchSettings {
  readonly batchSize: number;
  /** Maximum mini-batch steps. */
  readonly maxSteps: number;
  /** Stop after this many steps without improvement of the smoothed batch inertia. */
  readonly patience: number;
  readonly engine: DistanceEngine;
}

/**
 * Mini-batch k-means (Sculley 2010): each step draws `batchSize` rows (seeded), assigns them to the nearest
 * centroid and moves each centroid toward its rows with a per-centroid step 1 / (rows seen so far). Stops after
 * `maxSteps` or when the exponentially smoothed batch inertia has not improved for `patience` steps. Ends with one
 * full assignment pass, so labels and inertia refer to the final centroids.
 */
export function miniBatchKMeans(
  x: Float32Array,
  n: number,
  d: number,
  init: Float32Array,
  k: number,
  s: MiniBatchSettings,
  rng: RNG,
): KMeansRun {
  const c = init.slice();
  const seen = new Float64Array(k);
  const b = Math.min(s.batchSize, n);
  const rows = new Int32Array(b);
  const xNorm = rowNorms(x, n, d);
  const labels = new Int32Array(n);
  const best = new Float64Array(n);
  const second = new Float64Array(n);
  let ewa = Number.NaN;
  let bestEwa = Number.POSITIVE_INFINITY;
  let stale = 0;
  let steps = 0;
  let converged = false;
  const alpha = Math.min(1, (2 * b) / (n + 1));
  while (steps < s.maxSteps) {
    steps++;
    for (let r = 0; r < b; r++) rows[r] = rng.int(n);
    const cNorm = rowNorms(c, k, d);
    s.engine.nearestMany(x, d, rows, b, xNorm, c, cNorm, k, labels, best, second);
    let inertia = 0;
    for (let r = 0; r < b; r++) {
      const i = rows[r] as number;
      const j = labels[i] as number;
      inertia += best[i] as number;
      const v = (seen[j] as number) + 1;
      seen[j] = v;
      const eta = 1 / v;
      const o = i * d;
      const cj = j * d;
      for (let t = 0; t < d; t++)
        c[cj + t] = (c[cj + t] as number) + eta * ((x[o + t] as number) - (c[cj + t] as number));
    }
    inertia /= b;
    ewa = Number.isNaN(ewa) ? inertia : ewa * (1 - alpha) + inertia * alpha;
    if (ewa < bestEwa) {
      bestEwa = ewa;
      stale = 0;
    } else if (++stale >= s.patience) {
      converged = true;
      break;
    }
  }
  const cNorm = rowNorms(c, k, d);
  s.engine.nearestMany(x, d, null, n, xNorm, c, cNorm, k, labels, best, second);
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += sqDist(x, i, c, labels[i] as number, d);
  return { centroids: c, labels, inertia, iterations: steps, converged };
}
