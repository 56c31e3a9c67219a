import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { allSqDistances } from '../../src/clustering/distance.js';
import type { ElkanState } from '../../src/clustering/elkan.js';
import { distanceEngine } from '../../src/clustering/engine.js';
import { HiddenClusterer } from '../../src/clustering/index.js';
import { lloyd } from '../../src/clustering/lloyd.js';
import { kmeansPlusPlus } from '../../src/clustering/seeding.js';
import { wasmDistanceEngine, wasmSqDistances } from '../../src/clustering/wasm-engine.js';
import { NotFittedError, SerializationError, ValidationError } from '../../src/core/errors.js';
import { matrix } from '../../src/core/matrix.js';
import { RNG } from '../../src/core/rng.js';
import { adjustedRandIndex, mixture } from './helpers.js';

afterAll(async () => {
  await useBackend('cpu');
});

describe('HiddenClusterer (fixed k)', () => {
  it('recovers planted clusters (ARI > 0.9) with Lloyd, mini-batch, and both distance engines', async () => {
    await useBackend('wasm');
    const { x: raw, truth } = mixture(6000, 12, 8, 3, 1);
    const x = matrix(raw, 12);
    for (const opts of [
      { engine: 'js' as const },
      { engine: 'tfjs' as const },
      { engine: 'wasm' as const },
      { algorithm: 'minibatch' as const, miniBatchSize: 512 },
    ]) {
      const c = await new HiddenClusterer({ k: 8, seed: 3, nInit: 2, ...opts }).fit(x);
      const ari = adjustedRandIndex(c.predict(x), truth);
      expect(ari, JSON.stringify(opts)).toBeGreaterThan(0.9);
      expect(c.state.algorithm).toBe(opts.algorithm ?? 'lloyd');
    }
  });

  it('gives the same clusters for the same seed and different starts for another', async () => {
    const x = matrix(mixture(3000, 6, 10, 1.2, 2).x, 6);
    const cluster = async (seed: number) => new HiddenClusterer({ k: 10, seed, engine: 'js' }).fit(x);
    const a = await cluster(5);
    const b = await cluster(5);
    expect(Array.from(b.predict(x))).toEqual(Array.from(a.predict(x)));
    expect(Array.from(b.centroids.data)).toEqual(Array.from(a.centroids.data));
    expect([a.centroids.rows, a.centroids.cols]).toEqual([10, 6]);
    const c = await cluster(6);
    expect(Array.from(c.centroids.data)).not.toEqual(Array.from(a.centroids.data));
  });

  it('prunes with Hamerly bounds without changing the result of plain Lloyd', () => {
    const { x } = mixture(4000, 16, 12, 1, 3);
    const init = kmeansPlusPlus(
      x,
      16,
      Int32Array.from({ length: 4000 }, (_, i) => i),
      20,
      3,
      new RNG(1),
    );
    const settings = { maxIterations: 50, tolerance: 0, engine: distanceEngine('js') };
    const pruned = lloyd(x, 4000, 16, init, 20, { ...settings, prune: true });
    const plain = lloyd(x, 4000, 16, init, 20, { ...settings, prune: false });
    expect(pruned.iterations).toBe(plain.iterations);
    expect(Array.from(pruned.labels)).toEqual(Array.from(plain.labels));
    expect(pruned.inertia).toBeCloseTo(plain.inertia, 6);
  });

  it('wasm engine: the same nearest and second-nearest centroids as the js engine, resident or staged', () => {
    const rng = new RNG(11);
    for (const [n, d, k] of [
      [997, 1, 1],
      [1500, 5, 3],
      [2001, 12, 17],
      [3000, 64, 50],
    ] as const) {
      const x = Float32Array.from({ length: n * d }, () => rng.normal());
      const c = Float32Array.from({ length: k * d }, () => rng.normal());
      const xNorm = new Float64Array(n);
      for (let i = 0; i < n; i++)
        for (let t = 0; t < d; t++) xNorm[i] = (xNorm[i] as number) + (x[i * d + t] as number) ** 2;
      const cNorm = new Float64Array(k);
      for (let j = 0; j < k; j++)
        for (let t = 0; t < d; t++) cNorm[j] = (cNorm[j] as number) + (c[j * d + t] as number) ** 2;
      const rows = Int32Array.from({ length: Math.floor(n / 3) }, (_, r) => (r * 7) % n);
      for (const subset of [null, rows]) {
        const count = subset === null ? n : subset.length;
        const run = (engine: ReturnType<typeof distanceEngine>) => {
          const labels = new Int32Array(n).fill(-1);
          const best = new Float64Array(n);
          const second = new Float64Array(n);
          engine.nearestMany(x, d, subset, count, xNorm, c, cNorm, k, labels, best, second);
          return { labels, best, second };
        };
        const js = run(distanceEngine('js'));
        for (const engine of [distanceEngine('wasm'), wasmDistanceEngine({ maxResidentBytes: 0 })]) {
          const w = run(engine);
          let same = 0;
          let listed = 0;
          for (let i = 0; i < n; i++) {
            if (js.labels[i] === -1) {
              expect(w.labels[i]).toBe(-1);
              continue;
            }
            listed++;
            if (w.labels[i] === js.labels[i]) same++;
            expect(w.best[i]).toBeCloseTo(js.best[i] as number, 2);
            if (k > 1) expect(w.second[i]).toBeCloseTo(js.second[i] as number, 2);
            else expect(w.second[i]).toBe(Number.POSITIVE_INFINITY);
          }
          expect(listed).toBe(count);
          // float32 sums may flip a near tie, nothing more.
          expect(same / listed, `n=${n} d=${d} k=${k}`).toBeGreaterThan(0.995);
        }
      }
    }
  });

  it('wasm engine: Lloyd with Elkan bounds, with Hamerly bounds and staged rows ends where Lloyd on js ends', () => {
    const { x } = mixture(5000, 10, 12, 1.5, 4);
    const init = kmeansPlusPlus(
      x,
      10,
      Int32Array.from({ length: 5000 }, (_, i) => i),
      15,
      3,
      new RNG(2),
    );
    const settings = { maxIterations: 60, tolerance: 0, prune: true };
    const js = lloyd(x, 5000, 10, init, 15, { ...settings, engine: distanceEngine('js') });
    const plain = lloyd(x, 5000, 10, init, 15, { ...settings, prune: false, engine: distanceEngine('wasm') });
    expect(Array.from(plain.labels)).toEqual(Array.from(js.labels));
    // Elkan (default), Hamerly's filter in the kernel (room for the rows, not for k bounds per row), staged rows.
    const elkan = distanceEngine('wasm');
    const hamerly = wasmDistanceEngine({ maxResidentBytes: 400_000 });
    const staged = wasmDistanceEngine({ maxResidentBytes: 0 });
    // The same three, reached because the runtime refuses to grow the kernel's memory.
    const refusedElkan = wasmDistanceEngine({ memoryLimitBytes: 500_000 });
    expect(elkan.elkan?.(x, 5000, 10, init, 15)).not.toBeNull();
    expect(hamerly.elkan?.(x, 5000, 10, init, 15)).toBeNull();
    expect(refusedElkan.elkan?.(x, 5000, 10, init, 15)).toBeNull();
    for (const engine of [elkan, hamerly, staged, refusedElkan]) {
      const w = lloyd(x, 5000, 10, init, 15, { ...settings, engine });
      expect(w.iterations).toBe(js.iterations);
      expect(Array.from(w.labels)).toEqual(Array.from(js.labels));
      expect(w.inertia).toBeCloseTo(js.inertia, 1);
    }
    // Rows that the runtime will not hold (40,000 x 10 floats against a 600 KB cap) are copied in chunk by chunk.
    const big = mixture(40_000, 10, 12, 1.5, 6).x;
    const refusedRows = wasmDistanceEngine({ memoryLimitBytes: 600_000 });
    expect(refusedRows.elkan?.(big, 40_000, 10, init, 15)).toBeNull();
    const bigJs = lloyd(big, 40_000, 10, init, 15, { ...settings, engine: distanceEngine('js') });
    const bigW = lloyd(big, 40_000, 10, init, 15, { ...settings, engine: refusedRows });
    expect(Array.from(bigW.labels)).toEqual(Array.from(bigJs.labels));
    expect(() => wasmDistanceEngine({ memoryLimitBytes: 100_000 }).elkan?.(big, 40_000, 10, init, 15)).toThrow(
      RangeError,
    );
    // A state is retired when its engine lays its memory out for another run.
    const first = elkan.elkan?.(x, 5000, 10, init, 15) as ElkanState;
    expect(first.step(init, new Float64Array(15))).toBeGreaterThanOrEqual(0);
    elkan.elkan?.(x, 5000, 10, init, 15);
    expect(() => first.step(init, new Float64Array(15))).toThrow(/another run/);
    expect(() => first.inertia(init)).toThrow(/another run/);
    // The same on overlapping clusters in 64 dimensions, where the bounds prune least, over a fixed 12 iterations.
    const rng = new RNG(9);
    const n = 3000;
    const d = 64;
    const centres = Array.from({ length: 30 }, () => Float32Array.from({ length: d }, () => rng.normal()));
    const y = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      const c = centres[rng.int(30)] as Float32Array;
      for (let t = 0; t < d; t++) y[i * d + t] = (c[t] as number) + rng.normal();
    }
    const init2 = kmeansPlusPlus(
      y,
      d,
      Int32Array.from({ length: n }, (_, i) => i),
      20,
      3,
      new RNG(3),
    );
    const fixed = { maxIterations: 12, tolerance: 0, prune: true };
    const ref = lloyd(y, n, d, init2, 20, { ...fixed, prune: false, engine: distanceEngine('js') });
    // Default, and with the lazily moved bounds made exact every 3 steps.
    for (const engine of [distanceEngine('wasm'), wasmDistanceEngine({ driftSteps: 3 })]) {
      const e = lloyd(y, n, d, init2, 20, { ...fixed, engine });
      let same = 0;
      for (let i = 0; i < n; i++) if (e.labels[i] === ref.labels[i]) same++;
      expect(same / n).toBeGreaterThan(0.995);
      expect(Math.abs(e.inertia - ref.inertia) / ref.inertia).toBeLessThan(1e-4);
    }
  });

  it('wasm engine: every squared distance as the TypeScript loop computes it, up to float32 sums', () => {
    const rng = new RNG(12);
    for (const [n, d, k] of [
      [1, 3, 1],
      [8_193 + 7, 7, 5],
      [3001, 64, 50],
    ] as const) {
      const x = Float32Array.from({ length: n * d }, () => rng.normal());
      const c = Float32Array.from({ length: k * d }, () => rng.normal());
      const js = allSqDistances(x, n, d, c, k);
      const w = wasmSqDistances(x, n, d, c, k) as Float32Array;
      expect(w.length).toBe(n * k);
      let worst = 0;
      for (let i = 0; i < n * k; i++) worst = Math.max(worst, Math.abs((w[i] as number) - (js[i] as number)));
      // Squared distances here are about 2d; float32 sums of d products stay within a few units in the 6th digit.
      expect(worst, `n=${n} d=${d} k=${k}`).toBeLessThan(2e-4 * 2 * d);
    }
    const h = matrix(mixture(2000, 6, 4, 3, 8).x, 6);
    const viaWasm = new HiddenClusterer({ k: 4, seed: 1 });
    return viaWasm.fit(h).then((fitted) => {
      const a = fitted.sqDistances(h);
      expect([a.rows, a.cols]).toEqual([2000, 4]);
      const b = HiddenClusterer.fromJSON({ ...fitted.toJSON(), params: { ...fitted.toJSON().params, engine: 'js' } });
      const ref = b.sqDistances(h).data;
      for (let i = 0; i < a.data.length; i++) expect(a.data[i]).toBeCloseTo(ref[i] as number, 3);
    });
  });

  it('round-trips through JSON and keeps its assignments and distances', async () => {
    const { x } = mixture(1000, 5, 4, 3, 4);
    const h = matrix(x, 5);
    const c = await new HiddenClusterer({ k: 4, engine: 'js' }).fit(h);
    const copy = HiddenClusterer.fromJSON(JSON.parse(JSON.stringify(c.toJSON())));
    expect(Array.from(copy.predict(h))).toEqual(Array.from(c.predict(h)));
    const first50 = matrix(x.subarray(0, 50 * 5), 5);
    expect(Array.from(copy.sqDistances(first50).data)).toEqual(Array.from(c.sqDistances(first50).data));
    expect(copy.k).toBe(4);
    // Centroids come back in embedding space: each is near the mean of its rows.
    const labels = c.predict(h);
    const mean = new Float64Array(5);
    let count = 0;
    for (let i = 0; i < 1000; i++) {
      if (labels[i] !== 0) continue;
      count++;
      for (let t = 0; t < 5; t++) mean[t] = (mean[t] as number) + (x[i * 5 + t] as number);
    }
    for (let t = 0; t < 5; t++) expect((mean[t] as number) / count).toBeCloseTo(c.centroids.data[t] as number, 3);
  });

  it('leaks no tensors with the tfjs engine', async () => {
    await useBackend('wasm');
    const x = matrix(mixture(2000, 8, 5, 2, 5).x, 8);
    const before = tf.memory().numTensors;
    const c = await new HiddenClusterer({ k: 5, engine: 'tfjs' }).fit(x);
    c.predict(x);
    c.sqDistances(x);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('throws NotFittedError before fit, ValidationError on bad input and SerializationError on bad JSON', async () => {
    const c = new HiddenClusterer({ k: 3 });
    expect(() => c.predict(matrix(new Float32Array(6), 2))).toThrow(NotFittedError);
    expect(() => c.sqDistances(matrix(new Float32Array(6), 2))).toThrow(NotFittedError);
    expect(() => c.toJSON()).toThrow(NotFittedError);
    // A hand-made Matrix whose shape disagrees with its data, and one holding NaN.
    await expect(c.fit({ data: new Float32Array(7), rows: 3, cols: 2 })).rejects.toThrow(ValidationError);
    await expect(c.fit({ data: Float32Array.from([1, Number.NaN]), rows: 2, cols: 1 })).rejects.toThrow(
      ValidationError,
    );
    await expect(c.fit(new Float32Array(8) as never)).rejects.toThrow(/expected a Matrix/);
    await expect(new HiddenClusterer({ k: 5 }).fit(matrix(new Float32Array(4), 1))).rejects.toThrow(ValidationError);
    await expect(new HiddenClusterer({ k: 0 }).fit(matrix(new Float32Array(4), 1))).rejects.toThrow(ValidationError);
    await expect(new HiddenClusterer().fit(matrix(new Float32Array(40), 2))).rejects.toThrow(/data/);
    const fitted = await new HiddenClusterer({ k: 2, engine: 'js' }).fit(
      matrix(Float32Array.from([0, 0, 1, 1, 9, 9, 10, 10]), 2),
    );
    expect(() => fitted.predict(matrix(new Float32Array(3), 3))).toThrow(ValidationError);
    expect(() => fitted.sqDistances(matrix(new Float32Array(3), 3))).toThrow(/expected 2 columns, got 3/);
    const json = fitted.toJSON();
    expect(() => HiddenClusterer.fromJSON({ ...json, kind: 'X' })).toThrow(SerializationError);
    expect(() => HiddenClusterer.fromJSON({ ...json, formatVersion: 9 })).toThrow(SerializationError);
    expect(() => HiddenClusterer.fromJSON({ ...json, state: { ...json.state, centroids: [1, 2, 3] } })).toThrow(
      SerializationError,
    );
  });
});
