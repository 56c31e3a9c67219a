import type { Matrix } from '../core/types.js';
import type { RCTDataset } from '../data/dataset.js';

/**
 * What HRCPipeline needs from a clusterer, so users can plug their own; the built-in `HiddenClusterer`
 * implements it. Embeddings are the teacher's coordinates of the trial rows (the RepresentationNet's h(x), or the
 * predicted uplifts when cross-fitted), one row per user, not standardized.
 */
export interface GroupClusterer {
  /** Number of groups after fit. */
  readonly k: number;
  /** Learns the groups. `data` is the trial the embeddings' rows belong to (for choosing K by policy value). */
  fit(embeddings: Matrix, opts: { data: RCTDataset }): Promise<unknown> | unknown;
  /** The group of each row. */
  predict(embeddings: Matrix): Int32Array;
  /** Squared distance of each row to each group's centre (`n x k`), for the student's soft targets. */
  sqDistances(embeddings: Matrix): Matrix;
}

/** The stages HRCPipeline reports through `onProgress`. */
export type PipelineStage = 'representation' | 'clustering' | 'stats' | 'solve' | 'distill' | 'done';
