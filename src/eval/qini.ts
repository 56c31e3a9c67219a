import type { RctDataset } from '../data/dataset.js';
import { cumulateByScore, defaultRankingOptions, type RankingOptions, type RankingPoint, thin } from './ranking.js';
import { trapezoid } from './stats.js';

/** What {@link qini} returns. */
export interface QiniResult {
  /**
   * Qini coefficient normalized by the perfect ranking: (area - random area) / (perfect area - random area), as
   * scikit-uplift's `qini_auc_score`. 0 = random, 1 = perfect, negative = worse than random.
   */
  readonly coefficient: number;
  /** Area between the Qini curve and the random line, per user squared (x and y both divided by n). */
  readonly area: number;
  /** The Qini curve: x = fraction targeted, y = incremental responses among them per user of the compared arms. */
  readonly curve: readonly RankingPoint[];
}

/**
 * The Qini curve and coefficient (Radcliffe 2007) for two-arm randomized data. Users are ranked by `scores`
 * (predicted uplift), highest first; at the top k, Q(k) = Y_T(k) - Y_C(k) N_T(k) / N_C(k), the treated responses
 * minus the control responses scaled to the treated count. Tied scores enter together. The perfect curve ranks by
 * y (treated) and -y (control), which also covers continuous responses and negative effects.
 *
 * @example
 * ```ts
 * const { coefficient } = qini(predictedUplift, test);
 * ```
 */
export function qini(scores: ArrayLike<number>, test: RctDataset, options: RankingOptions = {}): QiniResult {
  const model = qiniPoints(cumulateByScore(scores, test, options));
  const arm = options.arm ?? defaultRankingOptions.arm;
  const perfectScores = new Float64Array(test.n);
  for (let i = 0; i < test.n; i++) {
    const y = test.response[i] as number;
    perfectScores[i] = test.treatment[i] === arm ? y : -y;
  }
  const perfect = qiniPoints(cumulateByScore(perfectScores, test, options));
  const areaOf = (pts: RankingPoint[]) =>
    trapezoid(
      pts.map((p) => p.x),
      pts.map((p) => p.y),
    );
  const last = model[model.length - 1] as RankingPoint;
  const random = 0.5 * last.y; // the straight line from (0, 0) to (1, Q(n))
  const a = areaOf(model) - random;
  const ap = areaOf(perfect) - random;
  return {
    coefficient: ap === 0 ? Number.NaN : a / ap,
    area: a,
    curve: thin(model, options.points ?? defaultRankingOptions.points),
  };
}

function qiniPoints(cum: ReturnType<typeof cumulateByScore>): RankingPoint[] {
  const pts: RankingPoint[] = [{ fraction: 0, x: 0, y: 0 }];
  const n = Math.max(1, cum.n);
  for (let q = 0; q < cum.nT.length; q++) {
    const nT = cum.nT[q] as number;
    const nC = cum.nC[q] as number;
    // Before the first control row, the control term is taken as 0 (as scikit-uplift does).
    const v = (cum.yT[q] as number) - (nC === 0 ? 0 : ((cum.yC[q] as number) * nT) / nC);
    const f = (nT + nC) / n;
    pts.push({ fraction: f, x: f, y: v / n });
  }
  return pts;
}
