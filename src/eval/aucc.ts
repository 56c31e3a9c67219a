import { checkNumber, checkOneOf, checkOptionKeys } from '../core/validate.js';
import type { RCTDataset } from '../data/dataset.js';
import {
  cumulateByScore,
  defaultRankingOptions,
  RANKING_OPTION_KEYS,
  type RankingOptions,
  type RankingPoint,
  thin,
} from './ranking.js';
import { trapezoid } from './stats.js';

/**
 * Which definition of the area under the cost curve {@link aucc} computes.
 * - `'library'`: every distinct score is a point; the incremental response and cost of the top k are
 *   (treated mean - control mean among them) x k; trapezoid area under the curve normalized to end at (1, 1).
 * - `'dfcl'`: DFCL's (Zhou et al., KDD 2024, `get_uplift_model_aucc` in their public code): the incremental response
 *   and cost of the top k are (treated sum among them / all treated) - (control sum among them / all control); the
 *   curve is sampled where the incremental cost first reaches each of 1/Q, ..., (Q-1)/Q of its total, and at the end;
 *   the area is the sum of the sampled incremental responses (with the origin) divided by dR x (Q + 1).
 */
export type AUCCDefinition = 'library' | 'dfcl';

/** Options of {@link aucc}. All optional. */
export interface AUCCOptions extends RankingOptions {
  /** The definition of the area, see {@link AUCCDefinition}. @default 'library' */
  definition?: AUCCDefinition;
  /** Number of cost quantiles Q of the `'dfcl'` definition (DFCL's `quantile` argument); unused otherwise. @default 20 */
  quantiles?: number;
}

export const defaultAUCCOptions = {
  ...defaultRankingOptions,
  definition: 'library' as AUCCDefinition,
  quantiles: 20,
} satisfies Required<AUCCOptions>;

/** What {@link aucc} returns. */
export interface AUCCResult {
  /** Area under the normalized cost curve: about 0.5 for a random ranking, higher is better, at most about 1. */
  readonly area: number;
  readonly definition: AUCCDefinition;
  /**
   * The normalized curve from (0, 0) to (1, 1): x = share of incremental cost, y = share of incremental response.
   * Under `'dfcl'`, the sampled points only (at most Q + 1).
   */
  readonly curve: readonly RankingPoint[];
  /** Incremental response and cost of treating everyone (the normalizers), per user of the compared arms. */
  readonly totalIncrementalResponse: number;
  readonly totalIncrementalCost: number;
}

/**
 * Area under the cost curve (AUCC; Du, Lee and Ghaffarizadeh 2019, as used by DHCL and DFCL, Zhou et al. 2023/2024)
 * for two-arm randomized data. Users are ranked by `scores` (predicted ROI: incremental response per incremental
 * cost), highest first.
 *
 * Under the default `'library'` definition, for the top k users the incremental response and cost of treating them
 * are estimated as (treated mean - control mean among them) x k; both are divided by their values at k = all, so the
 * curve runs from (0, 0) to (1, 1) and a random ranking follows the diagonal (area 0.5). Tied scores enter together.
 *
 * Under `definition: 'dfcl'` the figure is DFCL's (see {@link AUCCDefinition}), comparable with the tables of the
 * DFCL paper; a random ranking also scores about 0.5. Within a block of tied scores (DFCL's code leaves their order to
 * the sort), rows are taken to enter in random order: the curve inside the block is the straight line between its
 * ends, walked one row at a time, so the result does not depend on row order.
 *
 * Either way the result is NaN when treating everyone has no positive incremental response or cost.
 *
 * @example
 * ```ts
 * const { area } = aucc(predictedRoi, test); // 0.5 = random, higher = better targeting
 * const dfcl = aucc(predictedRoi, test, { definition: 'dfcl' }); // DFCL's figure, 20 cost quantiles
 * ```
 */
export function aucc(scores: ArrayLike<number>, test: RCTDataset, options: AUCCOptions = {}): AUCCResult {
  checkOptionKeys(options, [...RANKING_OPTION_KEYS, 'definition', 'quantiles']);
  const definition = checkOneOf('definition', options.definition ?? defaultAUCCOptions.definition, [
    'library',
    'dfcl',
  ] as const);
  const quantiles = checkNumber('quantiles', options.quantiles ?? defaultAUCCOptions.quantiles, {
    min: 1,
    integer: true,
  });
  const cum = cumulateByScore(scores, test, options);
  const points = options.points ?? defaultRankingOptions.points;
  return definition === 'dfcl' ? dfclAUCC(cum, quantiles, points) : libraryAUCC(cum, points);
}

