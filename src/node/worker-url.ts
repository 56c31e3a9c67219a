import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** How to start a worker: the script (a module URL, or bootstrap code with `eval`) and its worker options. */
export interface WorkerScript {
  readonly script: URL | string;
  readonly eval: boolean;
  /** The worker module's URL (what `script` runs in the end). */
  readonly module: URL;
}

/** tsx's ESM registration API, when tsx is installed (it is a devDependency: tests, benchmarks). */
function tsxApi(): string | undefined {
  try {
    const resolve = (import.meta as { resolve?: (s: string) => string }).resolve;
    if (typeof resolve === 'function') return resolve('tsx/esm/api');
    return pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  } catch {
    return undefined;
  }
}

/**
 * How to start the worker module `name` of this folder (`'score-worker'`, `'fit-worker'`). From the built package it
 * is the compiled `NAME.js` next to this module. When this module runs from TypeScript sources (vitest, tsx), the
 * worker runs the sources too, through tsx's loader registered by a small bootstrap, so an edit to the policy,
 * tokenizer, network or kernels is seen without a rebuild; without tsx installed it falls back to the compiled copy
 * in dist/.
 */
export function workerScript(name: 'score-worker' | 'fit-worker'): WorkerScript {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) {
    const module = new URL(`./${name}.js`, here);
    return { script: module, eval: false, module };
  }
  const module = new URL(`./${name}.ts`, here);
  const api = tsxApi();
  if (api === undefined) {
    const dist = new URL(`../../dist/node/${name}.js`, here);
    return { script: dist, eval: false, module: dist };
  }
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(module.href)}); });`;
  return { script: code, eval: true, module };
}

/** How to start the scoring worker of {@link ParallelScorer} and `assignCSV` (see {@link workerScript}). */
export function scoreWorkerScript(): WorkerScript {
  return workerScript('score-worker');
}
