import { ValidationError } from '../core/errors.js';
import { checkNumber, describe } from '../core/validate.js';
import type { RCTDataset } from '../data/dataset.js';

/** Options shared by the ranking metrics ({@link aucc}, {@link qini}, {@link upliftAUC}). All optional. */
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
/** The keys of {@link RankingOptions} (unknown keys are a ValidationError). @internal */
export const RANKING_OPTION_KEYS: readonly string[] = Object.keys({ arm: 1, points: 1 } satisfies Record<
  keyof RankingOptions,
  1
>);

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
  test: RCTDataset,
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

/**
 * Throws a ValidationError unless every response of the compared arms (control and `arm`) is 0 or 1, as the
 * scikit-uplift metrics require (`check_is_binary`). `what` names the metric in the message.
 */
export function checkBinaryResponse(test: RCTDataset, arm: number, what: string): void {
  for (let i = 0; i < test.n; i++) {
    const t = test.treatment[i];
    if (t !== 0 && t !== arm) continue;
    const y = test.response[i] as number;
    if (y !== 0 && y !== 1) {
      throw new ValidationError({
        path: ['test', 'response', i],
        message: `${what} needs a binary (0/1) response, got ${y}`,
      });
    }
  }
}
