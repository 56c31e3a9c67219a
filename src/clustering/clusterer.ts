import * as v from 'valibot';
import { readEnvelope } from '../core/envelope.js';
import { NotFittedError, SerializationError, ValidationError } from '../core/errors.js';
import { checkMatrix } from '../core/matrix.js';
import { RNG } from '../core/rng.js';
import type { Matrix } from '../core/types.js';
import { describe } from '../core/validate.js';
import type { RCTDataset } from '../data/dataset.js';
import { applyStandardizer, checkStandardizer, fitStandardizer, type StandardizerState } from '../nn/standardize.js';
import type { GroupClusterer } from '../pipeline/types.js';
import { finite, size } from '../solver/schema.js';
import { wasmKernelsEnabled } from '../wasm/kernels.js';
import { type KSelection, selectK } from './auto.js';
import { allSqDistances, rowNorms } from './distance.js';
import { distanceEngine } from './engine.js';
import { type ClustererParams, type HiddenClustererOptions, resolveClustererOptions } from './options.js';
import { runKMeans } from './run.js';
import { wasmSqDistances } from './wasm-engine.js';

/** The fitted state of a {@link HiddenClusterer}. */
export interface ClustererState {
  readonly k: number;
  readonly dim: number;
  /** `k x dim` centroids in the clustering space (standardized when `standardize` is on). */
  readonly centroids: Float32Array;
  readonly standardizer: StandardizerState | null;
  readonly inertia: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly algorithm: 'lloyd' | 'minibatch';
  /** Present when K was chosen automatically: every candidate's score. */
  readonly selection?: KSelection;
}

/** The versioned JSON form of a fitted {@link HiddenClusterer}. */
export interface HiddenClustererJSON {
  readonly kind: 'HiddenClusterer';
  readonly formatVersion: 1;
  readonly params: ClustererParams;
  readonly state: Omit<ClustererState, 'centroids'> & { readonly centroids: number[] };
}

const KIND = 'HiddenClusterer';

/** Schema of the clusterer's JSON: `k * dim` finite centroid coordinates, checked before any allocation. */
const clustererSchema = v.pipe(
  v.object({
    state: v.object({ k: size, dim: size, centroids: v.array(finite), standardizer: v.nullable(v.unknown()) }),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const { k, dim, centroids } = dataset.value.state;
    if (centroids.length !== k * dim)
      addIssue({ message: `state.centroids: expected ${k * dim} finite numbers (k x dim), got ${centroids.length}` });
  }),
);

/**
 * Step 2 of HRC: k-means on (standardized) hidden representations. Greedy k-means++ seeding, Lloyd iterations with
 * Hamerly pruning (or mini-batch for large n), nearest-centroid scans in JS or as tfjs matrix products. With
 * `k: 'auto'` the number of groups is chosen by the held-out value of the group-level plan (see `selectK`).
 * Implements the pipeline's {@link GroupClusterer} interface.
 *
 * @example
 * ```ts
 * const h = net.embed(matrix(train.features, train.d));
 * const clusterer = await new HiddenClusterer({ k: 'auto' }).fit(h, { data: train });
 * console.log(clusterer.selection?.candidates);
 * const groups = clusterer.predict(net.embed(matrix(test.features, test.d)));
 * ```
 */
export class HiddenClusterer implements GroupClusterer {
  readonly options: HiddenClustererOptions;
  private fitted: ClustererState | undefined;
  private params: ClustererParams | undefined;

  constructor(options: HiddenClustererOptions = {}) {
    this.options = options;
  }

  /**
   * Clusters the rows of `embeddings`. With `k: 'auto'`, `data` (the trial rows the embeddings belong to, in the
   * same order) is required. Refitting starts over. Returns `this`.
   */
  async fit(embeddings: Matrix, opts: { data?: RCTDataset } = {}): Promise<this> {
    const p = resolveClustererOptions(this.options);
    const n = checkMatrix(embeddings, 'embeddings', { minRows: 1 });
    const dim = embeddings.cols;
    const standardizer = p.standardize ? fitStandardizer(embeddings.data, dim) : null;
    const x = standardizer !== null ? applyStandardizer(standardizer, embeddings.data) : embeddings.data;
    const engine = distanceEngine(p.engine);
    let k: number;
    let selection: KSelection | undefined;
    if (p.k === 'auto') {
      const data = opts?.data;
      if (data === undefined) {
        throw new ValidationError({
          path: ['k'],
          message: "k: 'auto' scores candidates on trial outcomes: call fit(embeddings, { data })",
        });
      }
      if (typeof data !== 'object' || data === null || data.n !== n) {
        throw new ValidationError({
          path: ['data', 'n'],
          message: `expected the ${n} trial rows the embeddings belong to, got ${describe(data?.n)}`,
        });
      }
      selection = await selectK(x, n, dim, data, p, this.options.scoreK, engine);
      k = selection.selected;
    } else {
      k = p.k;
    }
    if (k > n) throw new ValidationError({ path: ['k'], message: `expected k <= ${n} rows, got ${k}` });
    const run = runKMeans(x, n, dim, k, p, engine, new RNG(p.seed).child('final'));
    this.params = p;
    this.fitted = {
      k,
      dim,
      centroids: run.centroids,
      standardizer,
      inertia: run.inertia,
      iterations: run.iterations,
      converged: run.converged,
      algorithm: run.algorithm,
      ...(selection !== undefined ? { selection } : {}),
    };
    return this;
  }

