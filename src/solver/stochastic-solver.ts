import { InfeasibleBudgetError, SolverError, ValidationError } from '../core/errors.js';
import { DEFAULT_SEED, deriveSeed } from '../core/rng.js';
import type { Budget, ProgressEvent } from '../core/types.js';
import { checkNumber, checkOneOf, checkOptionKeys } from '../core/validate.js';
import { AllocationTable, type Formulation, type PlanStatus } from './allocation-table.js';
import {
  applyConstraints,
  armRows,
  type GroupConstraints,
  type ResolvedConstraints,
  resolveConstraints,
} from './constraints.js';
import { ExactMCKPSolver } from './exact.js';
import { buildProblem, type FormulationSettings, layoutOf, type ProblemLayout } from './formulation.js';
import { GLPKSolver } from './glpk.js';
import type { GroupStats } from './group-stats.js';
import { HighsSolver } from './highs.js';
import { MCKPCore } from './mckp-core.js';
import type { MIPProblem, MIPSolver } from './mip.js';
import { planMetrics, riskMinimum } from './plan-metrics.js';
import { type CellScenarios, drawScenarios, type ScenarioMethod, scenarioStd } from './scenarios.js';

/** How a budget is corrected for the optimizer's curse on cell costs ({@link StochasticBudgetSolverOptions.costCorrection}). */
export type CostCorrection = 'none' | 'bootstrap';

/** Built-in MIP backends by name. */
export type SolverBackend = 'exact' | 'glpk' | 'highs';

/** Options of {@link StochasticBudgetSolver}. All optional. */
export interface StochasticBudgetSolverOptions {
  /** `expected`, `robust` (mean - kappa * std of value), `chance` (1 - alpha of scenarios within budget), `cvar`. @default 'expected' */
  formulation?: Formulation;
  /** Scenarios of per-capita means (capped by the replicates for bootstrap). @default 100 */
  scenarios?: number;
  /** `auto`: bootstrap when the stats carry replicates, else normal approximation. @default 'auto' */
  scenarioMethod?: ScenarioMethod | 'auto';
  /** Penalty on the scenario std of each group's incremental value (robust). @default 1 */
  kappa?: number;
  /** Safety margin on cost: cost + kappaCost * std (robust). @default 0 */
  kappaCost?: number;
  /** Share of scenarios allowed over budget (chance) or tail share of CVaR (cvar). @default 0.1 */
  alpha?: number;
  /** 1: one arm per group; U > 1: integer shares of each group in units of 1/U. @default 1 */
  shares?: number;
  /**
   * `'bootstrap'`: each budget is tightened by the bootstrap estimate of how far the plan's true cost lies above its
   * estimated cost because the plan picks cells whose cost estimate came out low (the optimizer's curse on costs).
   * For each scenario s (bootstrap replicates when the stats carry them), the plan solved on scenario s's cell means
   * is costed on the point estimates; the mean of that cost minus its cost in scenario s, when positive, is taken off
   * the budget before the plan is solved. The plan's estimated cost then stays within the budget, and its true cost
   * comes closer to it. `expected` and `robust` with the `exact` backend, no per-arm caps or minimum shares.
   * `'none'`: the budget as given. @default 'none'
   */
  costCorrection?: CostCorrection;
  /** MIP backend or your own {@link MIPSolver}. @default 'exact' for expected/robust, 'glpk' for chance/cvar */
  solver?: SolverBackend | MIPSolver;
  /** Time limit per budget in seconds. @default 60 */
  timeLimit?: number;
  /** Relative MIP gap. @default 0 */
  mipGap?: number;
  /** Arms with fewer rows than this in a group are not offered there. @default 1 */
  minCount?: number;
  /** Quantile levels reported for value and cost. @default [0.05, 0.5, 0.95] */
  quantiles?: readonly number[];
  /**
   * Business constraints: per-arm caps and minimum shares (rows of the MIP: solved by `glpk` by default, or
   * `highs`) and a group x arm mask of allowed arms (kept by every backend, `exact` included). @default none
   */
  constraints?: GroupConstraints;
  /** @default 42 */
  seed?: number;
  onProgress?: (event: ProgressEvent) => void;
}

