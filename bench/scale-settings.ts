import type { HRCPipelineOptions } from '../src/pipeline/index.js';

/** Pipeline settings of the 1,000,000-row fit: the defaults but for shorter training. */
export const SCALE_FIT_OPTIONS: HRCPipelineOptions = {
  seed: 1,
  representation: { epochs: 2, batchSize: 1024 },
  distiller: { epochs: 2, batchSize: 2048 },
};

/** The same settings in words, for docs/performance.md. */
export const SCALE_FIT_SETTINGS =
  'default pipeline (representation trunk 256-128, K = 32 by the default rule, mini-batch k-means from 500,000 rows, ' +
  'GroupStats with 200 replicates, expected-value solver over 24 budgets, student 64 ReLU units) but ' +
  'RepresentationNet `{ epochs: 2, batchSize: 1024 }` and Distiller `{ epochs: 2, batchSize: 2048 }`, seed 1';
