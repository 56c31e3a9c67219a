import { ValidationError } from '../core/errors.js';
import { rowCount } from '../core/matrix.js';
import { type Budget, budgetTotal } from '../core/types.js';
import { checkBudget } from '../core/validate.js';
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
   * between arms in units of 1/U of the group's users of the batch, so it fills the budget more closely than whole
   * groups. Which users get which arm: the group's users in the order of a hash of their features, dealt in exact
   * counts (rounded down, the rest on the group's cheapest arm of the plan), so the model's cost stays within the
   * plan's. @default the policy's own solver `shares` (1: whole groups)
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
  if (table.shares === undefined) {
    for (let i = 0; i < n; i++) arms[i] = table.armFor(0, groups[i] as number);
    return arms;
  }
  splitGroups(table.shares, groups, p.k, table.m, (g, j) => p.stats.cell(g, j).cost, X, p.d, arms);
  return arms;
}

/**
 * Exact counts for a batch plan with group shares: the users of group g are ordered by their row hash and dealt to
 * the arms in counts floor(share_j * n_g), every user left over going to the group's cheapest arm of the plan. The
 * model's cost of the arms is then at most the plan's (the leftover users take the cheapest of the group's arms),
 * where drawing each user's arm independently could pass it by a few users' cost.
 */
function splitGroups(
  shares: Float64Array,
  groups: Int32Array,
  k: number,
  m: number,
  cellCost: (g: number, j: number) => number,
  X: Float32Array,
  d: number,
  arms: Int32Array,
): void {
  const members: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < groups.length; i++) members[groups[i] as number]?.push(i);
  const u = new Float64Array(groups.length);
  for (let g = 0; g < k; g++) {
    const rows = members[g] as number[];
    if (rows.length === 0) continue;
    for (const i of rows) u[i] = rowUniform(X, i * d, d);
    // By hash, ties by row: the same batch always splits the same way.
    rows.sort((a, b) => (u[a] as number) - (u[b] as number) || a - b);
    const o = g * m;
    let cheapest = -1;
    for (let j = 0; j < m; j++) {
      if ((shares[o + j] as number) <= 0) continue;
      if (cheapest < 0 || cellCost(g, j) < cellCost(g, cheapest)) cheapest = j;
    }
    let r = 0;
    for (let j = 0; j < m; j++) {
      if (j === cheapest) continue;
      const count = Math.floor((shares[o + j] as number) * rows.length + 1e-9);
      for (let c = 0; c < count && r < rows.length; c++) arms[rows[r++] as number] = j;
    }
    for (; r < rows.length; r++) arms[rows[r] as number] = Math.max(0, cheapest);
  }
}
