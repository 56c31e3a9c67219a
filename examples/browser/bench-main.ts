/// <reference types="vite/client" />
// The backend benchmark in a page: bench.html?backends=webgl,wasm,cpu
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { type BackendName, useBackend } from '../../src/index.js';
import { type BenchResult, runBench } from './bench.js';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

const out = document.getElementById('out') as HTMLElement;
const results: BenchResult[] = [];
(window as unknown as { benchResults: BenchResult[] }).benchResults = results;
const names = (new URLSearchParams(location.search).get('backends') ?? 'webgl,wasm,cpu').split(',') as BackendName[];
document.body.dataset.state = 'running';
try {
  for (const name of names) {
    await useBackend(name, { allowSoftwareWebgl: true });
    results.push(await runBench(name));
    out.textContent = JSON.stringify(results, null, 2);
  }
  document.body.dataset.state = 'done';
} catch (e) {
  out.textContent = String(e);
  document.body.dataset.state = 'error';
}
