import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { NotFittedError, SerializationError, ValidationError } from '../../src/core/errors.js';
import { matrix } from '../../src/core/matrix.js';
import { createDataset } from '../../src/data/dataset.js';
import { RepresentationNet } from '../../src/representation/index.js';
import { simulateCouponTrial } from '../../src/sim/index.js';

function corr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] as number;
    mb += b[i] as number;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = (a[i] as number) - ma;
    const y = (b[i] as number) - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return sab / Math.sqrt(saa * sbb);
}

const small = { hiddenUnits: [32, 16] as [number, number], epochs: 3, batchSize: 128 };

describe('RepresentationNet', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });
  afterAll(async () => {
    await useBackend('cpu');
  });

  it('predicts per-arm uplift that tracks the true uplift far better than a feature-less model', async () => {
    const { train, test, truth } = simulateCouponTrial({ nTrain: 30_000, nTest: 4000, seed: 11 });
    const net = await new RepresentationNet({ hiddenUnits: [128, 64], epochs: 20, seed: 2 }).fit(train);
    console.log(`epochs run: ${net.state.history.length}`);
    const p = net.predict(matrix(test.features, test.d));
    const m = truth.m;
    // The feature-less model predicts every user's uplift by the trial's arm means.
    const armMean = new Float64Array(m);
    const armN = new Float64Array(m);
    for (let i = 0; i < train.n; i++) {
      const t = train.treatment[i] as number;
      armMean[t] = (armMean[t] as number) + (train.response[i] as number);
      armN[t] = (armN[t] as number) + 1;
    }
    const rs: number[] = [];
    const ratios: number[] = [];
    for (let j = 1; j < m; j++) {
      const constant = (armMean[j] as number) / (armN[j] as number) - (armMean[0] as number) / (armN[0] as number);
      const pred = new Float64Array(truth.n);
      const real = new Float64Array(truth.n);
      let mseNet = 0;
      let mseFlat = 0;
      for (let i = 0; i < truth.n; i++) {
        pred[i] = (p.response[i * m + j] as number) - (p.response[i * m] as number);
        real[i] = (truth.response[i * m + j] as number) - (truth.response[i * m] as number);
        mseNet += ((pred[i] as number) - (real[i] as number)) ** 2;
        mseFlat += (constant - (real[i] as number)) ** 2;
      }
      const r = corr(pred, real);
      console.log(
        `arm ${j}: uplift correlation ${r.toFixed(3)}, MSE net/feature-less ${(mseNet / mseFlat).toFixed(3)}`,
      );
      rs.push(r);
      ratios.push(mseNet / mseFlat);
    }
    expect(Math.min(...rs)).toBeGreaterThan(0.7);
    expect(Math.max(...ratios)).toBeLessThan(0.5);
    // Expected cost per arm also follows the truth, on its own scale.
    expect(corr(p.cost, truth.cost)).toBeGreaterThan(0.8);
    net.dispose();
  });

  it('gives identical embeddings for the same seed on cpu, and different ones for another seed', async () => {
    await useBackend('cpu');
    const { train, test } = simulateCouponTrial({ nTrain: 1500, nTest: 200, seed: 5 });
    const run = async (seed: number) => {
      const net = await new RepresentationNet({ ...small, seed }).fit(train);
      const h = net.embed(matrix(test.features, test.d));
      net.dispose();
      return h;
    };
    const a = await run(7);
    expect(a.data.length).toBe(200 * 16);
    expect([a.rows, a.cols]).toEqual([200, 16]);
    expect(Array.from((await run(7)).data)).toEqual(Array.from(a.data));
    expect(Array.from((await run(8)).data)).not.toEqual(Array.from(a.data));
    await useBackend('wasm');
  });

  it('embeds the second layer or both, predicts extra outcomes and round-trips through JSON', async () => {
    const { train, test } = simulateCouponTrial({ nTrain: 2000, nTest: 300, gmv: true, seed: 6 });
    const net = await new RepresentationNet({
      ...small,
      embedding: 'concat',
      extraOutcomes: true,
      outcomeLosses: { gmv: { loss: 'huber', log1p: true } },
    }).fit(train);
    expect(net.embeddingDim).toBe(48);
    expect(net.state.targets.map((t) => [t.name, t.kind])).toEqual([
      ['response', 'bce'],
      ['cost', 'mse'],
      ['gmv', 'huber'],
    ]);
    const h = net.embed(matrix(test.features, test.d));
    expect(h.data.length).toBe(300 * 48);
    expect([h.rows, h.cols]).toEqual([300, 48]);
    const p = net.predict(matrix(test.features, test.d));
    expect(p.response.length).toBe(300 * 5);
    expect(p.outcomes.gmv?.length).toBe(300 * 5);
    expect(p.response.every((v) => v > 0 && v < 1)).toBe(true);
    const copy = RepresentationNet.fromJSON(JSON.parse(JSON.stringify(net.toJSON())));
    expect(Array.from(copy.embed(matrix(test.features, test.d)).data)).toEqual(Array.from(h.data));
    expect(Array.from(copy.predict(matrix(test.features, test.d)).cost)).toEqual(Array.from(p.cost));
    copy.dispose();
    net.dispose();
  });

  it('leaks no tensors across fit, embed, predict, JSON and dispose', async () => {
    const { train, test } = simulateCouponTrial({ nTrain: 1000, nTest: 100, seed: 8 });
    const before = tf.memory().numTensors;
    const net = await new RepresentationNet({ ...small, epochs: 2 }).fit(train);
    await net.fit(train); // refit frees the previous weights
    net.embed(matrix(test.features, test.d));
    net.predict(matrix(test.features, test.d));
    const copy = RepresentationNet.fromJSON(net.toJSON());
    copy.dispose();
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('throws NotFittedError before fit and ValidationError / SerializationError on bad input', async () => {
    const net = new RepresentationNet(small);
    expect(() => net.embed(matrix(new Float32Array(10), 1))).toThrow(NotFittedError);
    expect(() => net.predict(matrix(new Float32Array(10), 1))).toThrow(NotFittedError);
    expect(() => net.toJSON()).toThrow(NotFittedError);
    const data = createDataset({
      features: [[0], [1], [2], [3]],
      treatment: [0, 1, 0, 1],
      treatmentNames: ['c', 't'],
      response: [0, 2.5, 1, 0],
      cost: [0, 1, 0, 1],
    });
    await expect(new RepresentationNet({ response: { loss: 'bce' } }).fit(data)).rejects.toThrow(ValidationError);
    await expect(new RepresentationNet({ hiddenUnits: [0, 3] as never }).fit(data)).rejects.toThrow(ValidationError);
    await expect(new RepresentationNet({ extraOutcomes: ['gmv'] }).fit(data)).rejects.toThrow(ValidationError);
    await expect(new RepresentationNet().fit({ ...data, treatment: Int32Array.from([0, 1, 2, 1]) })).rejects.toThrow(
      ValidationError,
    );
    const fitted = await new RepresentationNet({ ...small, epochs: 1 }).fit(data);
    expect(() => fitted.embed({ data: Float32Array.of(Number.NaN), rows: 1, cols: 1 })).toThrow(ValidationError);
    expect(() => fitted.embed(matrix(new Float32Array(4), 2))).toThrow(/expected 1 column, got 2/);
    expect(() => RepresentationNet.fromJSON({ kind: 'Other' })).toThrow(SerializationError);
    const json = fitted.toJSON();
    expect(() => RepresentationNet.fromJSON({ ...json, formatVersion: 2 })).toThrow(SerializationError);
    expect(() =>
      RepresentationNet.fromJSON({ ...json, state: { ...json.state, weights: { ...json.state.weights, values: [] } } }),
    ).toThrow(SerializationError);
    fitted.dispose();
  });
});
