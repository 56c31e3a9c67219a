/**
 * Regenerates src/wasm/kernels.wat, src/wasm/bytes.ts and src/wasm/signatures.ts from scripts/wasm/kernels-wat.ts
 * and the signature table in scripts/wasm/signatures.ts (`npm run build:wasm`). Files are written to a temporary name and renamed.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bytesModule, compileKernels } from './wasm/compile.js';
import { signaturesModule } from './wasm/signatures.js';

function writeAtomic(url: URL, text: string): void {
  const path = fileURLToPath(url);
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

const { wat, bytes } = await compileKernels();
writeAtomic(new URL('../src/wasm/kernels.wat', import.meta.url), wat);
writeAtomic(new URL('../src/wasm/bytes.ts', import.meta.url), bytesModule(bytes));
writeAtomic(new URL('../src/wasm/signatures.ts', import.meta.url), signaturesModule());
process.stdout.write(`src/wasm/kernels.wat: ${wat.length} characters; src/wasm/bytes.ts: ${bytes.length} bytes\n`);
