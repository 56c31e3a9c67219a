/**
 * Regenerates src/wasm/kernels.wat and src/wasm/bytes.ts from scripts/wasm/kernels-wat.ts
 * (`npm run build:wasm`). Files are written to a temporary name and renamed.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bytesModule, compileKernels } from './wasm/compile.js';

function writeAtomic(url: URL, text: string): void {
  const path = fileURLToPath(url);
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

const { wat, bytes } = await compileKernels();
writeAtomic(new URL('../src/wasm/kernels.wat', import.meta.url), wat);
writeAtomic(new URL('../src/wasm/bytes.ts', import.meta.url), bytesModule(bytes));
process.stdout.write(`src/wasm/kernels.wat: ${wat.length} characters; src/wasm/bytes.ts: ${bytes.length} bytes\n`);
