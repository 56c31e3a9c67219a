import { SolverError } from '../core/errors.js';
import { MCKPCore } from './mckp-core.js';
import {
  checkMIPProblem,
  defaultMIPSolveOptions,
  type MIPProblem,
  type MIPSolution,
  type MIPSolveOptions,
  type MIPSolver,
  relativeGap,
} from './mip.js';

/** A multiple-choice knapsack recognised in a {@link MIPProblem}. */
export interface MCKPStructure {
  /** Item offsets per (expanded) group, item values and costs (sign-adjusted for maximization). */
  readonly start: Int32Array;
  readonly value: Float64Array;
  readonly cost: Float64Array;
  /** Problem variable of each item. */
  readonly variable: Int32Array;
  /** Original choice row of each expanded group (groups with `units` > 1 are expanded into copies). */
  readonly copyKey: Int32Array;
  /** Capacity of the knapsack row (Infinity when there is none). */
  readonly capacity: number;
  /** +1 for maximize, -1 for minimize (values were multiplied by it). */
  readonly sign: number;
}

/**
 * Recognises a multiple-choice knapsack: every variable integer with lower bound 0 and in exactly one "choice"
 * row `sum x = U` (all coefficients 1, U a positive integer), plus at most one knapsack row `a . x <= B`.
 * A choice row with U > 1 (integer shares of a group) is expanded into U identical one-of groups.
 * Returns a reason string when the problem has another shape.
 */
export function detectMCKP(problem: MIPProblem): MCKPStructure | string {
  const n = problem.objective.length;
  const owner = new Int32Array(n).fill(-1);
  const choiceRows: { index: ArrayLike<number>; units: number }[] = [];
  let knap: { index: ArrayLike<number>; value: ArrayLike<number>; upper: number } | undefined;
  for (let r = 0; r < problem.rows.length; r++) {
    const row = problem.rows[r] as MIPProblem['rows'][number];
    let ones = true;
    for (let k = 0; k < row.value.length; k++) if (row.value[k] !== 1) ones = false;
    if (ones && row.lower === row.upper && Number.isInteger(row.lower) && row.lower >= 1) {
      for (let k = 0; k < row.index.length; k++) {
        const j = row.index[k] as number;
        if (owner[j] !== -1) return `variable ${j} is in two choice rows`;
        owner[j] = choiceRows.length;
      }
      choiceRows.push({ index: row.index, units: row.lower });
    } else if (row.lower === Number.NEGATIVE_INFINITY && Number.isFinite(row.upper) && knap === undefined) {
      knap = row;
    } else {
      return `row ${r}${row.name ? ` (${row.name})` : ''} is neither a choice row nor the single knapsack row`;
    }
  }
  for (let j = 0; j < n; j++) {
    if (problem.integer[j] !== 1) return `variable ${j} is continuous`;
    if (problem.lower[j] !== 0) return `variable ${j} has lower bound ${problem.lower[j]}, expected 0`;
    if (owner[j] === -1) return `variable ${j} is in no choice row`;
    const units = (choiceRows[owner[j] as number] as { units: number }).units;
    if ((problem.upper[j] as number) < units) return `variable ${j} has upper bound below its row's ${units}`;
  }
  const a = new Float64Array(n);
  if (knap !== undefined)
    for (let k = 0; k < knap.index.length; k++) a[knap.index[k] as number] = knap.value[k] as number;
  const sign = problem.sense === 'maximize' ? 1 : -1;
  let groups = 0;
  let items = 0;
  for (const c of choiceRows) {
    groups += c.units;
    items += c.units * c.index.length;
  }
  const start = new Int32Array(groups + 1);
  const value = new Float64Array(items);
  const cost = new Float64Array(items);
  const variable = new Int32Array(items);
  const copyKey = new Int32Array(groups);
  let g = 0;
  let i = 0;
  choiceRows.forEach((c, r) => {
    for (let u = 0; u < c.units; u++) {
      start[g] = i;
      copyKey[g] = c.units > 1 ? r : -1;
      for (let k = 0; k < c.index.length; k++) {
        const j = c.index[k] as number;
        value[i] = sign * (problem.objective[j] as number);
        cost[i] = a[j] as number;
        variable[i] = j;
        i++;
      }
      g++;
    }
  });
  start[groups] = i;
  const capacity = knap === undefined ? Number.POSITIVE_INFINITY : knap.upper;
  return { start, value, cost, variable, copyKey, capacity, sign };
}

/**
 * The built-in exact backend: multiple-choice knapsack problems (one arm per group, or integer shares of a group,
 * under one budget row) solved to proved optimality by dominance, LP convex hulls, reduced-cost fixing and a bounded
 * dynamic-programming search (see `MCKPCore`). No dependency. Other problem shapes (chance and CVaR formulations) throw a
 * {@link SolverError} with status `unsupported`: use `glpk` or `highs` for those.
 *
 * @example
 * ```ts
 * const sol = await new ExactMCKPSolver().solve(problem, { timeLimit: 10 });
 * if (sol.status === 'optimal') use(sol.x);
 * ```
 */
export class ExactMCKPSolver implements MIPSolver {
  readonly name = 'exact';

  async solve(problem: MIPProblem, options: MIPSolveOptions = {}): Promise<MIPSolution> {
    const t0 = performance.now();
    checkMIPProblem(problem);
    const opts = { ...defaultMIPSolveOptions, ...options };
    const s = detectMCKP(problem);
    if (typeof s === 'string') throw new SolverError('exact', 'unsupported', `not a multiple-choice knapsack: ${s}`);
    const core = new MCKPCore(s.start, s.value, s.cost);
    const n = problem.objective.length;
    const x = new Float64Array(n);
    const offset = problem.offset ?? 0;
    const res = core.solve(s.capacity, { timeLimit: opts.timeLimit, mipGap: opts.mipGap, copyKey: s.copyKey });
    const seconds = (performance.now() - t0) / 1000;
    if (res === undefined) {
      return {
        status: 'infeasible',
        x,
        objective: Number.NaN,
        bound: Number.NaN,
        gap: Number.NaN,
        solver: 'exact',
        rawStatus: `infeasible: cheapest plan costs ${core.minCost}`,
        seconds,
      };
    }
    for (let g = 0; g < core.groups; g++) {
      const j = s.variable[res.choice[g] as number] as number;
      x[j] = (x[j] as number) + 1;
    }
    const objective = s.sign * res.value + offset;
    const bound = s.sign * res.bound + offset;
    return {
      status: res.status,
      x,
      objective,
      bound,
      gap: relativeGap(objective, bound),
      solver: 'exact',
      rawStatus: `${res.status} (${res.nodes} nodes)`,
      seconds,
    };
  }
}
