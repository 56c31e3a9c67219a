import { ValidationError } from '../core/errors.js';
import { type Budget, budgetTotal } from '../core/types.js';
import { checkBudget } from '../core/validate.js';
import { assignAtBudget, mckpPath } from '../solver/mckp.js';
import type { TrialTruth } from './simulator.js';

/** The true value of an assignment, per user and in total. */
export interface TrueValue {
  /** Mean expected response per user under the assignment. */
  readonly response: number;
  /** Mean expected cost per user. */
  readonly cost: number;
  /** Mean expected response per user over giving everyone control. */
  readonly incrementalResponse: number;
  /** Mean expected cost per user over giving everyone control. */
  readonly incrementalCost: number;
  /** Total expected response and cost over all users. */
  readonly totalResponse: number;
  readonly totalCost: number;
}

/**
 * The best possible assignment by the true effects at a budget: the per-user multiple-choice knapsack solved on
 * the truth (its LP path, rounded down to the last upgrade that fits, so within one user's upgrade of the integer
 * optimum and never over budget).
 */
export function oracleAssign(truth: TrialTruth, budget: Budget): Int32Array {
  const b = budgetTotal(checkBudget(budget), truth.n);
  return assignAtBudget(mckpPath(truth.response, truth.cost, truth.n, truth.m), b);
}

/** The true expected response and cost of an assignment (one arm index per test user). */
export function trueValue(truth: TrialTruth, assignment: Int32Array): TrueValue {
  const { n, m } = truth;
  if (!(assignment instanceof Int32Array) || assignment.length !== n) {
    throw new ValidationError({ path: ['assignment'], message: `expected an Int32Array of ${n} arm indices` });
  }
  let r = 0;
  let c = 0;
  let r0 = 0;
  let c0 = 0;
  for (let i = 0; i < n; i++) {
    const a = assignment[i] as number;
    if (!(a >= 0 && a < m))
      throw new ValidationError({ path: ['assignment', i], message: `expected an arm index in 0..${m - 1}, got ${a}` });
    r += truth.response[i * m + a] as number;
    c += truth.cost[i * m + a] as number;
    r0 += truth.response[i * m] as number;
    c0 += truth.cost[i * m] as number;
  }
  return {
    response: r / n,
    cost: c / n,
    incrementalResponse: (r - r0) / n,
    incrementalCost: (c - c0) / n,
    totalResponse: r,
    totalCost: c,
  };
}
