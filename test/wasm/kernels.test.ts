import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { bytesModule, compileKernels } from '../../scripts/wasm/compile.js';
import { KERNELS, signaturesModule } from '../../scripts/wasm/signatures.js';
import { distanceEngine } from '../../src/clustering/engine.js';
import { ValidationError } from '../../src/core/errors.js';
import { KERNELS_BASE64 } from '../../src/wasm/bytes.js';
import { KernelInstance, setWasmKernels, wasmKernelsEnabled } from '../../src/wasm/kernels.js';

afterEach(() => {
  setWasmKernels(true);
});

describe('WebAssembly kernels', () => {
  it('are current: the committed text, bytes and signatures are what the generator produces', async () => {
    const { wat, bytes } = await compileKernels();
    expect(readFileSync(new URL('../../src/wasm/kernels.wat', import.meta.url), 'utf8')).toBe(wat);
    expect(readFileSync(new URL('../../src/wasm/bytes.ts', import.meta.url), 'utf8')).toBe(bytesModule(bytes));
    expect(Buffer.from(KERNELS_BASE64, 'base64').equals(Buffer.from(bytes))).toBe(true);
    expect(readFileSync(new URL('../../src/wasm/signatures.ts', import.meta.url), 'utf8')).toBe(signaturesModule());
  });

  it('can be switched off and on; switched off, the auto engine is not wasm and wasm is refused', () => {
    expect(wasmKernelsEnabled()).toBe(true);
    expect(distanceEngine('auto').name).toBe('wasm');
    expect(setWasmKernels(false)).toBe(true);
    expect(wasmKernelsEnabled()).toBe(false);
    expect(KernelInstance.create()).toBeNull();
    expect(distanceEngine('auto').name).not.toBe('wasm');
    expect(() => distanceEngine('wasm')).toThrow(ValidationError);
    expect(() => distanceEngine('wasm')).toThrow(/engine.*WebAssembly SIMD/);
    setWasmKernels(true);
    expect(distanceEngine('auto').name).toBe('wasm');
  });

  it('lay out 16-byte aligned regions and grow the memory, keeping earlier contents', () => {
    const m = KernelInstance.create() as KernelInstance;
    const a = m.alloc(10);
    m.f64(a, 1)[0] = 42.5;
    const b = m.alloc(3_000_000);
    expect(a % 16).toBe(0);
    expect(b % 16).toBe(0);
    expect(b).toBeGreaterThanOrEqual(a + 10);
    expect(m.exports.memory.buffer.byteLength).toBeGreaterThanOrEqual(b + 3_000_000);
    expect(m.f64(a, 1)[0]).toBe(42.5);
  });

  it('argmax keeps the first of equal values and reads only the first k of each row', () => {
    const m = KernelInstance.create() as KernelInstance;
    const at = m.alloc(3 * 4 * 8);
    const out = m.alloc(3 * 4);
    m.f64(at, 12).set([1, 3, 3, 9, -1, -2, -0.5, 0, 5, 5, 5, 5]);
    m.calls.argmax({ input: at, stride: 4, n: 3, k: 3, out });
    expect(Array.from(m.i32(out, 3))).toEqual([1, 2, 0]);
  });

  it('export every kernel of the signature table with its number of parameters', () => {
    const m = KernelInstance.create() as KernelInstance;
    const exported = m.exports as unknown as Record<string, unknown>;
    for (const spec of KERNELS) {
      const f = exported[spec.name];
      expect(typeof f, spec.name).toBe('function');
      expect((f as (...args: number[]) => unknown).length, spec.name).toBe(spec.params.length);
    }
    expect(Object.keys(exported).sort()).toEqual(['memory', ...KERNELS.map((s) => s.name)].sort());
  });

  it('take named arguments: an omitted row list scans rows 0..count-1, a flag picks squared distances', () => {
    const m = KernelInstance.create() as KernelInstance;
    const d = 3;
    const kp = 4;
    const count = 5;
    const x = Float32Array.from([0, 0, 0, 1, 2, 2, -3, 0, 4, 10, 0, 0, 0.5, 0.5, 0]);
    const c = [
      [0, 0, 0],
      [1, 2, 3],
      [9, 0, 0],
    ];
    const xAt = m.alloc(x.byteLength);
    m.f32(xAt, x.length).set(x);
    const ct = m.alloc(d * kp * 4);
    const cn = m.alloc(kp * 4);
    const ctv = m.f32(ct, d * kp);
    const cnv = m.f32(cn, kp);
    cnv.fill(Number.POSITIVE_INFINITY);
    c.forEach((row, j) => {
      row.forEach((v, t) => {
        ctv[t * kp + j] = v;
      });
      cnv[j] = row.reduce((a, v) => a + v * v, 0);
    });
    const out = () => ({ lab: m.alloc(count * 4 + 16), o1: m.alloc(count * 4 + 16), o2: m.alloc(count * 4 + 16) });
    const implicit = out();
    const listed = out();
    const rows = m.alloc(count * 4);
    m.i32(rows, count).set([0, 1, 2, 3, 4]);
    m.calls.nearest2({ x: xAt, d, count, ct, cn, kp, ...implicit });
    m.calls.nearest2({ x: xAt, d, rows, count, ct, cn, kp, ...listed });
    expect(Array.from(m.i32(implicit.lab, count))).toEqual([0, 1, 1, 2, 0]);
    expect(Array.from(m.i32(listed.lab, count))).toEqual([0, 1, 1, 2, 0]);
    const xn = m.alloc(count * 4);
    m.calls.sqnorms({ x: xAt, d, n: count, out: xn });
    const sq = m.alloc(count * kp * 4);
    const dist = m.alloc(count * kp * 4);
    m.calls.nearestAll({ x: xAt, d, count, ct, cn, kp, ...out(), xn, dist: sq, squared: true });
    m.calls.nearestAll({ x: xAt, d, count, ct, cn, kp, ...out(), xn, dist, squared: false });
    const sqv = m.f32(sq, count * kp);
    const distv = m.f32(dist, count * kp);
    for (let r = 0; r < count; r++) {
      for (let j = 0; j < c.length; j++) {
        const exact = c[j]?.reduce((a, v, t) => a + (v - (x[r * d + t] as number)) ** 2, 0) as number;
        expect(sqv[r * kp + j]).toBeCloseTo(exact, 4);
        expect(distv[r * kp + j]).toBeCloseTo(Math.sqrt(exact) * (1 - 2 ** -20), 4);
      }
    }
  });
});