export const defaultStochasticBudgetSolverOptions = {
  formulation: 'expected' as Formulation,
  scenarios: 100,
  scenarioMethod: 'auto' as ScenarioMethod | 'auto',
  kappa: 1,
  kappaCost: 0,
  alpha: 0.1,
  shares: 1,
  costCorrection: 'none' as CostCorrection,
  timeLimit: 60,
  mipGap: 0,
  minCount: 1,
  quantiles: [0.05, 0.5, 0.95] as readonly number[],
  seed: DEFAULT_SEED,
};

/** Every key of {@link StochasticBudgetSolverOptions}. */
export const solverOptionKeys: readonly string[] = [
  ...Object.keys(defaultStochasticBudgetSolverOptions),
  'solver',
  'constraints',
  'onProgress',
];

/** What {@link StochasticBudgetSolver.solve} takes besides the stats. */
export interface SolveRequest {
  /** Budgets to plan for; a bare number is a per-user budget. */
  readonly budgets: readonly (Budget | number)[];
  /** Users a total budget refers to. @default the number of rows in the stats */
  readonly population?: number;
  /** Group sizes of the population served. @default the row count of each group in the stats */
  readonly groupSizes?: ArrayLike<number>;
  /** Arm names for the table. @default arm0, arm1, ... */
  readonly armNames?: readonly string[];
}

/**
 * Group-level stochastic budget allocation (HRC step 4): from {@link GroupStats}, draws scenarios of per-capita
 * uplift and cost, and solves one plan per budget of a grid under the chosen formulation, returning an
 * {@link AllocationTable}. Values are incremental response over control; costs are absolute spend per user.
 *
 * @example
 * ```ts
 * const table = await new StochasticBudgetSolver({ formulation: 'robust', kappa: 1 })
 *   .solve(stats, { budgets: [0.2, 0.4, 0.6].map((perUser) => ({ perUser })) });
 * ```
 */
export class StochasticBudgetSolver {
  readonly options: StochasticBudgetSolverOptions;

  constructor(options: StochasticBudgetSolverOptions = {}) {
    this.options = options;
  }

  /** Solves every budget and returns the table. Throws InfeasibleBudgetError for a budget below the cheapest plan. */
  async solve(stats: GroupStats, request: SolveRequest): Promise<AllocationTable> {
    const { o, cells, f, layout, population, limits } = this.prepare(stats, request);
    const budgets = normalizeBudgets(request.budgets, population);
    const minimum = riskMinimum(cells, f, layout) / population;
    for (const b of budgets) {
      if (b < minimum - 1e-12 * Math.max(1, Math.abs(minimum))) throw new InfeasibleBudgetError(b, minimum, 'perUser');
    }
    const solver = resolveSolver(o.solver, o.formulation, limits.hasRows);
    if (limits.hasRows && solver instanceof ExactMCKPSolver) {
      throw new ValidationError({
        path: ['solver'],
        message:
          "per-arm caps and minimum shares are rows the 'exact' backend cannot take; use solver 'glpk' or 'highs'",
      });
    }
    const useCore = solver instanceof ExactMCKPSolver && (o.formulation === 'expected' || o.formulation === 'robust');
    const correct = o.costCorrection === 'bootstrap';
    if (correct && !useCore) {
      throw new ValidationError({
        path: ['costCorrection'],
        message: `'bootstrap' needs formulation 'expected' or 'robust' with the 'exact' solver, got ${o.formulation} with ${typeof o.solver === 'string' ? o.solver : o.solver === undefined ? 'the default solver' : 'a custom solver'}`,
      });
    }
    const core = useCore ? coreOf(layout, f.units) : undefined;
    const corrected = correct ? costOptimism(cells, layout, f, o) : undefined;
    const { k, m } = cells;
    const B = budgets.length;
    const Q = o.quantiles.length;
    const arms = new Int32Array(B * k);
    const shares = f.units > 1 ? new Float64Array(B * k * m) : undefined;
    const value = new Float64Array(B);
    const cost = new Float64Array(B);
    const vq = new Float64Array(B * Q);
    const cq = new Float64Array(B * Q);
    const prob = new Float64Array(B);
    const gap = new Float64Array(B);
    const status: PlanStatus[] = [];
    for (let i = 0; i < B; i++) {
      const b = budgets[i] as number;
      const counts = new Float64Array(layout.nx);
      let st: PlanStatus;
      if (core !== undefined) {
        const target = corrected?.(b * population, minimum * population) ?? b * population;
        const res = core.core.solve(target, {
          timeLimit: o.timeLimit,
          mipGap: o.mipGap,
          copyKey: core.copyKey,
        });
        if (res === undefined) throw new InfeasibleBudgetError(b, minimum, 'perUser');
        for (const item of res.choice)
          counts[core.variable[item] as number] = (counts[core.variable[item] as number] as number) + 1;
        st = res.status;
        gap[i] = Math.abs(res.bound - res.value) / Math.max(1, Math.abs(res.value));
      } else {
        const sol = await solver.solve(
          withRows(buildProblem(cells, f, layout, b * population), cells, f, layout, limits),
          {
            timeLimit: o.timeLimit,
            mipGap: o.mipGap,
          },
        );
        if (sol.status === 'infeasible' && limits.hasRows) {
          throw new InfeasibleBudgetError(b, minimum, 'perUser', {
            constraint: 'arms',
            message: `no plan for budget perUser=${b} meets the arm caps and minimum shares together with the budget; raise the budget or relax a limit`,
          });
        }
        if (sol.status === 'infeasible') throw new InfeasibleBudgetError(b, minimum, 'perUser');
        if (sol.status !== 'optimal' && sol.status !== 'feasible') {
          throw new SolverError(sol.solver, sol.rawStatus, `no plan for budget perUser=${b} (${sol.status})`);
        }
        for (let v = 0; v < layout.nx; v++) counts[v] = Math.round(sol.x[v] as number);
        st = sol.status;
        gap[i] = sol.status === 'optimal' ? 0 : sol.gap;
      }
      status.push(st);
      const pm = planMetrics(cells, layout, counts, f.units, b, o.quantiles);
      arms.set(pm.arms, i * k);
      shares?.set(pm.shares, i * k * m);
      value[i] = pm.value;
      cost[i] = pm.cost;
      vq.set(pm.valueQuantiles, i * Q);
      cq.set(pm.costQuantiles, i * Q);
      prob[i] = pm.probWithinBudget;
      o.onProgress?.({ stage: 'solve', fraction: (i + 1) / B, message: `budget ${i + 1}/${B}` });
    }
    return new AllocationTable({
      k,
      m,
      formulation: o.formulation,
      armNames: request.armNames ?? Array.from({ length: m }, (_, j) => `arm${j}`),
      population,
      minimumBudget: minimum,
      controlValue: cells.controlValue,
      quantileLevels: Float64Array.from(o.quantiles),
      budgets: Float64Array.from(budgets),
      arms,
      ...(shares === undefined ? {} : { shares }),
      value,
      cost,
      valueQuantiles: vq,
      costQuantiles: cq,
      probWithinBudget: prob,
      status,
      gap,
    });
  }

