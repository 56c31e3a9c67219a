import { RNG } from '../core/rng.js';
import type { DistanceEngine } from './engine.js';
import { type KMeansRun, lloyd } from './lloyd.js';
import { miniBatchKMeans } from './minibatch.js';
import type { ClustererParams } from './options.js';
import { kmeansPlusPlus } from './seeding.js';

/** Which algorithm `params` selects for n rows. */
export function pickAlgorithm(params: ClustererParams, n: number): 'lloyd' | 'minibatch' {
  if (params.algorithm === 'auto') return n >= params.miniBatchThreshold ? 'minibatch' : 'lloyd';
  return params.algorithm;
}

/**
 * k-means with `nInit` seeded greedy k-means++ starts (on a sample of at most `seedSampleSize` rows), then Lloyd
 * (Hamerly-pruned) or mini-batch; the run with the lowest inertia wins. Deterministic for a given seed and engine.
 */
export function runKMeans(
  x: Float32Array,
  n: number,
  d: number,
  k: number,
  params: ClustererParams,
  engine: DistanceEngine,
  seed: number,
): KMeansRun & { algorithm: 'lloyd' | 'minibatch' } {
  const algorithm = pickAlgorithm(params, n);
  const trials = params.seedTrials > 0 ? params.seedTrials : 2 + Math.floor(Math.log(k));
  let best: KMeansRun | undefined;
  for (let r = 0; r < params.nInit; r++) {
    const rng = new RNG(new RNG(seed).child(`init${r}`));
    const rows = sampleRows(n, params.seedSampleSize, rng);
    const init = kmeansPlusPlus(x, d, rows, k, trials, rng, engine);
    const run =
      algorithm === 'lloyd'
        ? lloyd(x, n, d, init, k, {
            maxIterations: params.maxIterations,
            tolerance: params.tolerance,
            prune: params.prune,
            engine,
          })
        : miniBatchKMeans(
            x,
            n,
            d,
            init,
            k,
            {
              batchSize: params.miniBatchSize,
              maxSteps: params.miniBatchSteps,
              patience: params.miniBatchPatience,
              engine,
            },
            rng,
          );
    if (best === undefined || run.inertia < best.inertia) best = run;
  }
  return { ...(best as KMeansRun), algorithm };
}

/** `size` distinct rows drawn without replacement (all rows, in order, when n <= size). */
function sampleRows(n: number, size: number, rng: RNG): Int32Array {
  if (n <= size) {
    const all = new Int32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    return all;
  }
  // Partial Fisher-Yates over a lazily materialised permutation.
  const swaps = new Map<number, number>();
  const out = new Int32Array(size);
  for (let r = 0; r < size; r++) {
    const j = r + rng.int(n - r);
    const vj = swaps.get(j) ?? j;
    const vr = swaps.get(r) ?? r;
    out[r] = vj;
    swaps.set(j, vr);
  }
  return out;
}
