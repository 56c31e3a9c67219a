import { ValidationError } from '../core/errors.js';
import { matrix } from '../core/matrix.js';
import { deriveSeed, RNG } from '../core/rng.js';
import type { Matrix } from '../core/types.js';
import { type RCTDataset, subsetRows } from '../data/dataset.js';
import type { RepresentationNetOptions } from '../representation/options.js';
import { RepresentationNet } from '../representation/representation.js';

/** Out-of-fold per-arm predictions of a cross-fitted set of representation networks. */
export interface CrossFit {
  /** One network per fold, each trained on the other folds' rows. */
  readonly nets: readonly RepresentationNet[];
  /** The fold of each training row (0..folds-1). */
  readonly fold: Int32Array;
  /** Each row's per-arm expected response by the network that did not see it (row-major `n x m`). */
  readonly response: Float32Array;
  /** Each row's per-arm expected cost by the network that did not see it (row-major `n x m`). */
  readonly cost: Float32Array;
}

/**
 * Folds stratified by arm: within each arm the rows are shuffled (seeded) and dealt to the folds in turn, so every
 * fold holds about the same share of every arm.
 */
export function stratifiedFolds(treatment: Int32Array, m: number, folds: number, seed: number): Int32Array {
  if (!Number.isInteger(folds) || folds < 2) {
    throw new ValidationError({ path: ['crossFit'], message: `expected an integer >= 2 folds, got ${folds}` });
  }
  const rng = new RNG(seed);
  const byArm: number[][] = Array.from({ length: m }, () => []);
  for (let i = 0; i < treatment.length; i++) byArm[treatment[i] as number]?.push(i);
  const fold = new Int32Array(treatment.length);
  for (const rows of byArm) {
    const arr = rng.shuffle(Int32Array.from(rows));
    for (let r = 0; r < arr.length; r++) fold[arr[r] as number] = r % folds;
  }
  return fold;
}

/**
 * Trains one {@link RepresentationNet} per fold on the rows of the other folds and predicts the held-out fold, so
 * every training row gets per-arm predictions from a network that never saw its outcome. Groups formed on these
 * predictions are independent of each row's own outcome, which keeps the group-level uplift estimates honest
 * (no winner's curse from forming and measuring groups on the same labels).
 */
export async function crossFitNets(
  train: RCTDataset,
  folds: number,
  options: RepresentationNetOptions,
  seed: number,
  onFold?: (fold: number) => void,
): Promise<CrossFit> {
  const m = train.treatmentNames.length;
  const fold = stratifiedFolds(train.treatment, m, folds, deriveSeed(seed, 'crossfit/folds'));
  const response = new Float32Array(train.n * m);
  const cost = new Float32Array(train.n * m);
  const nets: RepresentationNet[] = [];
  try {
    for (let f = 0; f < folds; f++) {
      onFold?.(f);
      const inRows: number[] = [];
      const outRows: number[] = [];
      for (let i = 0; i < train.n; i++) (fold[i] === f ? outRows : inRows).push(i);
      const net = new RepresentationNet({ ...options, seed: deriveSeed(seed, `crossfit/net${f}`) });
      nets.push(net);
      await net.fit(subsetRows(train, inRows));
      const held = subsetRows(train, outRows);
      const p = net.predict(matrix(held.features, held.d, 'features'));
      for (let r = 0; r < outRows.length; r++) {
        const i = outRows[r] as number;
        response.set(p.response.subarray(r * m, r * m + m), i * m);
        cost.set(p.cost.subarray(r * m, r * m + m), i * m);
      }
    }
  } catch (e) {
    for (const n of nets) n.dispose();
    throw e;
  }
  return { nets, fold, response, cost };
}

/** The mean of the fold networks' per-arm predictions for new rows (the teacher of users outside the trial). */
export function ensemblePredict(
  nets: readonly RepresentationNet[],
  features: Matrix,
): { response: Float32Array; cost: Float32Array } {
  let response: Float32Array | undefined;
  let cost: Float32Array | undefined;
  for (const net of nets) {
    const p = net.predict(features);
    if (response === undefined || cost === undefined) {
      response = Float32Array.from(p.response);
      cost = Float32Array.from(p.cost);
    } else {
      for (let i = 0; i < response.length; i++) response[i] = (response[i] as number) + (p.response[i] as number);
      for (let i = 0; i < cost.length; i++) cost[i] = (cost[i] as number) + (p.cost[i] as number);
    }
  }
  if (response === undefined || cost === undefined)
    throw new ValidationError({ path: ['nets'], message: 'expected at least one network' });
  const s = 1 / nets.length;
  for (let i = 0; i < response.length; i++) response[i] = (response[i] as number) * s;
  for (let i = 0; i < cost.length; i++) cost[i] = (cost[i] as number) * s;
  return { response, cost };
}

/**
 * The uplift space the groups are formed in: for every arm j >= 1, the predicted response uplift over control and,
 * unless cost is fixed per arm in the trial, the predicted cost uplift: an `n x (m - 1)` matrix, `n x 2(m - 1)`
 * with costs. The clusterer standardizes the columns.
 */
export function upliftSpace(
  pred: { response: Float32Array; cost: Float32Array },
  m: number,
  withCost: boolean,
): Matrix {
  const n = pred.response.length / m;
  const dim = (m - 1) * (withCost ? 2 : 1);
  const x = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const r0 = pred.response[i * m] as number;
    const c0 = pred.cost[i * m] as number;
    let o = i * dim;
    for (let j = 1; j < m; j++) {
      x[o++] = (pred.response[i * m + j] as number) - r0;
      if (withCost) x[o++] = (pred.cost[i * m + j] as number) - c0;
    }
  }
  return { data: x, rows: n, cols: dim };
}

/** Whether the trial's cost varies within some arm (if not, arm costs are fixed and carry no per-user signal). */
export function costVariesWithinArms(data: RCTDataset): boolean {
  const m = data.treatmentNames.length;
  const first = new Float64Array(m).fill(Number.NaN);
  for (let i = 0; i < data.n; i++) {
    const t = data.treatment[i] as number;
    const c = data.cost[i] as number;
    if (Number.isNaN(first[t] as number)) first[t] = c;
    else if (c !== first[t]) return true;
  }
  return false;
}
