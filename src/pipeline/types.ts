import type { RctDataset } from '../data/dataset.js';

/**
 * What HRCPipeline needs from a clusterer, so users can plug their own (the built-in one wraps HiddenClusterer).
 * Embeddings are the RepresentationNet's h(x), row-major Float32Arrays of `d` columns, not standardized.
 */
export interface GroupClusterer {
  /** Number of groups after fit. */
  readonly k: number;
  /** Learns the groups. `data` is the trial the embeddings' rows belong to (for choosing K by policy value). */
  fit(embeddings: Float32Array, d: number, data: RctDataset): Promise<unknown> | unknown;
  /** The group of each row. */
  predict(embeddings: Float32Array): Int32Array;
  /** Squared distance of each row to each group's centre (row-major `n * k`), for the student's soft targets. */
  sqDistances(embeddings: Float32Array): Float32Array;
}

/** The stages HRCPipeline reports through `onProgress`. */
export type PipelineStage = 'representation' | 'clustering' | 'stats' | 'solve' | 'distill' | 'done';
