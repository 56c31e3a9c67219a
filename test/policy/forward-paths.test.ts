import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { RNG } from '../../src/core/rng.js';
import { DenseNet } from '../../src/nn/net.js';
import { applyStandardizer } from '../../src/nn/standardize.js';
import { StudentNet } from '../../src/policy/student.js';
import { setWasmKernels } from '../../src/wasm/kernels.js';

beforeAll(async () => {
  await useBackend('cpu');
});

/** A net with random weights and biases (set by name), so every parameter shows in the outputs. */
function randomNet(seed: number): DenseNet {
  const net = DenseNet.create({
    inputDim: 5,
    trunk: [12, 7],
    heads: [
      { name: 'other', units: 2 },
      { name: 'group', units: 4, hidden: [6] },
    ],
    seed,
  });
  const rng = new RNG(seed);
  const w = net.getWeights();
  net.setWeights({ ...w, values: w.values.map((v) => v.map(() => 0.3 * rng.normal())) });
  return net;
}

describe('the training forward (tfjs) and the serving forward (plain TypeScript)', () => {
  it('give the same logits and groups on the same weights and inputs', () => {
    const net = randomNet(5);
    const chain = net.layerChain('group');
    expect(chain.map((l) => l.name)).toEqual(['trunk0', 'trunk1', 'group/hidden0', 'group/out']);
    const rng = new RNG(4);
    const mean = [0.5, -1, 0, 2, 0.1];
    const std = [1, 2, 0.5, 3, 1.5];
    const student = new StudentNet(
      chain.map(({ name: _name, ...l }) => ({ ...l, activation: l.activation === 'relu' ? 'relu' : 'linear' })),
      Float32Array.from(mean),
      Float32Array.from(std),
    );
    const n = 300;
    const X = Float32Array.from({ length: n * 5 }, (_, i) => (mean[i % 5] as number) + 2 * rng.normal());
    const tfLogits = net.predict(applyStandardizer({ mean, std }, X), { heads: ['group'] }).heads.group as Float32Array;
    const out = new Float32Array(4);
    let maxDiff = 0;
    const groups = new Set<number>();
    for (let i = 0; i < n; i++) {
      student.logits(X, i * 5, out);
      for (let k = 0; k < 4; k++)
        maxDiff = Math.max(maxDiff, Math.abs((out[k] as number) - (tfLogits[i * 4 + k] as number)));
      const row = Array.from(tfLogits.subarray(i * 4, i * 4 + 4));
      const top = row.indexOf(Math.max(...row));
      const second = Math.max(...row.filter((_, k) => k !== top));
      // Groups agree wherever the two best logits are further apart than float32 rounding.
      if ((row[top] as number) - second > 1e-4) expect(student.argmax(X, i * 5)).toBe(top);
      groups.add(top);
    }
    expect(maxDiff).toBeLessThan(1e-5);
    expect(groups.size).toBeGreaterThan(1);
    // The batch paths (the plain four-row pass and the WebAssembly kernel) give the single-row groups.
    const single = Int32Array.from({ length: n }, (_, i) => student.argmax(X, i * 5));
    setWasmKernels(false);
    expect(Array.from(student.argmaxBatch(X, new Int32Array(n)))).toEqual(Array.from(single));
    setWasmKernels(true);
    expect(Array.from(student.argmaxBatch(X, new Int32Array(n)))).toEqual(Array.from(single));
    net.dispose();
  });
});
