export type { AssignCsvOptions, AssignCsvResult } from './assign-csv.js';
export { assignCsv } from './assign-csv.js';
export type { CsvChunk } from './chunks.js';
export { csvChunks } from './chunks.js';
export { decideRows } from './decide-rows.js';
export type { ParallelScorerOptions } from './parallel.js';
export { ParallelScorer } from './parallel.js';
