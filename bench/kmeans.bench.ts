import { kmeans as mlKmeans } from 'ml-kmeans';
import { useBackend } from '../src/backend/index.js';
import { distanceEngine } from '../src/clustering/engine.js';
import { HiddenClusterer } from '../src/clustering/index.js';
import { lloyd } from '../src/clustering/lloyd.js';
import { kmeansPlusPlus } from '../src/clustering/seeding.js';
import { matrix } from '../src/core/matrix.js';
import { RNG } from '../src/core/rng.js';
import { median, type Report, time } from './harness.js';

export const name = 'kmeans';

const N = 100_000;
const D = 64;
const K = 50;
const ITERATIONS = 15;

/** 100,000 x 64 rows around 80 Gaussian centres (more centres than K, so Lloyd keeps moving). */
function data(): Float32Array {
  const rng = new RNG(1);
  const centres = Array.from({ length: 80 }, () => Array.from({ length: D }, () => rng.normal()));
  const x = new Float32Array(N * D);
  for (let i = 0; i < N; i++) {
    const c = centres[rng.int(80)] as number[];
    for (let t = 0; t < D; t++) x[i * D + t] = (c[t] as number) + rng.normal();
  }
  return x;
}

/**
 * Lloyd k-means on 100,000 x 64, K = 50, from the same initial centroids and for the same number of iterations,
 * against ml-kmeans in the same run. Ours runs with Hamerly pruning on each distance engine (the library's
 * WebAssembly SIMD kernels, which `auto` picks; tfjs-wasm matrix products; plain JS). Both sides first run once,
 * untimed, on the first 10,000 rows (JIT and WebAssembly tier-up); ours is then the median of 3 runs, the peer one
 * run (about 10 s). A last figure times HiddenClusterer.fit end to end (greedy k-means++ seeding + Lloyd to
 * tolerance) against ml-kmeans with its own k-means++ seeding and default tolerance.
 */
export async function run(report: Report): Promise<void> {
  await useBackend('wasm');
  const x = data();
  const rows = Int32Array.from({ length: 10_000 }, (_, i) => i * 10);
  const init = kmeansPlusPlus(x, D, rows, K, 2 + Math.floor(Math.log(K)), new RNG(2));
  const points: number[][] = Array.from({ length: N }, (_, i) => Array.from(x.subarray(i * D, i * D + D)));
  const initRows: number[][] = Array.from({ length: K }, (_, j) => Array.from(init.subarray(j * D, j * D + D)));
  const warm = 10_000;
  mlKmeans(points.slice(0, warm), K, {
    initialization: initRows.map((r) => [...r]),
    maxIterations: ITERATIONS,
    tolerance: -1,
  });
  const peer = await time(() =>
    mlKmeans(points, K, { initialization: initRows.map((r) => [...r]), maxIterations: ITERATIONS, tolerance: -1 }),
  );
  const peerInertia = inertiaOf(x, peer.result.clusters, peer.result.centroids);
  const labels = { wasm: 'WebAssembly SIMD kernels', tfjs: 'tfjs-wasm distances', js: 'JS distances' };
  for (const engine of ['wasm', 'tfjs', 'js'] as const) {
    const settings = { maxIterations: ITERATIONS, tolerance: 0, prune: true };
    lloyd(x.subarray(0, warm * D), warm, D, init, K, { ...settings, engine: distanceEngine(engine) });
    const runs: Awaited<ReturnType<typeof time<ReturnType<typeof lloyd>>>>[] = [];
    for (let r = 0; r < (engine === 'js' ? 1 : 3); r++) {
      runs.push(await time(() => lloyd(x, N, D, init, K, { ...settings, engine: distanceEngine(engine) })));
    }
    const ours = runs[runs.length - 1] as (typeof runs)[number];
    report({
      bench: 'kmeans',
      metric: `seconds, Lloyd ${ITERATIONS} iterations, same start (${labels[engine]}${runs.length > 1 ? ', median of 3' : ''})`,
      value: median(runs.map((r) => r.seconds)),
      runs: runs.map((r) => Number(r.seconds.toFixed(3))),
      peer: 'ml-kmeans 7',
      peerValue: peer.seconds,
      iterations: ours.result.iterations,
      peerIterations: peer.result.iterations,
      inertia: Number(ours.result.inertia.toPrecision(8)),
      peerInertia: Number(peerInertia.toPrecision(8)),
      n: N,
      d: D,
      k: K,
    });
  }
  const embeddings = matrix(x, D, 'embeddings');
  const fit = await time(() => new HiddenClusterer({ k: K, seed: 3, standardize: false }).fit(embeddings));
  const peerFit = await time(() => mlKmeans(points, K, { seed: 3 }));
  report({
    bench: 'kmeans',
    metric: 'seconds, fit end to end (own k-means++ seeding, own convergence rule)',
    value: fit.seconds,
    peer: 'ml-kmeans 7',
    peerValue: peerFit.seconds,
    iterations: fit.result.state.iterations,
    peerIterations: peerFit.result.iterations,
    inertia: Number(fit.result.state.inertia.toPrecision(8)),
    peerInertia: Number(inertiaOf(x, peerFit.result.clusters, peerFit.result.centroids).toPrecision(8)),
  });
  await useBackend('cpu');
}

function inertiaOf(x: Float32Array, labels: readonly number[], centroids: readonly (readonly number[])[]): number {
  let s = 0;
  for (let i = 0; i < N; i++) {
    const c = centroids[labels[i] as number] as readonly number[];
    for (let t = 0; t < D; t++) {
      const v = (x[i * D + t] as number) - (c[t] as number);
      s += v * v;
    }
  }
  return s;
}