  /**
   * The {@link MIPProblem} this solver would solve for one budget (coefficients are totals over the population;
   * variable v < number of available cells is the count of group units on a cell). Hand it to any MIP solver.
   */
  problem(stats: GroupStats, budget: Budget | number, request: Omit<SolveRequest, 'budgets'> = {}): MIPProblem {
    const { cells, f, layout, population, limits } = this.prepare(stats, { ...request, budgets: [budget] });
    const b = normalizeBudgets([budget], population)[0] as number;
    return withRows(buildProblem(cells, f, layout, b * population), cells, f, layout, limits);
  }

  private prepare(
    stats: GroupStats,
    request: SolveRequest,
  ): {
    o: typeof defaultStochasticBudgetSolverOptions & StochasticBudgetSolverOptions;
    cells: CellScenarios;
    f: FormulationSettings;
    layout: ProblemLayout;
    population: number;
    limits: ResolvedConstraints;
  } {
    checkOptionKeys(this.options, solverOptionKeys);
    const o = { ...defaultStochasticBudgetSolverOptions, ...this.options };
    checkOneOf('formulation', o.formulation, ['expected', 'robust', 'chance', 'cvar'] as const);
    const method = checkOneOf('scenarioMethod', o.scenarioMethod, ['auto', 'normal', 'bootstrap'] as const);
    checkNumber('scenarios', o.scenarios, { min: 1, integer: true });
    checkNumber('alpha', o.alpha, { min: 0, max: 1 });
    checkNumber('kappa', o.kappa, { min: 0 });
    checkNumber('kappaCost', o.kappaCost, { min: 0 });
    checkNumber('shares', o.shares, { min: 1, max: 1000, integer: true });
    checkOneOf('costCorrection', o.costCorrection, ['none', 'bootstrap'] as const);
    checkNumber('timeLimit', o.timeLimit, { min: 0 });
    checkNumber('mipGap', o.mipGap, { min: 0 });
    for (const q of o.quantiles) checkNumber('quantiles', q, { min: 0, max: 1 });
    if ((o.formulation === 'chance' || o.formulation === 'cvar') && !(o.alpha > 0)) {
      throw new ValidationError({ path: ['alpha'], message: `expected alpha in (0, 1] for ${o.formulation}` });
    }
    const population = request.population ?? stats.n;
    checkNumber('population', population, { min: Number.MIN_VALUE });
    const cells = drawScenarios(stats, {
      method: method === 'auto' ? (stats.replicates >= 2 ? 'bootstrap' : 'normal') : method,
      scenarios: o.scenarios,
      minCount: o.minCount,
      seed: deriveSeed(o.seed, 'scenarios'),
      ...(request.groupSizes === undefined ? {} : { groupSizes: request.groupSizes }),
    });
    const f: FormulationSettings = {
      formulation: o.formulation,
      kappa: o.kappa,
      kappaCost: o.kappaCost,
      alpha: o.alpha,
      units: o.shares,
      population,
    };
    const names = request.armNames ?? Array.from({ length: stats.m }, (_, j) => `arm${j}`);
    const limits = resolveConstraints(o.constraints, stats.k, stats.m, names, population);
    applyConstraints(cells, limits);
    return { o, cells, f, layout: layoutOf(cells, f), population, limits };
  }
}