  /** Number of groups. */
  get k(): number {
    return this.need('k').state.k;
  }

  /** The `k x dim` centroids in the embedding space (standardization undone). */
  get centroids(): Matrix {
    const { state } = this.need('centroids');
    const out = state.centroids.slice();
    const s = state.standardizer;
    if (s !== null) {
      for (let o = 0; o < out.length; o += state.dim) {
        for (let t = 0; t < state.dim; t++) {
          out[o + t] = (out[o + t] as number) * (s.std[t] as number) + (s.mean[t] as number);
        }
      }
    }
    return { data: out, rows: state.k, cols: state.dim };
  }

  /** The record of the automatic choice of K, if any. */
  get selection(): KSelection | undefined {
    return this.need('selection').state.selection;
  }

  /** Fitted state (read-only). */
  get state(): ClustererState {
    return this.need('state').state;
  }

  /** The nearest centroid of each row of `embeddings` (`dim` columns as in fit). */
  predict(embeddings: Matrix): Int32Array {
    const { state, params } = this.need('predict');
    const { n, x } = this.space(embeddings, state);
    const labels = new Int32Array(n);
    const best = new Float64Array(n);
    const second = new Float64Array(n);
    distanceEngine(params.engine).nearestMany(
      x,
      state.dim,
      null,
      n,
      rowNorms(x, n, state.dim),
      state.centroids,
      rowNorms(state.centroids, state.k, state.dim),
      state.k,
      labels,
      best,
      second,
    );
    return labels;
  }

  /**
   * Squared distances of each row of `embeddings` to each centroid in the clustering space: an `n x k` matrix (for
   * soft labels), on the WebAssembly kernels (float32 sums) with the `auto` and `wasm` engines where they are
   * available, else in TypeScript (float64 sums).
   */
  sqDistances(embeddings: Matrix): Matrix {
    const { state, params } = this.need('sqDistances');
    const { n, x } = this.space(embeddings, state);
    const useWasm = params.engine === 'wasm' || (params.engine === 'auto' && wasmKernelsEnabled());
    const data =
      (useWasm ? wasmSqDistances(x, n, state.dim, state.centroids, state.k) : null) ??
      allSqDistances(x, n, state.dim, state.centroids, state.k);
    return { data, rows: n, cols: state.k };
  }

  /** Checks `embeddings` against the fitted width and maps them to the clustering space (standardized or not). */
  private space(embeddings: Matrix, state: ClustererState): { n: number; x: Float32Array } {
    const n = checkMatrix(embeddings, 'embeddings', { cols: state.dim, minRows: 1 });
    const x = state.standardizer !== null ? applyStandardizer(state.standardizer, embeddings.data) : embeddings.data;
    return { n, x };
  }

  /** The versioned JSON form. The scorer function is not serialized. */
  toJSON(): HiddenClustererJSON {
    const { state, params } = this.need('toJSON');
    return { kind: KIND, formatVersion: 1, params, state: { ...state, centroids: Array.from(state.centroids) } };
  }

  /** Rebuilds a fitted clusterer; throws {@link SerializationError} when malformed. */
  static fromJSON(json: unknown): HiddenClusterer {
    readEnvelope(json, KIND, 1, clustererSchema);
    const j = json as HiddenClustererJSON;
    let params: ClustererParams;
    try {
      params = resolveClustererOptions(j.params ?? {});
    } catch (e) {
      throw new SerializationError(`${KIND}.params: ${(e as Error).message}`, { cause: e });
    }
    const s = j.state;
    const standardizer =
      s.standardizer === null ? null : checkStandardizer(s.standardizer, s.dim, `${KIND}.state.standardizer`);
    const out = new HiddenClusterer(j.params);
    out.params = params;
    out.fitted = {
      ...s,
      standardizer,
      centroids: Float32Array.from(s.centroids),
      algorithm: s.algorithm === 'minibatch' ? 'minibatch' : 'lloyd',
    };
    return out;
  }

  private need(method: string): { state: ClustererState; params: ClustererParams } {
    if (this.fitted === undefined || this.params === undefined) throw new NotFittedError(KIND, method);
    return { state: this.fitted, params: this.params };
  }
}
