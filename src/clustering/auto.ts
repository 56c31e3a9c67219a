import { ValidationError } from '../core/errors.js';
import { RNG } from '../core/rng.js';
import { type RCTDataset, subsetRows } from '../data/dataset.js';
import { nearestTwo, rowNorms } from './distance.js';
import type { DistanceEngine } from './engine.js';
import type { ClustererParams, KScorer } from './options.js';
import { runKMeans } from './run.js';
import { defaultBudgets, ipwPlanScorer } from './score.js';

/** How one candidate K fared under `k: 'auto'`. */
export interface KCandidate {
  readonly k: number;
  /** Held-out score (NaN when the candidate was infeasible and not scored). */
  readonly score: number;
  readonly se: number;
  /** Smallest (group, arm) cell of the training part. */
  readonly minCell: number;
  /** Every (group, arm) cell had at least `minCellCount` rows. */
  readonly feasible: boolean;
}

/** The record of an automatic choice of K. */
export interface KSelection {
  readonly candidates: readonly KCandidate[];
  readonly selected: number;
  /** The feasible candidate with the best score. */
  readonly best: number | undefined;
  readonly rule: 'oneSE' | 'best' | 'fallback-smallest';
  readonly budgets: readonly number[];
}

/**
 * Chooses K: splits the rows (seeded) into a training and a validation part, clusters the training part for each
 * candidate, assigns the validation part, discards candidates with a (group, arm) cell below `minCellCount` rows,
 * scores the rest and applies the selection rule. When no candidate is feasible, the smallest is taken.
 */
export async function selectK(
  x: Float32Array,
  n: number,
  d: number,
  data: RCTDataset,
  params: ClustererParams,
  scorer: KScorer | undefined,
  engine: DistanceEngine,
): Promise<KSelection> {
  const m = data.treatmentNames.length;
  const rng = new RNG(new RNG(params.seed).child('auto/split'));
  const perm = rng.permutation(n);
  const nValid = Math.max(1, Math.floor(n * params.validationFraction));
  const validRows = perm.slice(0, nValid).sort();
  const trainRows = perm.slice(nValid).sort();
  const train = subsetRows(data, trainRows);
  const valid = subsetRows(data, validRows);
  const xt = gather(x, trainRows, d);
  const xv = gather(x, validRows, d);
  const budgets = params.budgets.length > 0 ? [...params.budgets] : defaultBudgets(train);
  const score = scorer ?? ipwPlanScorer;
  const ks = [...new Set(params.candidates)].sort((a, b) => a - b).filter((k) => k <= train.n);
  if (ks.length === 0) {
    throw new ValidationError({
      path: ['candidates'],
      message: `every candidate K exceeds the ${train.n} training rows of the selection split`,
    });
  }
  const candidates: KCandidate[] = [];
  for (const k of ks) {
    const run = runKMeans(xt, train.n, d, k, params, engine, new RNG(params.seed).child(`auto/k${k}`));
    const counts = new Int32Array(k * m);
    for (let i = 0; i < train.n; i++) {
      const c = (run.labels[i] as number) * m + (train.treatment[i] as number);
      counts[c] = (counts[c] as number) + 1;
    }
    let minCell = Number.POSITIVE_INFINITY;
    for (const c of counts) minCell = Math.min(minCell, c);
    const feasible = minCell >= params.minCellCount;
    if (!feasible) {
      candidates.push({ k, score: Number.NaN, se: Number.NaN, minCell, feasible });
      continue;
    }
    const validGroups = new Int32Array(valid.n);
    nearestTwo(
      xv,
      rowNorms(xv, valid.n, d),
      d,
      run.centroids,
      rowNorms(run.centroids, k, d),
      k,
      0,
      valid.n,
      validGroups,
      new Float64Array(valid.n),
      undefined,
    );
    const s = await score({ k, train, valid, trainGroups: run.labels, validGroups, budgets });
    candidates.push({ k, score: s.score, se: s.se, minCell, feasible });
  }
  const scored = candidates.filter((c) => c.feasible && Number.isFinite(c.score));
  if (scored.length === 0) {
    return { candidates, selected: ks[0] as number, best: undefined, rule: 'fallback-smallest', budgets };
  }
  const top = scored.reduce((a, b) => (b.score > a.score ? b : a));
  if (params.selection === 'best') return { candidates, selected: top.k, best: top.k, rule: 'best', budgets };
  const threshold = top.score - (Number.isFinite(top.se) ? top.se : 0);
  const chosen = scored.find((c) => c.score >= threshold) as KCandidate;
  return { candidates, selected: chosen.k, best: top.k, rule: 'oneSE', budgets };
}

function gather(x: Float32Array, rows: Int32Array, d: number): Float32Array {
  const out = new Float32Array(rows.length * d);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r] as number;
    out.set(x.subarray(i * d, i * d + d), r * d);
  }
  return out;
}
