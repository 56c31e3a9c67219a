import * as tf from '@tensorflow/tfjs';
import { wasmKernelsEnabled } from '../wasm/kernels.js';
import { nearestRow } from './distance.js';
import { wasmDistanceEngine } from './wasm-engine.js';

/**
 * Where the nearest-centroid scans run. `wasm`: the library's WebAssembly SIMD kernel (two rows by sixteen
 * centroids per step, the nearest two kept inside the kernel; the rows stay in the kernel's memory for the whole
 * run). `js`: plain TypeScript loops (four centroids per pass over a row). `tfjs`: the dot products as one
 * plain-layout matrix product per chunk of rows on the current tfjs backend (XNNPACK SIMD on wasm). `auto` picks
 * `wasm` where WebAssembly SIMD is available (every current browser and Node), else `tfjs` when the current
 * backend is `wasm`, `tensorflow` or `webgl`, else `js`. Figures in docs/clustering.md.
 */
export type DistanceEngineName = 'auto' | 'js' | 'tfjs' | 'wasm';

/** Finds each listed row's nearest and second-nearest centroid. */
/**
 * The state of Elkan's k-means kept by an engine: labels, upper bounds and the running centroid sums and counts
 * (views the engine owns; valid until its next `elkan` call), plus the k lower bounds per row it keeps itself.
 */
export interface ElkanState {
  readonly labels: Int32Array;
  readonly upper: Float64Array;
  readonly sums: Float64Array;
  readonly counts: Float64Array;
  /** One E-step after the centroids moved to `c` by `shift` (per centroid); returns rows that changed centroid. */
  step(c: Float32Array, shift: Float64Array): number;
  /** Forgets row i's lower bounds (after the caller moved it). */
  resetRow(i: number): void;
  /** Sum of squared distances of the rows to centroids `c` by the current labels (float32 sums per row). */
  inertia(c: Float32Array): number;
}

export interface DistanceEngine {
  readonly name: 'js' | 'tfjs' | 'wasm';
  /**
   * For rows `rows[0..count-1]` (or `0..count-1` when `rows` is null): writes the nearest centroid into
   * `labels[i]`, its squared distance into `best[i]` and the second-smallest into `second[i]` (indexed by row).
   */
  nearestMany(
    x: Float32Array,
    d: number,
    rows: Int32Array | null,
    count: number,
    xNorm: Float64Array,
    c: Float32Array,
    cNorm: Float64Array,
    k: number,
    labels: Int32Array,
    best: Float64Array,
    second: Float64Array,
  ): void;
  /**
   * Optional: Hamerly's E-step filter over all `n` rows (see `lloyd`): moves each row's bounds by the centroid
   * shifts, tightens the upper bound where they overlap, and lists in `rescan` the rows that still need a full
   * scan. Returns how many, or null when this engine cannot run it for this `x` (lloyd then runs its own loop).
   */
  filterBounds?(x: Float32Array, d: number, n: number, c: Float32Array, k: number, b: HamerlyBounds): number | null;
  /**
   * Optional: Elkan's k-means state for `x` (the initial assignment to `init` done, k lower bounds per row), or
   * null when this engine cannot hold it (`lloyd` then runs with Hamerly's bounds).
   */
  elkan?(x: Float32Array, n: number, d: number, init: Float32Array, k: number): ElkanState | null;
}

/** Hamerly's per-row bounds and this step's centroid shifts, as `lloyd` keeps them (see `filterBounds`). */
export interface HamerlyBounds {
  readonly labels: Int32Array;
  readonly upper: Float64Array;
  readonly lower: Float64Array;
  /** Each centroid's shift in this step. */
  readonly shift: Float64Array;
  /** Half the distance from each centroid to its nearest other centroid. */
  readonly half: Float64Array;
  readonly maxShiftAt: number;
  readonly maxShift: number;
  readonly secondShift: number;
  /** Output: the rows that need a full scan. */
  readonly rescan: Int32Array;
}

const jsEngine: DistanceEngine = {
  name: 'js',
  nearestMany(x, d, rows, count, xNorm, c, cNorm, k, labels, best, second) {
    const out = new Float64Array(3);
    for (let r = 0; r < count; r++) {
      const i = rows === null ? r : (rows[r] as number);
      nearestRow(x, i, xNorm[i] as number, d, c, cNorm, k, out);
      labels[i] = out[0] as number;
      best[i] = out[1] as number;
      second[i] = out[2] as number;
    }
  },
};

const CHUNK = 16_384;

