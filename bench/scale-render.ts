/**
 * Re-writes docs/performance.md from the kept results of the latest `npm run bench -- scale` and
 * `npm run bench -- policy` runs, without running anything: `npx tsx bench/scale-render.ts`.
 */
import { type ScaleResults, writePerformanceDoc } from './scale-doc.js';
import { loadResults } from './scale-record.js';

const results = loadResults<ScaleResults>('scale-results.json');
if (results === undefined) {
  process.stderr.write('no kept scale results: run `npm run bench -- scale` first\n');
  process.exit(1);
}
writePerformanceDoc(results);
