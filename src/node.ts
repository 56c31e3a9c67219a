/**
 * Node-only parts of hrc-budget (files and worker threads):
 * `import { assignCsv, ParallelScorer, writeReport } from 'hrc-budget/node'`.
 *
 * @packageDocumentation
 */

export type { AssignCsvOptions, AssignCsvResult, CsvChunk, ParallelScorerOptions } from './node/index.js';
export { assignCsv, csvChunks, decideRows, ParallelScorer } from './node/index.js';
export type { WrittenReport } from './report/node.js';
export { writeReport } from './report/node.js';
