export { setWasmKernels, wasmKernelsEnabled, wasmKernelsReady } from './kernels.js';
