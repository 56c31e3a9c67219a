import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { ValidationError } from '../../src/core/errors.js';
import { RNG } from '../../src/core/rng.js';
import { DenseNet, headLosses, trainNet } from '../../src/nn/index.js';

/** Two arms whose responses differ by a feature-dependent effect: y = x0 + t * (0.5 + x1) + noise. */
function data(n: number, seed: number) {
  const rng = new RNG(seed);
  const d = 3;
  const features = Float32Array.from({ length: n * d }, () => rng.normal());
  const treatment = Int32Array.from({ length: n }, () => rng.int(2));
  const y = Float32Array.from(
    { length: n },
    (_, i) =>
      (features[i * d] as number) +
      (treatment[i] as number) * (0.5 + (features[i * d + 1] as number)) +
      0.1 * rng.normal(),
  );
  return { features, treatment, labels: { y }, arms: 2 };
}

/** ||W[:, 1] - W[:, 0]|| of the head's output kernel. */
function contrast(net: DenseNet): number {
  const w = net.headKernel('y').arraySync() as number[][];
  return Math.sqrt(w.reduce((s, row) => s + ((row[1] as number) - (row[0] as number)) ** 2, 0));
}

const spec = { inputDim: 3, trunk: [16, 8], heads: [{ name: 'y', units: 2 }], seed: 5 };
const loss = headLosses([{ head: 'y', kind: 'mse' }]);
const options = { epochs: 15, batchSize: 64, learningRate: 0.01, validationFraction: 0, seed: 2 };

beforeAll(async () => {
  await useBackend('cpu');
});

describe('trainNet headContrastL2', () => {
  it("pulls an arm's output weights toward the first arm's, and only as hard as asked", async () => {
    const train = data(1500, 1);
    const free = DenseNet.create(spec);
    await trainNet(free, train, loss, options);
    const mild = DenseNet.create(spec);
    await trainNet(mild, train, loss, { ...options, headContrastL2: { y: 0.001 } });
    const hard = DenseNet.create(spec);
    await trainNet(hard, train, loss, { ...options, headContrastL2: { y: 10 } });
    // The effect varies with x1, so the free net's arms differ; a hard penalty makes them (almost) parallel.
    expect(contrast(free)).toBeGreaterThan(0.3);
    expect(contrast(hard)).toBeLessThan(0.1 * contrast(free));
    expect(contrast(mild)).toBeGreaterThan(contrast(hard));
    for (const n of [free, mild, hard]) n.dispose();
  });

  it('rejects a negative weight and an unknown head, naming them', async () => {
    const net = DenseNet.create(spec);
    const train = data(100, 2);
    await expect(trainNet(net, train, loss, { ...options, headContrastL2: { y: -1 } })).rejects.toThrow(
      /headContrastL2\.y/,
    );
    await expect(trainNet(net, train, loss, { ...options, headContrastL2: { z: 1 } })).rejects.toThrow(ValidationError);
    await expect(trainNet(net, train, loss, { ...options, headContrastL2: { z: 1 } })).rejects.toThrow(/no head 'z'/);
    net.dispose();
  });
});