const tfjsEngine: DistanceEngine = {
  name: 'tfjs',
  nearestMany(x, d, rows, count, xNorm, c, cNorm, k, labels, best, second) {
    if (count === 0) return;
    // Centroids transposed to d x k on the JS side, so the product is in the fast plain layout.
    const ct = new Float32Array(d * k);
    for (let j = 0; j < k; j++) for (let t = 0; t < d; t++) ct[t * k + j] = c[j * d + t] as number;
    const buf = new Float32Array(Math.min(count, CHUNK) * d);
    const cTensor = tf.tensor2d(ct, [d, k]);
    try {
      for (let start = 0; start < count; start += CHUNK) {
        const m = Math.min(CHUNK, count - start);
        let view: Float32Array;
        if (rows === null) view = x.subarray(start * d, (start + m) * d);
        else {
          for (let r = 0; r < m; r++) {
            const i = rows[start + r] as number;
            buf.set(x.subarray(i * d, i * d + d), r * d);
          }
          view = buf.subarray(0, m * d);
        }
        // (Never return a big typed array from tf.tidy: tidy walks its result looking for tensors.)
        let dots: Float32Array = new Float32Array(0);
        tf.tidy(() => {
          dots = tf.matMul(tf.tensor2d(view, [m, d]), cTensor).dataSync() as Float32Array;
        });
        for (let r = 0; r < m; r++) {
          const i = rows === null ? start + r : (rows[start + r] as number);
          const xn = xNorm[i] as number;
          const o = r * k;
          let b1 = Number.POSITIVE_INFINITY;
          let b2 = Number.POSITIVE_INFINITY;
          let a = 0;
          for (let j = 0; j < k; j++) {
            const v = xn - 2 * (dots[o + j] as number) + (cNorm[j] as number);
            if (v < b2) {
              if (v < b1) {
                b2 = b1;
                b1 = v;
                a = j;
              } else b2 = v;
            }
          }
          labels[i] = a;
          best[i] = Math.max(b1, 0);
          second[i] = Math.max(b2, 0);
        }
      }
    } finally {
      cTensor.dispose();
    }
  },
};

function tfjsIsFast(): boolean {
  const backend = tf.getBackend();
  return backend === 'wasm' || backend === 'tensorflow' || backend === 'webgl';
}

/**
 * Resolves an engine name (`auto` against WebAssembly SIMD support and the current tfjs backend). A `wasm` engine
 * is a new object with its own kernel memory on every call; `js` and `tfjs` are shared.
 */
export function distanceEngine(name: DistanceEngineName): DistanceEngine {
  switch (name) {
    case 'js':
      return jsEngine;
    case 'tfjs':
      return tfjsEngine;
    case 'wasm':
      return wasmDistanceEngine();
    case 'auto': {
      if (wasmKernelsEnabled()) return distanceEngine('wasm');
      return tfjsIsFast() ? tfjsEngine : jsEngine;
    }
    default: {
      const never: never = name;
      throw new TypeError(`unknown distance engine ${String(never)}`);
    }
  }
}

/** Squared distances from every row of a fixed sample to a few of its own rows (k-means++ candidates). */
export interface SampleScanner {
  /** Writes the squared distance of sample row i to candidate `cands[t]` into `out[t * n + i]`. */
  distances(cands: Int32Array, out: Float64Array): void;
  dispose(): void;
}

/**
 * A {@link SampleScanner} on `engine`: the tfjs one keeps the sample on the backend for the whole seeding; the
 * wasm engine scans with tfjs where its backend is fast (wasm, tensorflow, webgl), else with the JS loops.
 */
export function sampleScanner(
  engine: DistanceEngine,
  sample: Float32Array,
  norms: Float64Array,
  n: number,
  d: number,
): SampleScanner {
  if (engine.name === 'js' || (engine.name === 'wasm' && !tfjsIsFast())) {
    return {
      distances(cands, out) {
        cands.forEach((j, t) => {
          const cj = j * d;
          const cn = norms[j] as number;
          const base = t * n;
          for (let i = 0; i < n; i++) {
            const o = i * d;
            let s = 0;
            for (let q = 0; q < d; q++) s += (sample[o + q] as number) * (sample[cj + q] as number);
            out[base + i] = Math.max((norms[i] as number) - 2 * s + cn, 0);
          }
        });
      },
      dispose() {},
    };
  }
  const resident = tf.tensor2d(sample, [n, d]);
  return {
    distances(cands, out) {
      const t = cands.length;
      const ct = new Float32Array(d * t);
      cands.forEach((j, c) => {
        for (let q = 0; q < d; q++) ct[q * t + c] = sample[j * d + q] as number;
      });
      let dots: Float32Array = new Float32Array(0);
      tf.tidy(() => {
        dots = tf.matMul(resident, tf.tensor2d(ct, [d, t])).dataSync() as Float32Array;
      });
      for (let i = 0; i < n; i++) {
        const xn = norms[i] as number;
        for (let c = 0; c < t; c++) {
          const v = xn - 2 * (dots[i * t + c] as number) + (norms[cands[c] as number] as number);
          out[c * n + i] = Math.max(v, 0);
        }
      }
    },
    dispose() {
      resident.dispose();
    },
  };
}
