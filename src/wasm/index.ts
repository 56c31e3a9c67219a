export { setWasmKernels, wasmKernelsEnabled } from './kernels.js';