/** The problem with the rows of the arm limits added. */
function withRows(
  problem: MIPProblem,
  cells: CellScenarios,
  f: FormulationSettings,
  layout: ProblemLayout,
  limits: ResolvedConstraints,
): MIPProblem {
  if (!limits.hasRows) return problem;
  return { ...problem, rows: [...problem.rows, ...armRows(cells, f, layout, limits)] };
}

function resolveSolver(s: SolverBackend | MIPSolver | undefined, formulation: Formulation, rows: boolean): MIPSolver {
  if (s !== undefined && typeof s !== 'string') return s;
  const name = s ?? (formulation === 'chance' || formulation === 'cvar' || rows ? 'glpk' : 'exact');
  switch (name) {
    case 'exact':
      return new ExactMCKPSolver();
    case 'glpk':
      return new GLPKSolver();
    case 'highs':
      return new HighsSolver();
    default: {
      const never: never = name;
      throw new ValidationError({ path: ['solver'], message: `unknown solver ${String(never)}` });
    }
  }
}

function normalizeBudgets(budgets: readonly (Budget | number)[], population: number): number[] {
  if (!Array.isArray(budgets) || budgets.length === 0) {
    throw new ValidationError({ path: ['budgets'], message: 'expected a non-empty array of budgets' });
  }
  const per = budgets.map((b, i) => {
    if (typeof b === 'number') return checkNumber(`budgets.${i}`, b);
    if (typeof b === 'object' && b !== null && 'perUser' in b) return checkNumber(`budgets.${i}.perUser`, b.perUser);
    if (typeof b === 'object' && b !== null && 'total' in b)
      return checkNumber(`budgets.${i}.total`, b.total) / population;
    throw new ValidationError({ path: ['budgets', i], message: 'expected a number, { perUser } or { total }' });
  });
  return [...new Set(per)].sort((a, b) => a - b);
}

/**
 * The bootstrap estimate of the plan's cost optimism (see {@link StochasticBudgetSolverOptions.costCorrection}) as a
 * function of the total budget: it returns the budget less the optimism, at least the cheapest plan's cost `floor`.
 * The scenarios' knapsacks do not depend on the budget, so they are built once for the whole grid.
 *
 * The bootstrap world's true cell costs are the point estimates shrunk toward their arm's mean over groups
 * ({@link shrunkCosts}): costing the scenarios' plans on the raw point estimates would give that world the groups'
 * spread of estimated costs as true differences, so that its plans would select partly on real costs and the
 * optimism would come out too small where the groups' true costs are alike. In scenario s each cell's estimate is
 * that truth plus the scenario's deviation from the point estimate (value and cost alike; a robust layout keeps its
 * penalties), the plan of scenario s is solved at the budget, and its optimism is its true cost minus its estimated
 * cost. Scenarios whose cheapest plan is above the budget are skipped.
 */
