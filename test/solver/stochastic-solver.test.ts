import { describe, expect, it } from 'vitest';
import { InfeasibleBudgetError, ValidationError } from '../../src/core/errors.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';
import { AllocationTable } from '../../src/solver/allocation-table.js';
import { ExactMCKPSolver } from '../../src/solver/exact.js';
import { GLPKSolver } from '../../src/solver/glpk.js';
import { GroupStats } from '../../src/solver/group-stats.js';
import type { MIPSolver } from '../../src/solver/mip.js';
import { StochasticBudgetSolver } from '../../src/solver/stochastic-solver.js';

const { train } = simulateCouponTrial({ nTrain: 6000, nTest: 10, seed: 3 });
const K = 8;
// Groups by the sign pattern of three features: a crude stand-in for the clusterer.
const groups = Int32Array.from({ length: train.n }, (_, i) => {
  const f = train.features;
  const d = train.d;
  return (
    ((f[i * d] as number) > 0 ? 1 : 0) + ((f[i * d + 1] as number) > 0 ? 2 : 0) + ((f[i * d + 2] as number) > 0 ? 4 : 0)
  );
});
const stats = GroupStats.from(train, { groups, k: K, replicates: 40, seed: 5 });
const budgets = [0, 0.1, 0.2, 0.35, 0.5, 0.8, 1.2];

describe('StochasticBudgetSolver', () => {
  it('expected: plans within budget, value rising with budget, exact equals glpk', async () => {
    const a = await new StochasticBudgetSolver({ scenarioMethod: 'normal' }).solve(stats, { budgets });
    const b = await new StochasticBudgetSolver({ scenarioMethod: 'normal', solver: 'glpk' }).solve(stats, { budgets });
    for (let i = 0; i < a.size; i++) {
      expect(a.cost[i]).toBeLessThanOrEqual((a.budgets[i] as number) + 1e-12);
      if (i > 0) expect(a.value[i]).toBeGreaterThanOrEqual((a.value[i - 1] as number) - 1e-12);
      expect(a.value[i]).toBeCloseTo(b.value[i] as number, 9);
      expect(a.status[i]).toBe('optimal');
    }
    expect(a.minimumBudget).toBe(0);
    expect(a.value[a.size - 1]).toBeGreaterThan(0);
  });

  it('robust with kappa 0 equals expected; a larger kappa never raises the robust objective', async () => {
    const e = await new StochasticBudgetSolver({ formulation: 'expected' }).solve(stats, { budgets });
    const r0 = await new StochasticBudgetSolver({ formulation: 'robust', kappa: 0 }).solve(stats, { budgets });
    expect(Array.from(r0.value)).toEqual(Array.from(e.value));
    const r2 = await new StochasticBudgetSolver({ formulation: 'robust', kappa: 2, kappaCost: 1 }).solve(stats, {
      budgets,
    });
    for (let i = 0; i < r2.size; i++) expect(r2.value[i]).toBeLessThanOrEqual((e.value[i] as number) + 1e-12);
  });

  it('chance and cvar keep the budget in at least 1 - alpha of the scenarios', async () => {
    for (const formulation of ['chance', 'cvar'] as const) {
      const t = await new StochasticBudgetSolver({ formulation, alpha: 0.2, scenarios: 20, timeLimit: 20 }).solve(
        stats,
        { budgets: [0.2, 0.5] },
      );
      for (let i = 0; i < t.size; i++) expect(t.probWithinBudget[i]).toBeGreaterThanOrEqual(0.8 - 1e-12);
    }
  });

  it('integer shares are worth at least the one-arm plan and sum to one per group', async () => {
    const one = await new StochasticBudgetSolver().solve(stats, { budgets });
    const sh = await new StochasticBudgetSolver({ shares: 4 }).solve(stats, { budgets });
    expect(sh.shares).toBeDefined();
    for (let i = 0; i < sh.size; i++) {
      expect(sh.value[i]).toBeGreaterThanOrEqual((one.value[i] as number) - 1e-12);
      expect(sh.cost[i]).toBeLessThanOrEqual((sh.budgets[i] as number) + 1e-12);
    }
    const glpk = await new StochasticBudgetSolver({ shares: 4, solver: 'glpk' }).solve(stats, { budgets: [0.35] });
    expect(glpk.value[0]).toBeCloseTo(sh.value[sh.planIndex(0.35)] as number, 9);
  });

  it('throws InfeasibleBudgetError stating the minimum for a budget below the cheapest plan', async () => {
    const s = new StochasticBudgetSolver();
    await expect(s.solve(stats, { budgets: [-0.5, 0.3] })).rejects.toBeInstanceOf(InfeasibleBudgetError);
    await expect(s.solve(stats, { budgets: [-0.5] })).rejects.toMatchObject({ minimum: 0, budget: -0.5 });
    await expect(s.solve(stats, { budgets: [] })).rejects.toBeInstanceOf(ValidationError);
    await expect(new StochasticBudgetSolver({ alpha: 2 }).solve(stats, { budgets })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('is deterministic for a seed, uses bootstrap scenarios when available, accepts total budgets', async () => {
    const s = new StochasticBudgetSolver({ formulation: 'robust', seed: 9 });
    const a = await s.solve(stats, { budgets: [{ total: 0.3 * stats.n }, { perUser: 0.6 }] });
    const b = await s.solve(stats, { budgets: [0.3, 0.6] });
    expect(a.toJSON()).toEqual(b.toJSON());
    const n = await new StochasticBudgetSolver({ formulation: 'robust', seed: 9, scenarioMethod: 'normal' }).solve(
      stats,
      {
        budgets: [0.3, 0.6],
      },
    );
    expect(n.toJSON()).not.toEqual(a.toJSON());
  });

  it('hands the same MIPProblem to a plugged-in solver and round-trips the table through JSON', async () => {
    let calls = 0;
    const glpk = new GLPKSolver();
    const mine: MIPSolver = {
      name: 'mine',
      solve: (p, o) => {
        calls++;
        return glpk.solve(p, o);
      },
    };
    const s = new StochasticBudgetSolver({ solver: mine });
    const t = await s.solve(stats, { budgets: [0.25, 0.5], armNames: ['control', 'c1', 'c2', 'c3', 'c4'] });
    expect(calls).toBe(2);
    const p = s.problem(stats, { perUser: 0.5 });
    const sol = await new ExactMCKPSolver().solve(p);
    expect(sol.objective / stats.n).toBeCloseTo(t.value[1] as number, 9);
    const back = AllocationTable.fromJSON(JSON.parse(JSON.stringify(t)));
    expect(back.toJSON()).toEqual(t.toJSON());
    expect(back.armNames[1]).toBe('c1');
  });
});
