import { InfeasibleBudgetError } from '../core/errors.js';
import { DEFAULT_SEED, deriveSeed } from '../core/rng.js';
import { type RCTDataset, subsetRows } from '../data/dataset.js';
import type { AllocationTable } from '../solver/allocation-table.js';
import { GroupStats, type GroupStatsOptions } from '../solver/group-stats.js';
import { StochasticBudgetSolver, type StochasticBudgetSolverOptions } from '../solver/stochastic-solver.js';
import { predictionRows, type RowPredictions, regressionAdjusted } from './adjust.js';

/** Out-of-fold predictions of the training rows for regression-adjusted cell means ({@link regressionAdjusted}). */
export interface StatsAdjustment {
  readonly pred: RowPredictions;
  readonly adjustCost: boolean;
}

/**
 * Group statistics of the served grouping. A group to which the served grouping gives fewer than `minControl` control
 * rows (the student rarely picks it) takes its statistics from the teacher's rows of that group instead, so every
 * group's uplift over control can still be estimated. With `adjust`, every cell mean is regression-adjusted by the
 * predictions, within the grouping its rows are measured in.
 */
export function servedStats(
  train: RCTDataset,
  served: Int32Array,
  teacher: Int32Array,
  k: number,
  minControl: number,
  options: GroupStatsOptions,
  adjust?: StatsAdjustment,
): GroupStats {
  const m = train.treatmentNames.length;
  const from = (data: RCTDataset, groups: Int32Array, o: GroupStatsOptions, rows?: number[]) =>
    GroupStats.from(
      adjust === undefined
        ? data
        : regressionAdjusted(
            data,
            groups,
            k,
            rows === undefined ? adjust.pred : predictionRows(adjust.pred, m, rows),
            adjust.adjustCost,
          ),
      { ...o, groups, k },
    );
  if (served === teacher) return from(train, served, options);
  const control = new Float64Array(k);
  for (let i = 0; i < train.n; i++)
    if (train.treatment[i] === 0) control[served[i] as number] = (control[served[i] as number] as number) + 1;
  const thin = (g: number) => (control[g] as number) < minControl;
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < train.n; i++) {
    if (!thin(served[i] as number)) a.push(i);
    if (thin(teacher[i] as number)) b.push(i);
  }
  if (b.length === 0) return from(train, served, options);
  const pick = (rows: number[], g: Int32Array) => Int32Array.from(rows, (i) => g[i] as number);
  const seed = options.seed ?? DEFAULT_SEED;
  return from(subsetRows(train, a), pick(a, served), { ...options, seed: deriveSeed(seed, 'served') }, a).merge(
    from(subsetRows(train, b), pick(b, teacher), { ...options, seed: deriveSeed(seed, 'teacher') }, b),
  );
}

/** Solves the grid, dropping grid points below the formulation's cheapest plan. */
export async function solveGrid(
  stats: GroupStats,
  options: StochasticBudgetSolverOptions,
  budgets: readonly number[],
  armNames: readonly string[],
): Promise<AllocationTable> {
  const solver = new StochasticBudgetSolver(options);
  let grid = [...budgets].sort((a, b) => a - b);
  try {
    return await solver.solve(stats, { budgets: grid, armNames });
  } catch (e) {
    if (!(e instanceof InfeasibleBudgetError)) throw e;
    const min = e.minimum;
    grid = grid.filter((b) => b >= min);
    if (grid.length === 0 || (grid[0] as number) > min * (1 + 1e-9) + 1e-12) grid.unshift(min * (1 + 1e-9) + 1e-12);
    return solver.solve(stats, { budgets: grid, armNames });
  }
}

/** The JSON-safe part of solver options (no callbacks or solver objects). */
export function plainSolverOptions(o: StochasticBudgetSolverOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(o)) {
    if (typeof v === 'function') continue;
    if (key === 'solver' && typeof v !== 'string') continue;
    out[key] = v;
  }
  return out;
}