type Cumulative = ReturnType<typeof cumulateByScore>;

function libraryAUCC(cum: Cumulative, maxPoints: number): AUCCResult {
  const g = cum.nT.length;
  const inc = (q: number, tSum: Float64Array, cSum: Float64Array): number => {
    const nT = cum.nT[q] as number;
    const nC = cum.nC[q] as number;
    if (nT === 0 || nC === 0) return 0;
    return ((tSum[q] as number) / nT - (cSum[q] as number) / nC) * (nT + nC);
  };
  const totR = g > 0 ? inc(g - 1, cum.yT, cum.yC) : 0;
  const totC = g > 0 ? inc(g - 1, cum.cT, cum.cC) : 0;
  const ok = totR > 0 && totC > 0;
  const points: RankingPoint[] = [{ fraction: 0, x: 0, y: 0 }];
  for (let q = 0; q < g; q++) {
    const k = (cum.nT[q] as number) + (cum.nC[q] as number);
    points.push({
      fraction: k / cum.n,
      x: ok ? inc(q, cum.cT, cum.cC) / totC : Number.NaN,
      y: ok ? inc(q, cum.yT, cum.yC) / totR : Number.NaN,
    });
  }
  const area = ok
    ? trapezoid(
        points.map((p) => p.x),
        points.map((p) => p.y),
      )
    : Number.NaN;
  return {
    area,
    definition: 'library',
    curve: thin(points, maxPoints),
    totalIncrementalResponse: totR / Math.max(1, cum.n),
    totalIncrementalCost: totC / Math.max(1, cum.n),
  };
}

function dfclAUCC(cum: Cumulative, q: number, maxPoints: number): AUCCResult {
  const g = cum.nT.length;
  const nT = g > 0 ? (cum.nT[g - 1] as number) : 0;
  const nC = g > 0 ? (cum.nC[g - 1] as number) : 0;
  // Incremental response and cost of the top rows, each arm's sum over that arm's total count.
  const dR = (b: number) => (cum.yT[b] as number) / nT - (cum.yC[b] as number) / nC;
  const dC = (b: number) => (cum.cT[b] as number) / nT - (cum.cC[b] as number) / nC;
  const totR = nT > 0 && nC > 0 ? dR(g - 1) : Number.NaN;
  const totC = nT > 0 && nC > 0 ? dC(g - 1) : Number.NaN;
  if (!(totR > 0 && totC > 0)) {
    return {
      area: Number.NaN,
      definition: 'dfcl',
      curve: [{ fraction: 0, x: 0, y: 0 }],
      totalIncrementalResponse: totR,
      totalIncrementalCost: totC,
    };
  }
  const step = totC / q;
  const points: RankingPoint[] = [{ fraction: 0, x: 0, y: 0 }];
  let sum = 0;
  let j = 1;
  let k0 = 0;
  let c0 = 0;
  let r0 = 0;
  for (let b = 0; b < g; b++) {
    const k1 = (cum.nT[b] as number) + (cum.nC[b] as number);
    const c1 = dC(b);
    const r1 = dR(b);
    const size = k1 - k0;
    // One row at a time; inside a tied block the rows move along the straight line between the block's ends.
    for (let v = 1; v <= size; v++) {
      const last = k0 + v === cum.n;
      const c = v === size ? c1 : c0 + ((c1 - c0) * v) / size;
      if (last || (j < q && c >= step * j)) {
        const r = v === size ? r1 : r0 + ((r1 - r0) * v) / size;
        sum += r;
        points.push({ fraction: (k0 + v) / cum.n, x: c / totC, y: r / totR });
        j++;
      }
    }
    k0 = k1;
    c0 = c1;
    r0 = r1;
  }
  return {
    area: sum / (totR * (q + 1)),
    definition: 'dfcl',
    curve: thin(points, maxPoints),
    totalIncrementalResponse: totR,
    totalIncrementalCost: totC,
  };
}
