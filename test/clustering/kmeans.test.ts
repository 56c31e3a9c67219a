import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { distanceEngine } from '../../src/clustering/engine.js';
import { HiddenClusterer } from '../../src/clustering/index.js';
import { lloyd } from '../../src/clustering/lloyd.js';
import { kmeansPlusPlus } from '../../src/clustering/seeding.js';
import { NotFittedError, SerializationError, ValidationError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { adjustedRandIndex, mixture } from './helpers.js';

afterAll(async () => {
  await useBackend('cpu');
});

describe('HiddenClusterer (fixed k)', () => {
  it('recovers planted clusters (ARI > 0.9) with Lloyd, mini-batch, and both distance engines', async () => {
    await useBackend('wasm');
    const { x, truth } = mixture(6000, 12, 8, 3, 1);
    for (const opts of [
      { engine: 'js' as const },
      { engine: 'tfjs' as const },
      { algorithm: 'minibatch' as const, miniBatchSize: 512 },
    ]) {
      const c = await new HiddenClusterer({ k: 8, seed: 3, nInit: 2, ...opts }).fit(x, { dim: 12 });
      const ari = adjustedRandIndex(c.predict(x), truth);
      expect(ari, JSON.stringify(opts)).toBeGreaterThan(0.9);
      expect(c.state.algorithm).toBe(opts.algorithm ?? 'lloyd');
    }
  });

  it('gives the same clusters for the same seed and different starts for another', async () => {
    const { x } = mixture(3000, 6, 10, 1.2, 2);
    const cluster = async (seed: number) => new HiddenClusterer({ k: 10, seed, engine: 'js' }).fit(x, { dim: 6 });
    const a = await cluster(5);
    const b = await cluster(5);
    expect(Array.from(b.predict(x))).toEqual(Array.from(a.predict(x)));
    expect(Array.from(b.centroids)).toEqual(Array.from(a.centroids));
    const c = await cluster(6);
    expect(Array.from(c.centroids)).not.toEqual(Array.from(a.centroids));
  });

  it('prunes with Hamerly bounds without changing the result of plain Lloyd', () => {
    const { x } = mixture(4000, 16, 12, 1, 3);
    const init = kmeansPlusPlus(
      x,
      16,
      Int32Array.from({ length: 4000 }, (_, i) => i),
      20,
      3,
      new Rng(1),
    );
    const settings = { maxIterations: 50, tolerance: 0, engine: distanceEngine('js') };
    const pruned = lloyd(x, 4000, 16, init, 20, { ...settings, prune: true });
    const plain = lloyd(x, 4000, 16, init, 20, { ...settings, prune: false });
    expect(pruned.iterations).toBe(plain.iterations);
    expect(Array.from(pruned.labels)).toEqual(Array.from(plain.labels));
    expect(pruned.inertia).toBeCloseTo(plain.inertia, 6);
  });

  it('round-trips through JSON and keeps its assignments and distances', async () => {
    const { x } = mixture(1000, 5, 4, 3, 4);
    const c = await new HiddenClusterer({ k: 4, engine: 'js' }).fit(x, { dim: 5 });
    const copy = HiddenClusterer.fromJSON(JSON.parse(JSON.stringify(c.toJSON())));
    expect(Array.from(copy.predict(x))).toEqual(Array.from(c.predict(x)));
    expect(Array.from(copy.distances(x.subarray(0, 50)))).toEqual(Array.from(c.distances(x.subarray(0, 50))));
    expect(copy.k).toBe(4);
    // Centroids come back in embedding space: each is near the mean of its rows.
    const labels = c.predict(x);
    const mean = new Float64Array(5);
    let count = 0;
    for (let i = 0; i < 1000; i++) {
      if (labels[i] !== 0) continue;
      count++;
      for (let t = 0; t < 5; t++) mean[t] = (mean[t] as number) + (x[i * 5 + t] as number);
    }
    for (let t = 0; t < 5; t++) expect((mean[t] as number) / count).toBeCloseTo(c.centroids[t] as number, 3);
  });

  it('leaks no tensors with the tfjs engine', async () => {
    await useBackend('wasm');
    const { x } = mixture(2000, 8, 5, 2, 5);
    const before = tf.memory().numTensors;
    const c = await new HiddenClusterer({ k: 5, engine: 'tfjs' }).fit(x, { dim: 8 });
    c.predict(x);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('throws NotFittedError before fit, ValidationError on bad input and SerializationError on bad JSON', async () => {
    const c = new HiddenClusterer({ k: 3 });
    expect(() => c.predict(new Float32Array(6))).toThrow(NotFittedError);
    expect(() => c.toJSON()).toThrow(NotFittedError);
    await expect(c.fit(new Float32Array(7), { dim: 2 })).rejects.toThrow(ValidationError);
    await expect(c.fit(Float32Array.from([1, Number.NaN]), { dim: 1 })).rejects.toThrow(ValidationError);
    await expect(new HiddenClusterer({ k: 5 }).fit(new Float32Array(4), { dim: 1 })).rejects.toThrow(ValidationError);
    await expect(new HiddenClusterer({ k: 0 }).fit(new Float32Array(4), { dim: 1 })).rejects.toThrow(ValidationError);
    await expect(new HiddenClusterer().fit(new Float32Array(40), { dim: 2 })).rejects.toThrow(/data/);
    const fitted = await new HiddenClusterer({ k: 2, engine: 'js' }).fit(
      Float32Array.from([0, 0, 1, 1, 9, 9, 10, 10]),
      {
        dim: 2,
      },
    );
    expect(() => fitted.predict(new Float32Array(3))).toThrow(ValidationError);
    const json = fitted.toJSON();
    expect(() => HiddenClusterer.fromJSON({ ...json, kind: 'X' })).toThrow(SerializationError);
    expect(() => HiddenClusterer.fromJSON({ ...json, formatVersion: 9 })).toThrow(SerializationError);
    expect(() => HiddenClusterer.fromJSON({ ...json, state: { ...json.state, centroids: [1, 2, 3] } })).toThrow(
      SerializationError,
    );
  });
});
