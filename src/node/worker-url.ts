/**
 * Location of the compiled scoring worker. From the built package it sits next to this module; when this module
 * runs from TypeScript sources (tests, tsx), the compiled copy in dist/ is used, so build first (`npm run build`).
 */
export function scoreWorkerUrl(): URL {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL('../../dist/node/score-worker.js', here);
  return new URL('./score-worker.js', here);
}