function costOptimism(
  cells: CellScenarios,
  L: ProblemLayout,
  f: FormulationSettings,
  o: { timeLimit: number; mipGap: number },
): (total: number, floor: number) => number {
  const { m, S } = cells;
  const km = cells.k * m;
  const truth = shrunkCosts(cells);
  // Users per unit of layout variable v: the group's share of the population over the units per group.
  const w = Float64Array.from(L.cell, (c) => (f.population * (cells.weight[Math.floor(c / m)] as number)) / f.units);
  const cores = Array.from({ length: S }, (_, s) => {
    const value = new Float64Array(L.nx);
    const cost = new Float64Array(L.nx);
    for (let v = 0; v < L.nx; v++) {
      const c = L.cell[v] as number;
      const wv = w[v] as number;
      value[v] = (L.value[v] as number) + wv * ((cells.scenUplift[s * km + c] as number) - (cells.uplift[c] as number));
      cost[v] =
        (L.cost[v] as number) +
        wv * ((truth[c] as number) - (cells.cost[c] as number)) +
        wv * ((cells.scenCost[s * km + c] as number) - (cells.cost[c] as number));
    }
    return coreOf({ ...L, value, cost }, f.units);
  });
  return (total, floor) => {
    let sum = 0;
    let used = 0;
    cores.forEach((core, s) => {
      const res = core.core.solve(total, { timeLimit: o.timeLimit, mipGap: o.mipGap, copyKey: core.copyKey });
      if (res === undefined) return;
      // Optimism: the plan's cost in the bootstrap world's truth minus its cost as scenario s estimates it.
      for (const item of res.choice) {
        const v = core.variable[item] as number;
        const c = L.cell[v] as number;
        sum -= (w[v] as number) * ((cells.scenCost[s * km + c] as number) - (cells.cost[c] as number));
      }
      used++;
    });
    if (used === 0) return total;
    return Math.max(floor, total - Math.max(0, sum / used));
  };
}

/**
 * Each available cell's cost shrunk toward its arm's mean over groups by empirical Bayes: the between-group variance
 * tau^2 of the arm's true costs is the variance of the groups' estimates less their mean sampling variance (the
 * scenarios' variance of each cell's cost, by the method of moments, at least 0), and a cell moves toward the mean
 * by se^2 / (se^2 + tau^2). An arm with fewer than 3 available groups keeps its estimates.
 */
function shrunkCosts(cells: CellScenarios): Float64Array {
  const { k, m, S } = cells;
  const km = k * m;
  const out = Float64Array.from(cells.cost);
  const se2 = scenarioStd(cells.scenCost, S, km).map((sd) => sd * sd);
  for (let j = 0; j < m; j++) {
    const cs: number[] = [];
    for (let g = 0; g < k; g++) if (cells.available[g * m + j] === 1) cs.push(g * m + j);
    if (cs.length < 3) continue;
    const mean = cs.reduce((a, c) => a + (cells.cost[c] as number), 0) / cs.length;
    const spread = cs.reduce((a, c) => a + ((cells.cost[c] as number) - mean) ** 2, 0) / (cs.length - 1);
    const noise = cs.reduce((a, c) => a + (se2[c] as number), 0) / cs.length;
    const tau2 = Math.max(0, spread - noise);
    for (const c of cs) {
      const e = se2[c] as number;
      if (e + tau2 > 0) out[c] = mean + (tau2 / (tau2 + e)) * ((cells.cost[c] as number) - mean);
    }
  }
  return out;
}

/** The multiple-choice knapsack of an expected/robust layout, built once for all budgets. */
function coreOf(L: ProblemLayout, units: number): { core: MCKPCore; variable: Int32Array; copyKey: Int32Array } {
  const k = L.groupStart.length - 1;
  const start = new Int32Array(k * units + 1);
  const n = L.nx * units;
  const value = new Float64Array(n);
  const cost = new Float64Array(n);
  const variable = new Int32Array(n);
  const copyKey = new Int32Array(k * units).fill(-1);
  let i = 0;
  let G = 0;
  for (let g = 0; g < k; g++) {
    for (let u = 0; u < units; u++) {
      start[G] = i;
      if (units > 1) copyKey[G] = g;
      for (let v = L.groupStart[g] as number; v < (L.groupStart[g + 1] as number); v++) {
        value[i] = L.value[v] as number;
        cost[i] = L.cost[v] as number;
        variable[i] = v;
        i++;
      }
      G++;
    }
  }
  start[G] = i;
  return { core: new MCKPCore(start, value, cost), variable, copyKey };
}
