import { HiddenClusterer } from '../clustering/clusterer.js';
import type { HiddenClustererOptions } from '../clustering/options.js';
import type { RctDataset } from '../data/dataset.js';
import type { GroupClusterer } from './types.js';

/** Options of the pipeline's built-in clusterer: those of {@link HiddenClusterer}. */
export type DefaultClustererOptions = HiddenClustererOptions;

/** {@link HiddenClusterer} behind the {@link GroupClusterer} interface. */
export class HiddenGroupClusterer implements GroupClusterer {
  readonly clusterer: HiddenClusterer;

  constructor(options: HiddenClustererOptions = {}) {
    this.clusterer = new HiddenClusterer(options);
  }

  get k(): number {
    return this.clusterer.k;
  }

  async fit(embeddings: Float32Array, d: number, data: RctDataset): Promise<this> {
    await this.clusterer.fit(embeddings, { dim: d, data });
    return this;
  }

  predict(embeddings: Float32Array): Int32Array {
    return this.clusterer.predict(embeddings);
  }

  sqDistances(embeddings: Float32Array): Float32Array {
    return this.clusterer.distances(embeddings);
  }
}

/** The pipeline's default clusterer. */
export function defaultClusterer(options: DefaultClustererOptions = {}): HiddenGroupClusterer {
  return new HiddenGroupClusterer(options);
}
