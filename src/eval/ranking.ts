import { ValidationError } from '../core/errors.js';
import { checkNumber, describe } from '../core/validate.js';
import type { RctDataset } from '../data/dataset.js';
import { trapezoid } from './stats.js';

/** Options of {@link aucc} and {@link qini}. All optional. */
export interface RankingOptions {
  /**
   * The treatment arm compared with control (arm 0); rows in other arms are ignored. Required when the data has
   * more than two arms. @default 1
   */
  arm?: number;
  /** At most this many points are returned for plotting (the area always uses every distinct score). @default 101 */
  points?: number;
}

export const defaultRankingOptions = { arm: 1, points: 101 } satisfies Required<RankingOptions>;

/** One point of a ranking curve: the top `fraction` of users by score. */
export interface RankingPoint {
  readonly fraction: number;
  readonly x: number;
  readonly y: number;
}

/** Cumulative arm totals at each distinct score, from the highest score down (ties enter together). */
interface Cumulative {
  readonly n: number;
  readonly nT: Float64Array;
  readonly nC: Float64Array;
  readonly yT: Float64Array;
  readonly yC: Float64Array;
  readonly cT: Float64Array;
  readonly cC: Float64Array;
}

/** Validates the scores and the arm and accumulates arm totals by decreasing score over the two compared arms. */
export function cumulateByScore(
  scores: ArrayLike<number>,
  test: RctDataset,
  options: RankingOptions,
  response?: ArrayLike<number>,
): Cumulative {
  const m = test.treatmentNames.length;
  if (options.arm === undefined && m > 2) {
    throw new ValidationError({
      path: ['arm'],
      message: `the data has ${m} arms; say which treatment arm (1..${m - 1}) to compare with control`,
    });
  }
  const arm = checkNumber('arm', options.arm ?? defaultRankingOptions.arm, { min: 1, max: m - 1, integer: true });
  if (scores === null || typeof scores !== 'object' || typeof (scores as ArrayLike<number>).length !== 'number') {
    throw new ValidationError({
      path: ['scores'],
      message: `expected an array of ${test.n} numbers, got ${describe(scores)}`,
    });
  }
  if (scores.length !== test.n) {
    throw new ValidationError({
      path: ['scores'],
      message: `expected ${test.n} scores (one per test row), got ${scores.length}`,
    });
  }
  const rows: number[] = [];
  for (let i = 0; i < test.n; i++) {
    const t = test.treatment[i];
    if (t !== 0 && t !== arm) continue;
    const s = scores[i] as number;
    if (!Number.isFinite(s))
      throw new ValidationError({ path: ['scores', i], message: `expected a finite number, got ${s}` });
    rows.push(i);
  }
  rows.sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
  const y = response ?? test.response;
  const groups: number[] = [];
  for (let r = 1; r <= rows.length; r++) {
    if (r === rows.length || scores[rows[r] as number] !== scores[rows[r - 1] as number]) groups.push(r);
  }
  const g = groups.length;
  const out = {
    n: rows.length,
    nT: new Float64Array(g),
    nC: new Float64Array(g),
    yT: new Float64Array(g),
    yC: new Float64Array(g),
    cT: new Float64Array(g),
    cC: new Float64Array(g),
  };
  let nT = 0;
  let nC = 0;
  let yT = 0;
  let yC = 0;
  let cT = 0;
  let cC = 0;
  let r = 0;
  for (let q = 0; q < g; q++) {
    const end = groups[q] as number;
    for (; r < end; r++) {
      const i = rows[r] as number;
      if (test.treatment[i] === 0) {
        nC++;
        yC += y[i] as number;
        cC += test.cost[i] as number;
      } else {
        nT++;
        yT += y[i] as number;
        cT += test.cost[i] as number;
      }
    }
    out.nT[q] = nT;
    out.nC[q] = nC;
    out.yT[q] = yT;
    out.yC[q] = yC;
    out.cT[q] = cT;
    out.cC[q] = cC;
  }
  return out;
}

/** Keeps at most `k` evenly spaced points (always the first and last). */
export function thin(points: RankingPoint[], k: number): RankingPoint[] {
  if (points.length <= k) return points;
  const out: RankingPoint[] = [];
  for (let q = 0; q < k; q++) out.push(points[Math.round((q * (points.length - 1)) / (k - 1))] as RankingPoint);
  return out;
}

/** What {@link aucc} returns. */
export interface AuccResult {
  /** Area under the normalized cost curve: about 0.5 for a random ranking, higher is better, at most about 1. */
  readonly area: number;
  /** The normalized curve from (0, 0) to (1, 1): x = share of incremental cost, y = share of incremental response. */
  readonly curve: readonly RankingPoint[];
  /** Incremental response and cost of treating everyone (the normalizers), per user of the compared arms. */
  readonly totalIncrementalResponse: number;
  readonly totalIncrementalCost: number;
}

/**
 * Area under the cost curve (AUCC; Du, Lee and Ghaffarizadeh 2019, as used by DHCL and DFCL, Zhou et al. 2023/2024)
 * for two-arm randomized data. Users are ranked by `scores` (predicted ROI: incremental response per incremental
 * cost), highest first. For the top k users, the incremental response and cost of treating them are estimated as
 * (treated mean - control mean) x k among them; both are divided by their values at k = all, so the curve runs from
 * (0, 0) to (1, 1) and a random ranking follows the diagonal (area 0.5). Tied scores enter together. The result is
 * NaN when treating everyone has no positive incremental response or cost.
 *
 * @example
 * ```ts
 * const { area } = aucc(predictedRoi, test); // 0.5 = random, higher = better targeting
 * ```
 */
export function aucc(scores: ArrayLike<number>, test: RctDataset, options: RankingOptions = {}): AuccResult {
  const cum = cumulateByScore(scores, test, options);
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
    curve: thin(points, options.points ?? defaultRankingOptions.points),
    totalIncrementalResponse: totR / Math.max(1, cum.n),
    totalIncrementalCost: totC / Math.max(1, cum.n),
  };
}
