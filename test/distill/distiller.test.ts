import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { NotFittedError, SerializationError, ValidationError } from '../../src/core/errors.js';
import { matrix } from '../../src/core/matrix.js';
import { RNG } from '../../src/core/rng.js';
import { Distiller, type DistillTeacher } from '../../src/distill/index.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';

/** A teacher that groups rows by the nearest of k random centroids of a nonlinear map of the features. */
function teacher(features: Float32Array, d: number, k: number, seed: number): DistillTeacher {
  const n = features.length / d;
  const rng = new RNG(seed);
  const h = (x: Float32Array, o: number, j: number) =>
    Math.tanh((x[o + j] as number) + 0.5 * (x[o + ((j + 1) % d)] as number));
  const cents = Array.from({ length: k }, () => {
    const i = rng.int(n);
    return Array.from({ length: d }, (_, j) => h(features, i * d, j));
  });
  const groups = new Int32Array(n);
  const sqDistances = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (h(features, i * d, j) - (cents[c]?.[j] as number)) ** 2;
      sqDistances[i * k + c] = s;
      if (s < (sqDistances[i * k + best] as number)) best = c;
    }
    groups[i] = best;
  }
  return { groups, sqDistances: matrix(sqDistances, k) };
}

describe('Distiller', () => {
  const { train } = simulateCouponTrial({ nTrain: 8000, nTest: 10, seed: 3 });
  const t = teacher(train.features, train.d, 8, 5);
  const x = matrix(train.features, train.d);
  beforeAll(() => useBackend('wasm'));

  it('learns the teacher groups with high agreement, reproducibly, without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const a = await new Distiller({ seed: 1 }).fit(x, t);
    expect(tf.memory().numTensors).toBe(before);
    expect(a.agreement).toBeGreaterThan(0.9);
    const b = await new Distiller({ seed: 1 }).fit(x, t);
    expect(Array.from(b.predict(x))).toEqual(Array.from(a.predict(x)));
    // A student that ignored the features could not agree beyond the largest group's share.
    const counts = new Array(t.sqDistances.cols).fill(0);
    for (const g of t.groups) counts[g]++;
    expect(a.agreement).toBeGreaterThan(Math.max(...counts) / t.groups.length + 0.2);
  });

  it('round-trips through JSON with identical predictions', async () => {
    const a = await new Distiller({ seed: 2, epochs: 3 }).fit(x, t);
    const b = Distiller.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    expect(Array.from(b.predict(x))).toEqual(Array.from(a.predict(x)));
    expect(b.agreement).toBe(a.agreement);
    const bad = JSON.parse(JSON.stringify(a.toJSON()));
    bad.state.student.layers[0].kernel[3] = 'x';
    expect(() => Distiller.fromJSON(bad)).toThrow(SerializationError);
    expect(() => Distiller.fromJSON({ kind: 'Other' })).toThrow(SerializationError);
  });

  it('rejects bad input and use before fit', async () => {
    expect(() => new Distiller().predict(x)).toThrow(NotFittedError);
    await expect(new Distiller().fit(x, { ...t, groups: new Int32Array(3) })).rejects.toThrow(ValidationError);
    // Distances for another number of rows, groups outside the distances' columns, a bare array for features.
    await expect(
      new Distiller().fit(x, { ...t, sqDistances: matrix(t.sqDistances.data.subarray(0, 80), 8) }),
    ).rejects.toThrow(/expected 8000 rows/);
    await expect(new Distiller().fit(x, { ...t, groups: new Int32Array(train.n).fill(8) })).rejects.toThrow(
      /expected a group in 0..7/,
    );
    await expect(new Distiller().fit(train.features as never, t)).rejects.toThrow(/expected a Matrix/);
    const fitted = await new Distiller({ epochs: 1 }).fit(x, t);
    expect(() => fitted.predict(matrix(new Float32Array(6), 3))).toThrow(ValidationError);
    await expect(new Distiller({ softWeight: 2 }).fit(x, t)).rejects.toThrow(/softWeight/);
  });
});
