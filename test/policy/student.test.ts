import { afterEach, describe, expect, it } from 'vitest';
import { RNG } from '../../src/core/rng.js';
import { type StudentActivation, StudentNet } from '../../src/policy/student.js';
import { setWasmKernels } from '../../src/wasm/kernels.js';

afterEach(() => {
  setWasmKernels(true);
});

function randomStudent(sizes: readonly number[], activations: readonly StudentActivation[], seed: number): StudentNet {
  const rng = new RNG(seed);
  const layers = activations.map((activation, i) => {
    const inSize = sizes[i] as number;
    const outSize = sizes[i + 1] as number;
    return {
      inSize,
      outSize,
      kernel: Float32Array.from({ length: inSize * outSize }, () => rng.normal() / Math.sqrt(inSize)),
      bias: Float32Array.from({ length: outSize }, () => 0.1 * rng.normal()),
      activation,
    };
  });
  const d = sizes[0] as number;
  return new StudentNet(
    layers,
    Float32Array.from({ length: d }, () => rng.normal()),
    Float32Array.from({ length: d }, () => 0.5 + rng.next()),
  );
}

describe('StudentNet batch scoring', () => {
  it('gives the same groups on the WebAssembly kernels, the four-row loop and one row at a time', () => {
    const shapes: [number[], StudentActivation[]][] = [
      [
        [10, 64, 32],
        ['relu', 'linear'],
      ],
      [
        [3, 24, 16, 5],
        ['relu', 'relu', 'linear'],
      ],
      [[17, 9], ['linear']],
      [
        [1, 12, 2],
        ['relu', 'relu'],
      ],
    ];
    const rng = new RNG(4);
    shapes.forEach(([sizes, acts], s) => {
      const net = randomStudent(sizes, acts, 10 + s);
      const d = net.inputSize;
      const n = 1237;
      // Some exact zeros and repeated rows (equal logits across rows), the rest Gaussian.
      const X = Float32Array.from({ length: (n + 5) * d }, (_, i) => (i % 11 === 0 ? 0 : rng.normal()));
      const single = Int32Array.from({ length: n }, (_, r) => net.argmax(X, (5 + r) * d));
      setWasmKernels(false);
      const loop = net.argmaxBatch(X, new Int32Array(n), 5, n);
      setWasmKernels(true);
      const wasm = net.argmaxBatch(X, new Int32Array(n), 5, n);
      expect(Array.from(loop), `shape ${sizes}`).toEqual(Array.from(single));
      expect(Array.from(wasm), `shape ${sizes}`).toEqual(Array.from(single));
      // Small batches stay on the loop; both give the same groups.
      expect(Array.from(net.argmaxBatch(X, new Int32Array(7), 5, 7))).toEqual(Array.from(single.subarray(0, 7)));
      const groups = new Set(wasm);
      expect(groups.size, `shape ${sizes} uses several groups`).toBeGreaterThan(1);
    });
  });

  it('keeps the first group on tied logits in every path', () => {
    // Two identical output columns: groups 0 and 1 always tie, so group 1 must never be chosen.
    const kernel = Float32Array.from([1, 1, -1, 2, 2, 0.5]);
    const net = new StudentNet(
      [
        {
          inSize: 2,
          outSize: 3,
          kernel: Float32Array.from([kernel[0], kernel[0], kernel[2], kernel[3], kernel[3], kernel[5]] as number[]),
          bias: new Float32Array(3),
          activation: 'linear',
        },
      ],
      new Float32Array(2),
      Float32Array.from([1, 1]),
    );
    const rng = new RNG(5);
    const n = 500;
    const X = Float32Array.from({ length: n * 2 }, () => rng.normal());
    const wasm = net.argmaxBatch(X, new Int32Array(n));
    setWasmKernels(false);
    const loop = net.argmaxBatch(X, new Int32Array(n));
    expect(Array.from(wasm)).toEqual(Array.from(loop));
    expect(wasm.includes(1)).toBe(false);
    expect(wasm.includes(0)).toBe(true);
    expect(wasm.includes(2)).toBe(true);
  });
});
