import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { ValidationError } from '../../src/core/errors.js';
import { RNG } from '../../src/core/rng.js';
import { DenseNet, evaluateLoss, headLosses, trainNet } from '../../src/nn/index.js';

function data(n: number, d: number, seed: number) {
  const rng = new RNG(seed);
  const features = Float32Array.from({ length: n * d }, () => rng.normal());
  const treatment = Int32Array.from({ length: n }, () => rng.int(2));
  const y = Float32Array.from({ length: n }, (_, i) => (features[i * d] as number) + 0.1 * rng.normal());
  return { features, treatment, labels: { y }, arms: 2 };
}

const spec = { inputDim: 3, trunk: [16, 8], heads: [{ name: 'y', units: 2 }], seed: 3 };
const loss = headLosses([{ head: 'y', kind: 'mse' }]);

beforeAll(async () => {
  await useBackend('cpu');
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('DenseNet.apply with dropout', () => {
  it('draws the same masks for the same seed, others for another seed, and none at rate 0', () => {
    const net = DenseNet.create(spec);
    const x = Float32Array.from({ length: 50 * 3 }, (_, i) => Math.sin(i));
    const run = (dropout?: { rate: number; seed: number }) =>
      tf.tidy(() =>
        Array.from(
          net.apply(tf.tensor2d(x, [50, 3]), dropout === undefined ? {} : { dropout }).heads.y?.dataSync() ?? [],
        ),
      );
    const plain = run();
    expect(run({ rate: 0, seed: 1 })).toEqual(plain);
    const a = run({ rate: 0.5, seed: 1 });
    expect(run({ rate: 0.5, seed: 1 })).toEqual(a);
    expect(run({ rate: 0.5, seed: 2 })).not.toEqual(a);
    expect(a).not.toEqual(plain);
    // Inverted dropout zeroes about half of the trunk units and scales the rest by 1 / (1 - rate).
    const hidden = tf.tidy(() =>
      Array.from(net.apply(tf.tensor2d(x, [50, 3]), { dropout: { rate: 0.5, seed: 1 } }).hidden[0]?.dataSync() ?? []),
    );
    const full = tf.tidy(() => Array.from(net.apply(tf.tensor2d(x, [50, 3])).hidden[0]?.dataSync() ?? []));
    let dropped = 0;
    let live = 0;
    hidden.forEach((h, i) => {
      const f = full[i] as number;
      if (f <= 0) return;
      live++;
      if (h === 0) dropped++;
      else expect(h).toBeCloseTo(2 * f, 5);
    });
    expect(dropped / live).toBeGreaterThan(0.3);
    expect(dropped / live).toBeLessThan(0.7);
    expect(() =>
      tf.tidy(() => {
        net.apply(tf.zeros([2, 3]), { dropout: { rate: 1, seed: 1 } });
      }),
    ).toThrow(ValidationError);
    net.dispose();
  });
});

describe('trainNet with dropout', () => {
  it('runs the forward pass once per training step and once per validation batch', async () => {
    const net = DenseNet.create(spec);
    const spy = vi.spyOn(DenseNet.prototype, 'apply');
    const n = 1000;
    // 900 training rows in batches of 128 (8 steps), 100 validation rows in one batch, for 2 epochs.
    await trainNet(net, data(n, 3, 1), loss, { epochs: 2, batchSize: 128, validationFraction: 0.1, dropout: 0.3 });
    expect(spy).toHaveBeenCalledTimes(2 * (8 + 1));
    const withDropout = spy.mock.calls.filter((c) => c[1]?.dropout !== undefined);
    expect(withDropout.length).toBe(2 * 8);
    expect(new Set(withDropout.map((c) => c[1]?.dropout?.seed)).size).toBe(16);
    net.dispose();
  });

  it('computes the validation loss without dropout, the same on every evaluation', async () => {
    const train = data(600, 3, 2);
    const validation = data(200, 3, 3);
    const net = DenseNet.create(spec);
    const res = await trainNet(net, train, loss, {
      epochs: 1,
      batchSize: 64,
      dropout: 0.5,
      validation,
      restoreBest: false,
    });
    const rows = Int32Array.from({ length: 200 }, (_, i) => i);
    const first = evaluateLoss(net, validation, rows, loss, 2);
    const second = evaluateLoss(net, validation, rows, loss, 2);
    expect(second).toBe(first);
    expect(res.history[0]?.valLoss).toBeCloseTo(first, 6);
    // The training loss (with dropout) of the same net is a different, noisier figure.
    const noisy = tf.tidy(() => {
      const x = tf.tensor2d(validation.features, [200, 3]);
      const out = net.apply(x, { dropout: { rate: 0.5, seed: 9 } });
      const t = tf.oneHot(tf.tensor1d(validation.treatment, 'int32'), 2).toFloat() as tf.Tensor2D;
      const batch = { x, labels: { y: tf.tensor1d(validation.labels.y) }, treatment: t, weights: tf.ones([200]) };
      return loss(out, batch as Parameters<typeof loss>[1]).dataSync()[0] as number;
    });
    expect(Math.abs(noisy - first)).toBeGreaterThan(1e-4);
    net.dispose();
  });

  it('rejects a dropout rate out of range', async () => {
    const net = DenseNet.create(spec);
    await expect(trainNet(net, data(50, 3, 4), loss, { dropout: 0.95 })).rejects.toThrow(/dropout/);
    net.dispose();
  });
});
