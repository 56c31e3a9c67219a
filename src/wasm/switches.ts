// The public switches of the WebAssembly kernels. They wrap the functions of kernels.ts so that the root entry's
// declarations do not load kernels.d.ts, whose KernelExports names `WebAssembly.Memory`: a Node consumer compiled
// without the DOM lib has no WebAssembly namespace.
import * as kernels from './kernels.js';

/**
 * Resolves once the kernels are compiled (or known to be unavailable): true when they are in use. Only needed
 * where synchronous compilation is refused (a browser's main thread); elsewhere the kernels are ready at once.
 */
export function wasmKernelsReady(): Promise<boolean> {
  return kernels.wasmKernelsReady();
}

/**
 * Whether the library's WebAssembly SIMD kernels are in use: k-means distance scans (the `wasm` distance engine)
 * and the student's batch scoring (`StudentNet.argmaxBatch`, `AllocationPolicy.decideBatch`, the Node scorers).
 * False where the runtime lacks WebAssembly SIMD (the plain TypeScript paths run instead, with the same results
 * for scoring) or after `setWasmKernels(false)`.
 */
export function wasmKernelsEnabled(): boolean {
  return kernels.wasmKernelsEnabled();
}

/**
 * Turns the WebAssembly SIMD kernels off (or back on) for this JavaScript realm: scoring falls back to the plain
 * TypeScript loops (same groups), and the `auto` distance engine to `tfjs` or `js`. For comparisons and for
 * runtimes that forbid WebAssembly compilation. Returns the previous setting.
 */
export function setWasmKernels(on: boolean): boolean {
  return kernels.setWasmKernels(on);
}
