import { ValidationError, type ValidationIssue } from '../core/errors.js';

/**
 * One linear constraint `lower <= sum_k value[k] * x[index[k]] <= upper` in sparse form. Use `-Infinity` /
 * `Infinity` for a missing side.
 */
export interface MIPRow {
  readonly index: ArrayLike<number>;
  readonly value: ArrayLike<number>;
  readonly lower: number;
  readonly upper: number;
  readonly name?: string;
}

/**
 * A mixed-integer linear program in a plain, solver-neutral form:
 *
 * ```
 * maximize (or minimize)  objective . x + offset
 * subject to              rows[r].lower <= A[r] x <= rows[r].upper
 *                         lower <= x <= upper,  x[j] integer where integer[j] = 1
 * ```
 *
 * Nothing here is specific to a backend, so a problem built by `StochasticBudgetSolver` can be handed to any
 * solver (see `docs/solver.md`). Arrays may be plain arrays or typed arrays.
 */
export interface MIPProblem {
  readonly sense: 'maximize' | 'minimize';
  readonly objective: ArrayLike<number>;
  readonly offset?: number;
  readonly lower: ArrayLike<number>;
  readonly upper: ArrayLike<number>;
  /** 1 for an integer variable, 0 for a continuous one (a binary is an integer in [0, 1]). */
  readonly integer: ArrayLike<number>;
  readonly rows: readonly MIPRow[];
  /** Optional variable names (for LP-format writers and error messages). */
  readonly names?: readonly string[];
}

/**
 * Outcome of a MIP solve, mapped from every backend's own status:
 * - `optimal`: proved optimal (within the requested `mipGap`).
 * - `feasible`: a limit (time, nodes) stopped the search with an incumbent; `x` holds it, `gap` tells how far.
 * - `infeasible`: proved to have no feasible point.
 * - `unbounded`: the objective is unbounded.
 * - `infeasibleOrUnbounded`: the backend could not tell which (HiGHS presolve).
 * - `noSolution`: a limit stopped the search before any feasible point was found.
 * Internal solver failures throw `SolverError` instead.
 */
export type MIPStatus = 'optimal' | 'feasible' | 'infeasible' | 'unbounded' | 'infeasibleOrUnbounded' | 'noSolution';

/** The typed result of {@link MIPSolver.solve}. */
export interface MIPSolution {
  readonly status: MIPStatus;
  /** Variable values (length = number of variables); all zeros when there is no solution. */
  readonly x: Float64Array;
  /** Objective value of `x` (including `offset`); NaN when there is no solution. */
  readonly objective: number;
  /** Best proved bound on the optimum when known (for `optimal` equal to `objective` up to the gap), else NaN. */
  readonly bound: number;
  /** Relative gap |bound - objective| / max(1, |objective|) when known, else NaN. */
  readonly gap: number;
  /** Backend name and its raw status, for diagnostics. */
  readonly solver: string;
  readonly rawStatus: string;
  readonly seconds: number;
}

/** Options of one MIP solve. All optional. */
export interface MIPSolveOptions {
  /** Wall-clock limit in seconds; on expiry the best incumbent is returned as `feasible`. @default 60 */
  timeLimit?: number;
  /** Relative MIP gap at which the search may stop and report `optimal`. @default 0 */
  mipGap?: number;
}

/** Defaults of {@link MIPSolveOptions}. */
export const defaultMIPSolveOptions: Required<MIPSolveOptions> = { timeLimit: 60, mipGap: 0 };

/**
 * A MIP backend. Built in: `exact` ({@link ExactMCKPSolver}), `glpk` ({@link GLPKSolver}), `highs`
 * ({@link HighsSolver}). Implement this interface to plug your own solver into `StochasticBudgetSolver`.
 *
 * @example
 * ```ts
 * const mine: MIPSolver = { name: 'mine', async solve(problem, options) { ... } };
 * await new StochasticBudgetSolver({ formulation: 'chance', solver: mine }).solve(stats, { budgets });
 * ```
 */
