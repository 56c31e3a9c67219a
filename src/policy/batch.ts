import { ValidationError } from '../core/errors.js';
import { rowCount } from '../core/matrix.js';
import { type Budget, budgetTotal } from '../core/types.js';
import { checkBudget, checkNumber } from '../core/validate.js';
import type { GroupStats } from '../solver/group-stats.js';
import { StochasticBudgetSolver, type StochasticBudgetSolverOptions } from '../solver/stochastic-solver.js';
import { rowUniform } from './fingerprint.js';
import type { StudentNet } from './student.js';

/** Throws a ValidationError naming the row and feature of the first value of `X` that is not finite. */
export function checkFiniteRows(X: Float32Array, d: number, featureNames: readonly string[]): void {
  for (let i = 0; i < X.length; i++) {
    if (!Number.isFinite(X[i] as number))
      throw new ValidationError({
        path: ['X', 'row', Math.floor(i / d), 'feature', featureNames[i % d] as string],
        message: `expected a finite number, got ${X[i]}`,
      });
  }
}

/** What {@link decideForBatchMix} needs of a policy. */
export interface BatchPlanParts {
  readonly student: StudentNet;
  readonly stats: GroupStats;
  readonly k: number;
  readonly d: number;
  readonly featureNames: readonly string[];
  readonly treatmentNames: readonly string[];
  readonly solverOptions: Readonly<Record<string, unknown>>;
}

/** Options of `AllocationPolicy.decideBatchWithin`. */
export interface BatchPlanOptions {
  /**
   * Integer shares of groups in the batch's plan (the solver's `shares`): with U > 1 the plan may split a group
   * between arms in units of 1/U of the group's users of the batch (which users: by a hash of their features), so
   * it fills the budget more closely than whole groups. @default the policy's own solver `shares` (1: whole groups)
   */
  readonly shares?: number;
}

/**
 * Arms for the users of `X` from a plan solved with their own group sizes (the student's groups of `X`) under
 * `budget`, so the model's expected cost of the arms stays within it; see `AllocationPolicy.decideBatchWithin`.
 */
export async function decideForBatchMix(
  p: BatchPlanParts,
  X: Float32Array,
  budget: Budget,
  options: BatchPlanOptions = {},
): Promise<Int32Array> {
  const n = rowCount(X, p.d);
  const b = checkBudget(budget);
  if (options.shares !== undefined) checkNumber('shares', options.shares, { min: 1, max: 1000, integer: true });
  checkFiniteRows(X, p.d, p.featureNames);
  const groups = new Int32Array(n);
  p.student.argmaxBatch(X, groups, 0, n);
  const sizes = new Float64Array(p.k);
  for (let i = 0; i < n; i++) sizes[groups[i] as number] = (sizes[groups[i] as number] as number) + 1;
  const solver = new StochasticBudgetSolver({
    ...(p.solverOptions as StochasticBudgetSolverOptions),
    ...(options.shares !== undefined ? { shares: options.shares } : {}),
  });
  const table = await solver.solve(p.stats, {
    budgets: [{ total: budgetTotal(b, n) }],
    population: n,
    groupSizes: sizes,
    armNames: p.treatmentNames,
  });
  const arms = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const g = groups[i] as number;
    arms[i] = table.shares === undefined ? table.armFor(0, g) : table.pickArm(0, g, rowUniform(X, i * p.d, p.d));
  }
  return arms;
}
