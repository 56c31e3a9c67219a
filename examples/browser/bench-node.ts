// The backend benchmark under Node: npx tsx examples/browser/bench-node.ts [cpu wasm ...]
import { type BackendName, useBackend } from '../../src/index.js';
import { runBench } from './bench.js';

const names = (process.argv.length > 2 ? process.argv.slice(2) : ['cpu', 'wasm']) as BackendName[];
for (const name of names) {
  await useBackend(name);
  console.log(JSON.stringify(await runBench(name)));
}
