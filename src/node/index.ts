export type { AssignCSVOptions, AssignCSVResult } from './assign-csv.js';
export { assignCSV } from './assign-csv.js';
export type { CSVChunk } from './chunks.js';
export { csvChunks } from './chunks.js';
export { decideRows } from './decide-rows.js';
export { workerNetTrainer } from './fit-pool.js';
export type { ParallelScorerOptions } from './parallel.js';
export { ParallelScorer } from './parallel.js';