export interface MIPSolver {
  readonly name: string;
  solve(problem: MIPProblem, options?: MIPSolveOptions): Promise<MIPSolution>;
}

/** Number of variables of a problem. */
export function numVars(problem: MIPProblem): number {
  return problem.objective.length;
}

/** Checks sizes, indices and numbers of a {@link MIPProblem}; throws a ValidationError listing the problems. */
export function checkMIPProblem(problem: MIPProblem): void {
  const issues: ValidationIssue[] = [];
  const n = problem.objective.length;
  if (problem.sense !== 'maximize' && problem.sense !== 'minimize') {
    issues.push({ path: ['sense'], message: `expected 'maximize' or 'minimize', got ${String(problem.sense)}` });
  }
  for (const [name, arr] of [
    ['lower', problem.lower],
    ['upper', problem.upper],
    ['integer', problem.integer],
  ] as const) {
    if (arr.length !== n) issues.push({ path: [name], message: `expected length ${n}, got ${arr.length}` });
  }
  for (let j = 0; j < n && issues.length < 10; j++) {
    if (!Number.isFinite(problem.objective[j])) {
      issues.push({ path: ['objective', j], message: `expected a finite number, got ${problem.objective[j]}` });
    }
    if (!((problem.lower[j] as number) <= (problem.upper[j] as number))) {
      issues.push({ path: ['lower', j], message: `lower ${problem.lower[j]} exceeds upper ${problem.upper[j]}` });
    }
  }
  problem.rows.forEach((row, r) => {
    if (issues.length >= 10) return;
    if (row.index.length !== row.value.length) {
      issues.push({ path: ['rows', r], message: 'index and value differ in length' });
    }
    for (let k = 0; k < row.index.length; k++) {
      const j = row.index[k] as number;
      if (!(Number.isInteger(j) && j >= 0 && j < n)) {
        issues.push({ path: ['rows', r, 'index', k], message: `expected a variable index in 0..${n - 1}, got ${j}` });
        break;
      }
      if (!Number.isFinite(row.value[k])) {
        issues.push({ path: ['rows', r, 'value', k], message: `expected a finite number, got ${row.value[k]}` });
        break;
      }
    }
    if (Number.isNaN(row.lower) || Number.isNaN(row.upper) || row.lower > row.upper) {
      issues.push({ path: ['rows', r], message: `bad bounds [${row.lower}, ${row.upper}]` });
    }
  });
  if (issues.length > 0) throw new ValidationError(issues);
}

/** Objective value of `x` for a problem (including the offset). */
export function evaluateObjective(problem: MIPProblem, x: ArrayLike<number>): number {
  let z = problem.offset ?? 0;
  for (let j = 0; j < problem.objective.length; j++) z += (problem.objective[j] as number) * (x[j] as number);
  return z;
}

/** Largest violation of bounds, rows and integrality by `x` (0 when feasible). */
export function maxViolation(problem: MIPProblem, x: ArrayLike<number>): number {
  let worst = 0;
  for (let j = 0; j < problem.objective.length; j++) {
    const v = x[j] as number;
    worst = Math.max(worst, (problem.lower[j] as number) - v, v - (problem.upper[j] as number));
    if (problem.integer[j] === 1) worst = Math.max(worst, Math.abs(v - Math.round(v)));
  }
  for (const row of problem.rows) {
    let a = 0;
    for (let k = 0; k < row.index.length; k++) a += (row.value[k] as number) * (x[row.index[k] as number] as number);
    worst = Math.max(worst, row.lower - a, a - row.upper);
  }
  return worst;
}

/** Relative gap between an objective and a bound. */
export function relativeGap(objective: number, bound: number): number {
  if (!Number.isFinite(objective) || !Number.isFinite(bound)) return Number.NaN;
  return Math.abs(bound - objective) / Math.max(1, Math.abs(objective));
}
