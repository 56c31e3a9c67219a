import { ValidationError } from '../core/errors.js';
import { checkOptionKeys, describe } from '../core/validate.js';
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

/** Options of {@link qini}. All optional. */
export interface QiniOptions extends RankingOptions {
  /**
   * scikit-uplift's `negative_effect` of `qini_auc_score`: whether the perfect curve, which normalizes the
   * coefficient, may gain from putting negative-effect users last. `true`: the perfect ranking puts treated
   * responders first and control responders last (any response type). `false`: the perfect curve rises with slope 1
   * to Q(n), the total incremental responses, and stays flat (binary 0/1 responses only, as scikit-uplift requires).
   * @default true
   */
  negativeEffect?: boolean;
}

export const defaultQiniOptions = { ...defaultRankingOptions, negativeEffect: true } satisfies Required<QiniOptions>;

/** What {@link qini} returns. */
export interface QiniResult {
  /**
   * Qini coefficient normalized by the perfect curve: (area - random area) / (perfect area - random area), as
   * scikit-uplift's `qini_auc_score` with the same `negative_effect`. 0 = random, 1 = perfect, negative = worse than
   * random; NaN when the perfect curve has no area above the random line.
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
 * y (treated) and -y (control), which also covers continuous responses and negative effects; with
 * `negativeEffect: false` it is scikit-uplift's curve without negative effects (see {@link QiniOptions}).
 *
 * @example
 * ```ts
 * const { coefficient } = qini(predictedUplift, test);
 * const noNegative = qini(predictedUplift, test, { negativeEffect: false }).coefficient; // qini_auc_score(..., False)
 * ```
 */
export function qini(scores: ArrayLike<number>, test: RCTDataset, options: QiniOptions = {}): QiniResult {
  checkOptionKeys(options, [...RANKING_OPTION_KEYS, 'negativeEffect']);
  const negativeEffect = options.negativeEffect ?? defaultQiniOptions.negativeEffect;
  if (typeof negativeEffect !== 'boolean') {
    throw new ValidationError({
      path: ['negativeEffect'],
      message: `expected true or false, got ${describe(negativeEffect)}`,
    });
  }
  const model = qiniPoints(cumulateByScore(scores, test, options));
  const arm = options.arm ?? defaultRankingOptions.arm;
  const last = model[model.length - 1] as RankingPoint;
  let perfect: RankingPoint[];
  if (negativeEffect) {
    const perfectScores = new Float64Array(test.n);
    for (let i = 0; i < test.n; i++) {
      const y = test.response[i] as number;
      perfectScores[i] = test.treatment[i] === arm ? y : -y;
    }
    perfect = qiniPoints(cumulateByScore(perfectScores, test, options));
  } else {
    checkBinaryResponse(test, arm, 'qini with negativeEffect: false');
    // Slope 1 (one incremental response per user targeted) up to Q(n), then flat. scikit-uplift's auc rejects the
    // non-monotone x of this curve when Q(n) < 0; that case gives NaN here.
    const top = last.y;
    perfect =
      top >= 0
        ? [
            { fraction: 0, x: 0, y: 0 },
            { fraction: top, x: top, y: top },
            { fraction: 1, x: 1, y: top },
          ]
        : [];
  }
  const areaOf = (pts: RankingPoint[]) =>
    trapezoid(
      pts.map((p) => p.x),
      pts.map((p) => p.y),
    );
  const random = 0.5 * last.y; // the straight line from (0, 0) to (1, Q(n))
  const a = areaOf(model) - random;
  const ap = perfect.length > 0 ? areaOf(perfect) - random : Number.NaN;
  return {
    coefficient: ap === 0 || Number.isNaN(ap) ? Number.NaN : a / ap,
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
