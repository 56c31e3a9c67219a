import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { RNG } from '../../src/core/rng.js';
import { createDataset } from '../../src/data/dataset.js';
import { GroupStats } from '../../src/solver/group-stats.js';
import { StochasticBudgetSolver, type StochasticBudgetSolverOptions } from '../../src/solver/stochastic-solver.js';

// K groups that are all alike: the treated arm costs 1 with probability P_COST (else 0) and lifts the response by
// UPLIFT (a response without noise). Every group's true cost per user is P_COST, so a plan that picks groups by their
// estimated cost picks noise, and its estimated cost understates its true one (the optimizer's curse on costs).
const K = 30;
const ROWS = 150;
const P_COST = 0.3;
const UPLIFT = 0.1;

function trialStats(seed: number): GroupStats {
  const rng = new RNG(seed);
  const n = K * ROWS * 2;
  const groups = new Int32Array(n);
  const treatment = new Int32Array(n);
  const response = new Float32Array(n);
  const cost = new Float32Array(n);
  let i = 0;
  for (let g = 0; g < K; g++) {
    for (let r = 0; r < 2 * ROWS; r++, i++) {
      const t = r % 2;
      groups[i] = g;
      treatment[i] = t;
      response[i] = t * UPLIFT;
      cost[i] = t === 1 && rng.next() < P_COST ? 1 : 0;
    }
  }
  const data = createDataset({
    features: new Float32Array(n),
    d: 1,
    treatment,
    treatmentNames: ['control', 'treated'],
    response,
    cost,
  });
  return GroupStats.from(data, { groups, k: K, replicates: 100, seed: seed + 1 });
}

/** The plan's true cost per user over the budget: every treated share costs P_COST. */
async function trueSpendRatio(stats: GroupStats, budget: number, options: StochasticBudgetSolverOptions) {
  const t = await new StochasticBudgetSolver({ shares: 10, ...options }).solve(stats, { budgets: [budget] });
  let treated = 0;
  for (let g = 0; g < K; g++) treated += ((t.shares as Float64Array)[g * 2 + 1] as number) / K;
  return { truth: (treated * P_COST) / budget, estimated: (t.cost[0] as number) / budget };
}

describe("StochasticBudgetSolver costCorrection: 'bootstrap'", () => {
  it('brings the true spend of plans that select on noisy costs closer to the budget, and never above the estimate', async () => {
    const budget = 0.09; // about 30% of users treated
    const plain: number[] = [];
    const corrected: number[] = [];
    for (let seed = 1; seed <= 8; seed++) {
      const stats = trialStats(seed * 17);
      const a = await trueSpendRatio(stats, budget, {});
      const b = await trueSpendRatio(stats, budget, { costCorrection: 'bootstrap' });
      // The corrected plan's estimated cost stays within the budget and below the uncorrected plan's.
      expect(b.estimated).toBeLessThanOrEqual(1 + 1e-9);
      expect(b.estimated).toBeLessThanOrEqual(a.estimated + 1e-9);
      plain.push(a.truth);
      corrected.push(b.truth);
    }
    const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
    // Without the correction the plans overspend clearly; with it the mean bias is less than a third as large.
    expect(mean(plain)).toBeGreaterThan(1.05);
    expect(Math.abs(mean(corrected) - 1)).toBeLessThan((mean(plain) - 1) / 3);
  });

  it('leaves a plan alone where its cells are not chosen on their cost (every group treated)', async () => {
    const stats = trialStats(5);
    const big = 10; // above the cost of treating everyone
    const a = await new StochasticBudgetSolver({ shares: 10 }).solve(stats, { budgets: [big] });
    const b = await new StochasticBudgetSolver({ shares: 10, costCorrection: 'bootstrap' }).solve(stats, {
      budgets: [big],
    });
    expect(Array.from(b.shares ?? [])).toEqual(Array.from(a.shares ?? []));
  });

  it('is deterministic for a seed', async () => {
    const stats = trialStats(9);
    const o = { shares: 10, costCorrection: 'bootstrap' as const, seed: 3 };
    const a = await new StochasticBudgetSolver(o).solve(stats, { budgets: [0.05, 0.09] });
    const b = await new StochasticBudgetSolver(o).solve(stats, { budgets: [0.05, 0.09] });
    expect(Array.from(b.shares ?? [])).toEqual(Array.from(a.shares ?? []));
  });

  it('is refused where it does not apply, naming the option', async () => {
    const stats = trialStats(2);
    for (const o of [
      { formulation: 'chance' as const },
      { solver: 'glpk' as const },
      { costCorrection: 'always' as unknown as 'none' },
    ]) {
      const run = new StochasticBudgetSolver({ costCorrection: 'bootstrap', ...o }).solve(stats, { budgets: [0.05] });
      await expect(run).rejects.toThrow(ValidationError);
      await expect(run).rejects.toThrow(/costCorrection/);
    }
  });
});
