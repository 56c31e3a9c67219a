import { ValidationError } from '../core/errors.js';
import { type Budget, budgetTotal } from '../core/types.js';
import { checkBudget, checkOptionKeys } from '../core/validate.js';
import type { RCTDataset } from '../data/dataset.js';
import { EVALUATE_OPTION_KEYS, type EvaluateOptions, evaluatePolicies } from './ipw.js';
import { type Interval, trapezoid } from './stats.js';

/** Assigns arms to the test rows at a budget (e.g. `(b) => allocator.assign(test.features, b)`). */
export type AssignAtBudget = (budget: Budget) => Int32Array | Promise<Int32Array>;

/** One point of a cost curve: the policy at one budget, by the expected outcome metric. */
export interface CostCurvePoint {
  /** The budget per user the policy was given. */
  readonly budget: number;
  /** IPW-estimated cost per user (compare with `budget` for over- or underspend). */
  readonly cost: Interval;
  readonly incrementalCost: Interval;
  readonly incrementalResponse: Interval;
}

/** What {@link costCurve} returns. */
export interface CostCurve {
  /** Points in the order of the budgets given. */
  readonly points: readonly CostCurvePoint[];
  /** Trapezoid area under incremental response vs incremental cost, from (0, 0) through the points by cost. */
  readonly area: number;
  /**
   * `area` divided by (largest incremental cost x incremental response there): 0.5 for a straight line from the
   * origin (returns that do not diminish: no better than spending proportionally at random), higher when the
   * first units of budget buy more. It measures the curve's shape, not its level; compare levels by the points.
   */
  readonly normalizedArea: number;
}

/** Options of {@link costCurve}: the budget sweep plus the options of the expected outcome metric. */
export interface CostCurveOptions extends EvaluateOptions {
  /** Budgets of the sweep; numbers are budgets per user. */
  budgets: readonly (Budget | number)[];
}

/**
 * The cost curve of a policy over a budget sweep: its incremental response against its incremental cost, both
 * estimated by the expected outcome metric (IPW on randomized test rows) with paired bootstrap intervals (the same
 * resamples at every budget).
 *
 * @example
 * ```ts
 * const curve = await costCurve((b) => allocator.assign(test.features, b), test, { budgets: [0.1, 0.2, 0.4] });
 * console.log(curve.normalizedArea);
 * ```
 */
export async function costCurve(
  assign: AssignAtBudget,
  test: RCTDataset,
  options: CostCurveOptions,
): Promise<CostCurve> {
  if (typeof assign !== 'function') {
    throw new ValidationError({ path: ['assign'], message: 'expected a function (budget) => Int32Array' });
  }
  checkOptionKeys(options, [...EVALUATE_OPTION_KEYS, 'budgets']);
  const budgets = toBudgets(options.budgets);
  const assignments: Int32Array[] = [];
  for (const b of budgets) assignments.push(await assign(b));
  const { budgets: _omit, ...evalOptions } = options;
  const { evaluations } = evaluatePolicies(assignments, test, evalOptions);
  const points = evaluations.map((e, q) => ({
    budget: budgetTotal(budgets[q] as Budget, test.n) / test.n,
    cost: e.cost,
    incrementalCost: e.incrementalCost,
    incrementalResponse: e.incrementalResponse,
  }));
  const { area, normalizedArea } = curveArea(
    points.map((p) => p.incrementalCost.estimate),
    points.map((p) => p.incrementalResponse.estimate),
  );
  return { points, area, normalizedArea };
}

/**
 * Area under a cost curve given as (incremental cost, incremental response) points, from the origin through the
 * points sorted by cost, and that area over the enclosing rectangle (see {@link CostCurve.normalizedArea}).
 *
 * @example
 * ```ts
 * curveArea([1, 2, 3], [2, 4, 6]).normalizedArea; // 0.5: a straight line from the origin
 * ```
 */
export function curveArea(
  cost: readonly number[],
  response: readonly number[],
): { area: number; normalizedArea: number } {
  const idx = cost.map((_, i) => i).sort((a, b) => (cost[a] as number) - (cost[b] as number));
  const x = [0, ...idx.map((i) => cost[i] as number)];
  const y = [0, ...idx.map((i) => response[i] as number)];
  const area = trapezoid(x, y);
  const xMax = x[x.length - 1] as number;
  const yEnd = y[y.length - 1] as number;
  const normalizedArea = xMax > 0 && yEnd !== 0 ? area / (xMax * yEnd) : Number.NaN;
  return { area, normalizedArea };
}

/**
 * Mean incremental response over incremental costs from 0 to `upTo`: the area under the curve (from the origin
 * through the points sorted by cost, linear between them) up to `upTo`, divided by `upTo`. Unlike
 * {@link CostCurve.normalizedArea} it measures a curve's level, so curves compared on the same `upTo` (at most the
 * smallest of their largest costs) rank by value at matched spend. NaN when `upTo` is not positive or lies beyond
 * the curve's largest cost.
 *
 * @example
 * ```ts
 * meanResponseUpTo([1, 2], [2, 4], 1); // 1: the line from (0, 0) to (1, 2) averages 1
 * ```
 */
export function meanResponseUpTo(cost: readonly number[], response: readonly number[], upTo: number): number {
  const idx = cost.map((_, i) => i).sort((a, b) => (cost[a] as number) - (cost[b] as number));
  const x = [0, ...idx.map((i) => cost[i] as number)];
  const y = [0, ...idx.map((i) => response[i] as number)];
  if (!(upTo > 0) || upTo > (x[x.length - 1] as number) * (1 + 1e-12)) return Number.NaN;
  let area = 0;
  for (let k = 1; k < x.length; k++) {
    const x0 = x[k - 1] as number;
    const x1 = x[k] as number;
    if (x0 >= upTo) break;
    const y0 = y[k - 1] as number;
    const y1 = y[k] as number;
    const end = Math.min(x1, upTo);
    const yEnd = x1 > x0 ? y0 + ((y1 - y0) * (end - x0)) / (x1 - x0) : y1;
    area += ((y0 + yEnd) / 2) * (end - x0);
  }
  return area / upTo;
}

/** Validates a budget list (numbers are budgets per user). */
export function toBudgets(budgets: unknown, name = 'budgets'): Budget[] {
  if (!Array.isArray(budgets) || budgets.length === 0) {
    throw new ValidationError({ path: [name], message: 'expected a non-empty array of budgets' });
  }
  return budgets.map((b, i) =>
    typeof b === 'number' ? checkBudget({ perUser: b }, `${name}.${i}`) : checkBudget(b, `${name}.${i}`),
  );
}
