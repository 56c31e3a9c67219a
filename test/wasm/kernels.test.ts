import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { bytesModule, compileKernels } from '../../scripts/wasm/compile.js';
import { signaturesModule } from '../../scripts/wasm/signatures.js';
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
});
