import { checkOptionKeys } from '../core/validate.js';
import type { RCTDataset } from '../data/dataset.js';
import {
  checkBinaryResponse,
  cumulateByScore,
  defaultRankingOptions,
  RANKING_OPTION_KEYS,
  type RankingOptions,
  type RankingPoint,
  thin,
} from './ranking.js';
import { trapezoid } from './stats.js';

/** What {@link upliftAUC} returns. */
export interface UpliftAUCResult {
  /**
   * Area under the uplift curve normalized by the perfect curve: (area - random area) / (perfect area - random
   * area), as scikit-uplift's `uplift_auc_score`. 0 = random, 1 = perfect; NaN when the perfect curve has no area
   * above the random line.
   */
  readonly score: number;
  /** Area between the uplift curve and the random line, per user squared (x and y both divided by n). */
  readonly area: number;
  /** The uplift curve: x = fraction targeted, y = (treated rate - control rate among them) x their count / n. */
  readonly curve: readonly RankingPoint[];
}

/**
 * The normalized area under the uplift curve, exactly as scikit-uplift's `uplift_auc_score` (with `uplift_curve`
 * and `perfect_uplift_curve`, scikit-uplift 0.5), for two-arm randomized data with a binary (0/1) response.
 *
 * Users are ranked by `scores` (predicted uplift), highest first. At the top k, U(k) = (Y_T(k) / N_T(k) - Y_C(k) /
 * N_C(k)) k, where a rate whose arm has no row yet counts as 0. Tied scores enter together (one point per distinct
 * score). The perfect curve ranks by 2 [y = t] + s with s = y when control responders outnumber treated
 * non-responders, else s = t (treated responders first, then control non-responders, then the remaining two groups
 * in the order that helps most); the random line runs from (0, 0) to (1, U(n) / n). Both areas are trapezoids.
 *
 * @example
 * ```ts
 * const { score } = upliftAUC(predictedUplift, test); // 0 = random, 1 = perfect
 * ```
 */
export function upliftAUC(scores: ArrayLike<number>, test: RCTDataset, options: RankingOptions = {}): UpliftAUCResult {
  checkOptionKeys(options, RANKING_OPTION_KEYS);
  const model = upliftPoints(cumulateByScore(scores, test, options));
  const arm = options.arm ?? defaultRankingOptions.arm;
  checkBinaryResponse(test, arm, 'upliftAUC');
  let controlResponders = 0;
  let treatedNonResponders = 0;
  for (let i = 0; i < test.n; i++) {
    const t = test.treatment[i];
    const y = test.response[i];
    if (t === 0 && y === 1) controlResponders++;
    else if (t === arm && y === 0) treatedNonResponders++;
  }
  const byResponse = controlResponders > treatedNonResponders;
  const perfectScores = new Float64Array(test.n);
  for (let i = 0; i < test.n; i++) {
    const t = test.treatment[i] === arm ? 1 : 0;
    const y = test.response[i] as number;
    perfectScores[i] = 2 * (y === t ? 1 : 0) + (byResponse ? y : t);
  }
  const perfect = upliftPoints(cumulateByScore(perfectScores, test, options));
  const areaOf = (pts: RankingPoint[]) =>
    trapezoid(
      pts.map((p) => p.x),
      pts.map((p) => p.y),
    );
  const last = model[model.length - 1] as RankingPoint;
  const random = 0.5 * last.y; // the straight line from (0, 0) to (1, U(n) / n)
  const a = areaOf(model) - random;
  const ap = areaOf(perfect) - random;
  return {
    score: ap === 0 ? Number.NaN : a / ap,
    area: a,
    curve: thin(model, options.points ?? defaultRankingOptions.points),
  };
}

function upliftPoints(cum: ReturnType<typeof cumulateByScore>): RankingPoint[] {
  const pts: RankingPoint[] = [{ fraction: 0, x: 0, y: 0 }];
  const n = Math.max(1, cum.n);
  for (let q = 0; q < cum.nT.length; q++) {
    const nT = cum.nT[q] as number;
    const nC = cum.nC[q] as number;
    const rateT = nT === 0 ? 0 : (cum.yT[q] as number) / nT;
    const rateC = nC === 0 ? 0 : (cum.yC[q] as number) / nC;
    const f = (nT + nC) / n;
    pts.push({ fraction: f, x: f, y: ((rateT - rateC) * (nT + nC)) / n });
  }
  return pts;
}
