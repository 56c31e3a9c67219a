import { type Budget, budgetTotal } from '../core/types.js';
import { checkBudget } from '../core/validate.js';
import type { TrialTruth } from '../sim/simulator.js';
import { type TrueValue, trueValue } from '../sim/truth.js';
import { assignAtBudget, type MCKPPath, mckpPath } from '../solver/mckp.js';

/** How an assignment fares against the simulator's ground truth and the oracle. */
export interface TruthMetrics {
  /** The budget per user. */
  readonly budget: number;
  /** True value of the assignment. */
  readonly value: TrueValue;
  /** True value of the oracle's assignment at the same budget. */
  readonly oracle: TrueValue;
  /** Incremental response over the oracle's at the same budget. */
  readonly oracleRatio: number;
  /**
   * Incremental response over the oracle's at the spend the assignment really had (the larger of the budget and its
   * true cost): a method that overspends is compared with an oracle that may spend as much. "Value at matched spend".
   */
  readonly oracleRatioMatched: number;
  /** True cost per user over the budget per user (1 = exactly on budget). */
  readonly spendRatio: number;
  /** Realized overspend: max(0, spendRatio - 1). */
  readonly overspend: number;
}

const paths = new WeakMap<TrialTruth, MCKPPath>();

/** The oracle's knapsack path on a truth, computed once per truth object. */
function oraclePath(truth: TrialTruth): MCKPPath {
  let p = paths.get(truth);
  if (p === undefined) {
    p = mckpPath(truth.response, truth.cost, truth.n, truth.m);
    paths.set(truth, p);
  }
  return p;
}

/**
 * Scores an assignment of the simulator's test users against the ground truth: its true value, its ratio to the
 * oracle's value at the same budget and at matched spend, and its realized overspend.
 *
 * @example
 * ```ts
 * const { test, truth } = simulateCouponTrial({ seed: 1 });
 * const arms = await allocator.assign(test.features, { perUser: 0.5 });
 * const t = truthMetrics(truth, arms, { perUser: 0.5 }); // t.oracleRatio, t.overspend
 * ```
 */
export function truthMetrics(truth: TrialTruth, assignment: Int32Array, budget: Budget | number): TruthMetrics {
  const b = typeof budget === 'number' ? checkBudget({ perUser: budget }) : checkBudget(budget);
  const perUser = budgetTotal(b, truth.n) / truth.n;
  const value = trueValue(truth, assignment);
  const path = oraclePath(truth);
  const oracle = trueValue(truth, assignAtBudget(path, perUser * truth.n));
  const matchedSpend = Math.max(perUser, value.cost);
  const oracleMatched = trueValue(truth, assignAtBudget(path, matchedSpend * truth.n));
  const spendRatio = perUser > 0 ? value.cost / perUser : value.cost > 0 ? Number.POSITIVE_INFINITY : 1;
  return {
    budget: perUser,
    value,
    oracle,
    oracleRatio: ratio(value.incrementalResponse, oracle.incrementalResponse),
    oracleRatioMatched: ratio(value.incrementalResponse, oracleMatched.incrementalResponse),
    spendRatio,
    overspend: Math.max(0, spendRatio - 1),
  };
}

function ratio(a: number, b: number): number {
  return b > 0 ? a / b : Number.NaN;
}
