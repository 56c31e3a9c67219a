import { KERNELS_BASE64 } from './bytes.js';
import { type KernelCalls, type KernelExports, kernelCalls } from './signatures.js';

let compiled: WebAssembly.Module | null | undefined;
let enabled = true;

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

let pending: Promise<WebAssembly.Module | null> | undefined;

/**
 * The compiled module, or null where WebAssembly or its SIMD extension is missing. Compiled once, on first use,
 * synchronously; where the runtime refuses synchronous compilation of a module this size (browsers' main threads
 * may), the module is compiled asynchronously instead and the TypeScript paths run until it is ready (see
 * {@link wasmKernelsReady}).
 */
function kernelModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  if (pending !== undefined) return null;
  if (typeof WebAssembly !== 'object') {
    compiled = null;
    return null;
  }
  const bytes = decodeBase64(KERNELS_BASE64);
  try {
    compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    pending = WebAssembly.compile(bytes).then(
      (m) => {
        compiled = m;
        return m;
      },
      () => {
        compiled = null;
        return null;
      },
    );
    return null;
  }
  return compiled;
}

/**
 * Resolves once the kernels are compiled (or known to be unavailable): true when they are in use. Only needed
 * where synchronous compilation is refused (a browser's main thread); elsewhere the kernels are ready at once.
 */
export async function wasmKernelsReady(): Promise<boolean> {
  kernelModule();
  if (pending !== undefined) await pending;
  return wasmKernelsEnabled();
}

/**
 * Whether the library's WebAssembly SIMD kernels are in use: k-means distance scans (the `wasm` distance engine)
 * and the student's batch scoring (`StudentNet.argmaxBatch`, `AllocationPolicy.decideBatch`, the Node scorers).
 * False where the runtime lacks WebAssembly SIMD (the plain TypeScript paths run instead, with the same results
 * for scoring) or after `setWasmKernels(false)`.
 */
export function wasmKernelsEnabled(): boolean {
  return enabled && kernelModule() !== null;
}

/**
 * Turns the WebAssembly SIMD kernels off (or back on) for this JavaScript realm: scoring falls back to the plain
 * TypeScript loops (same groups), and the `auto` distance engine to `tfjs` or `js`. For comparisons and for
 * runtimes that forbid WebAssembly compilation. Returns the previous setting.
 */
export function setWasmKernels(on: boolean): boolean {
  const previous = enabled;
  enabled = on;
  return previous;
}

/**
 * One instance of the kernels with its own memory, and a bump layout over it. Each user (a k-means run, a
 * student) holds its own, so nothing is shared between callers.
 */
export class KernelInstance {
  /** The module's exports, positional (see src/wasm/signatures.ts). */
  readonly exports: KernelExports;
  /** The kernels with named arguments: `calls.elkan({ x, d, n, ... })`. */
  readonly calls: KernelCalls;
  private top = 0;

  private constructor(
    exports: KernelExports,
    private readonly limitBytes: number,
  ) {
    this.exports = exports;
    this.calls = kernelCalls(exports);
  }

  /**
   * A new instance, or null when the kernels are unavailable or switched off. `limitBytes` caps its memory (an
   * allocation past it throws the RangeError a refused `memory.grow` throws).
   */
  static create(limitBytes = Number.POSITIVE_INFINITY): KernelInstance | null {
    if (!enabled) return null;
    const module = kernelModule();
    if (module === null) return null;
    const instance = new WebAssembly.Instance(module, {});
    return new KernelInstance(instance.exports as unknown as KernelExports, limitBytes);
  }

  /** Whether kernels may be used now (the switch of {@link setWasmKernels}). */
  static enabled(): boolean {
    return enabled;
  }

  /** Forgets every region laid out so far (the memory is kept). */
  reset(): void {
    this.top = 0;
  }

  /**
   * Reserves `bytes` (16-byte aligned) and grows the memory when needed. Returns the region's byte offset. Throws a
   * RangeError when the memory cannot grow that far (nothing is reserved then).
   */
  alloc(bytes: number): number {
    const at = this.top;
    const end = at + Math.ceil(bytes / 16) * 16;
    if (end > this.limitBytes)
      throw new RangeError(`kernel memory: ${end} bytes exceed the limit of ${this.limitBytes}`);
    const memory = this.exports.memory;
    if (end > memory.buffer.byteLength) {
      const pages = Math.ceil((end - memory.buffer.byteLength) / 65_536);
      memory.grow(pages);
    }
    this.top = end;
    return at;
  }

  /** The memory as float32 / float64 / int32 views (new views after any growth). */
  f32(at: number, length: number): Float32Array {
    return new Float32Array(this.exports.memory.buffer, at, length);
  }
  f64(at: number, length: number): Float64Array {
    return new Float64Array(this.exports.memory.buffer, at, length);
  }
  i32(at: number, length: number): Int32Array {
    return new Int32Array(this.exports.memory.buffer, at, length);
  }
}

/** Largest memory the kernels lay out for one user (WebAssembly 32-bit memories end at 4 GiB). */
export const MAX_KERNEL_BYTES = 2 ** 31;
