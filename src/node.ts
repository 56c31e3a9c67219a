/**
 * Node-only parts of hrc-budget (files and worker threads):
 * `import { assignCSV, ParallelScorer, workerNetTrainer, writeReport } from 'hrc-budget/node'`.
 *
 * @packageDocumentation
 */

import { type AssignCSVOptions, type AssignCSVResult, assignCSV, type CSVChunk } from './node/index.js';

export type { AssignCSVOptions, AssignCSVResult, CSVChunk, ParallelScorerOptions } from './node/index.js';
export { assignCSV, csvChunks, decideRows, ParallelScorer, workerNetTrainer } from './node/index.js';
export type { WrittenReport } from './report/node.js';
export { writeReport } from './report/node.js';

// Deprecated: the previous spellings of the names above, aliases of the new names for one release (acronyms in
// capitals; see src/deprecated.ts).
/** @deprecated Renamed to {@link assignCSV}. */
export const assignCsv = assignCSV;
/** @deprecated Renamed to {@link AssignCSVOptions}. */
export type AssignCsvOptions = AssignCSVOptions;
/** @deprecated Renamed to {@link AssignCSVResult}. */
export type AssignCsvResult = AssignCSVResult;
/** @deprecated Renamed to {@link CSVChunk}. */
export type CsvChunk = CSVChunk;
