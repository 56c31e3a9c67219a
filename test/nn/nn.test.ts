import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { SerializationError, ValidationError } from '../../src/core/errors.js';
import { RNG } from '../../src/core/rng.js';
import { DenseNet, denseLayer, denseLayerStock, headLosses, type LossFn, trainNet } from '../../src/nn/index.js';

/** y = 1[x0 + x1 * arm > 0.5] with noise-free labels, 3 arms, only the factual arm observed. */
function toyData(n: number, seed: number) {
  const rng = new RNG(seed);
  const d = 4;
  const features = new Float32Array(n * d);
  const treatment = new Int32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) features[i * d + j] = rng.normal();
    treatment[i] = rng.int(3);
    y[i] = (features[i * d] as number) + (features[i * d + 1] as number) * ((treatment[i] as number) - 1) > 0 ? 1 : 0;
  }
  return { features, treatment, y, d };
}

beforeAll(async () => {
  await useBackend('cpu');
});

describe('DenseNet', () => {
  it('gives identical initial and trained weights for the same seed and different ones for another', async () => {
    const { features, treatment, y, d } = toyData(600, 1);
    const loss = headLosses([{ head: 'y', kind: 'bce' }]);
    const run = async (seed: number) => {
      const net = DenseNet.create({ inputDim: d, trunk: [8], heads: [{ name: 'y', units: 3 }], seed });
      await trainNet(net, { features, labels: { y }, treatment, arms: 3 }, loss, { epochs: 2, seed });
      const w = net.getWeights();
      net.dispose();
      return w.values.flat();
    };
    const a = await run(5);
    expect(await run(5)).toEqual(a);
    expect(await run(6)).not.toEqual(a);
  });

  it('learns a factual-arm-masked binary task far better than chance', async () => {
    const train = toyData(3000, 2);
    const test = toyData(1000, 3);
    const net = DenseNet.create({ inputDim: 4, trunk: [16, 16], heads: [{ name: 'y', units: 3 }], seed: 3 });
    const res = await trainNet(
      net,
      { features: train.features, labels: { y: train.y }, treatment: train.treatment, arms: 3 },
      headLosses([{ head: 'y', kind: 'bce' }]),
      { epochs: 15, batchSize: 64, learningRate: 0.01, validationFraction: 0.2, patience: 5 },
    );
    expect(res.history.length).toBeGreaterThan(1);
    expect((res.history.at(-1) as { loss: number }).loss).toBeLessThan((res.history[0] as { loss: number }).loss);
    const logits = net.predict(test.features).heads.y as Float32Array;
    let correct = 0;
    for (let i = 0; i < 1000; i++) {
      const p = (logits[i * 3 + (test.treatment[i] as number)] as number) > 0 ? 1 : 0;
      if (p === test.y[i]) correct++;
    }
    net.dispose();
    expect(correct / 1000).toBeGreaterThan(0.85);
  });

  it('computes the same gradients with plain-layout and stock dense layers', () => {
    const rng = new RNG(9);
    const r = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
    for (const act of ['relu', 'elu', 'tanh', 'sigmoid', 'linear'] as const) {
      const [fast, stock] = tf.tidy(() => {
        const x = tf.tensor2d(r(15), [5, 3]);
        const w = tf.tensor2d(r(6), [3, 2]);
        const b = tf.tensor1d(r(2));
        const g = (f: typeof denseLayer) =>
          tf
            .grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
              tf.sum(tf.square(f(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D, act))),
            )([x, w, b])
            .map((t) => Array.from(t.dataSync()));
        return [g(denseLayer), g(denseLayerStock)];
      });
      fast.forEach((arr, k) => {
        arr.forEach((v, i) => {
          expect(v).toBeCloseTo(stock[k]?.[i] as number, 4);
        });
      });
    }
  });

  it('predicts in batches exactly as in one pass and exports hidden layers', () => {
    const { features, d } = toyData(257, 4);
    const net = DenseNet.create({ inputDim: d, trunk: [6, 5], heads: [{ name: 'a', units: 2, hidden: [3] }] });
    const one = net.predict(features, { hidden: [0, 1], batchSize: 10_000 });
    const many = net.predict(features, { hidden: [0, 1], batchSize: 16 });
    expect(Array.from(many.heads.a as Float32Array)).toEqual(Array.from(one.heads.a as Float32Array));
    expect(many.hidden[1]?.length).toBe(257 * 5);
    expect(Array.from(many.hidden[0] as Float32Array)).toEqual(Array.from(one.hidden[0] as Float32Array));
    net.dispose();
  });

  it('round-trips weights through JSON and rejects mismatched weights', () => {
    const { features, d } = toyData(50, 5);
    const a = DenseNet.create({ inputDim: d, trunk: [7], heads: [{ name: 'y', units: 2 }], seed: 1 });
    const b = DenseNet.create({ inputDim: d, trunk: [7], heads: [{ name: 'y', units: 2 }], seed: 2 });
    b.setWeights(JSON.parse(JSON.stringify(a.getWeights())));
    expect(Array.from(b.predict(features).heads.y as Float32Array)).toEqual(
      Array.from(a.predict(features).heads.y as Float32Array),
    );
    const c = DenseNet.create({ inputDim: d, trunk: [8], heads: [{ name: 'y', units: 2 }] });
    expect(() => c.setWeights(a.getWeights())).toThrow(SerializationError);
    for (const n of [a, b, c]) n.dispose();
  });

  it('accepts a custom loss and stops when onEpochEnd says so', async () => {
    const { features, treatment, y, d } = toyData(400, 6);
    let calls = 0;
    // A custom loss: squared error of the factual output against y, weighted.
    const custom: LossFn = (out, batch) =>
      tf.tidy(() => {
        const pred = tf.sum(tf.mul(out.heads.y as tf.Tensor2D, batch.treatment as tf.Tensor2D), 1);
        const l = tf.mul(tf.square(tf.sub(pred, batch.labels.y as tf.Tensor1D)), batch.weights);
        return tf.mean(l) as tf.Scalar;
      });
    const net = DenseNet.create({ inputDim: d, trunk: [4], heads: [{ name: 'y', units: 3 }] });
    const res = await trainNet(
      net,
      { features, labels: { y }, treatment, weights: new Float32Array(400).fill(2) },
      custom,
      {
        epochs: 10,
        onEpochEnd: (log) => {
          calls++;
          expect(log.rowsPerSecond).toBeGreaterThan(0);
          return log.epoch === 3 ? 'stop' : undefined;
        },
      },
    );
    expect(calls).toBe(3);
    expect(res.history.length).toBe(3);
    net.dispose();
  });

  it('restores the best validation weights when stopping early', async () => {
    const { features, treatment, y, d } = toyData(300, 7);
    // Labels unrelated to features: validation loss soon rises, so training stops and restores the best epoch.
    const noise = Float32Array.from(y, (_, i) => ((i * 7919) % 13) / 13);
    const net = DenseNet.create({ inputDim: d, trunk: [64], heads: [{ name: 'y', units: 3 }] });
    const res = await trainNet(
      net,
      { features, labels: { y: noise }, treatment },
      headLosses([{ head: 'y', kind: 'mse' }]),
      {
        epochs: 60,
        learningRate: 0.02,
        batchSize: 16,
        validationFraction: 0.3,
        patience: 2,
      },
    );
    const best = Math.min(...res.history.map((h) => h.valLoss as number));
    expect(res.stoppedEarly).toBe(true);
    expect(res.history[res.bestEpoch - 1]?.valLoss).toBe(best);
    expect(res.bestEpoch).toBeLessThan(res.history.length);
    net.dispose();
  });

  it('leaks no tensors across create, train, predict and dispose', async () => {
    const { features, treatment, y, d } = toyData(300, 8);
    const before = tf.memory().numTensors;
    const net = DenseNet.create({
      inputDim: d,
      trunk: [5, 4],
      heads: [
        { name: 'y', units: 3 },
        { name: 'z', units: 1 },
      ],
    });
    await trainNet(
      net,
      { features, labels: { y, z: y }, treatment },
      headLosses([
        { head: 'y', kind: 'huber', huberDelta: 0.5 },
        { head: 'z', label: 'z', kind: 'mse', log1p: true, factualOnly: false },
      ]),
      { epochs: 3, l2: 1e-4 },
    );
    net.predict(features, { hidden: [1] });
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad specs, data and options with ValidationError', async () => {
    expect(() => DenseNet.create({ inputDim: 0, trunk: [4], heads: [{ name: 'y', units: 1 }] })).toThrow(
      ValidationError,
    );
    expect(() => DenseNet.create({ inputDim: 3, trunk: [4], heads: [] })).toThrow(ValidationError);
    expect(() =>
      DenseNet.create({ inputDim: 3, trunk: [4], heads: [{ name: 'y', units: 1 }], activation: 'gelu' as never }),
    ).toThrow(ValidationError);
    const net = DenseNet.create({ inputDim: 2, trunk: [3], heads: [{ name: 'y', units: 1 }] });
    const loss = headLosses([{ head: 'y', kind: 'mse' }]);
    await expect(trainNet(net, { features: new Float32Array(5) }, loss)).rejects.toThrow(ValidationError);
    await expect(
      trainNet(net, { features: new Float32Array(4), labels: { y: new Float32Array(3) } }, loss),
    ).rejects.toThrow(ValidationError);
    await expect(
      trainNet(net, { features: new Float32Array(4), labels: { y: new Float32Array(2) } }, loss, { batchSize: 0 }),
    ).rejects.toThrow(ValidationError);
    expect(() => headLosses([{ head: 'y', kind: 'hinge' as never }])).toThrow(ValidationError);
    net.dispose();
  });
});
