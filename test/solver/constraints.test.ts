import { beforeAll, describe, expect, it } from 'vitest';
import { InfeasibleBudgetError, ValidationError } from '../../src/core/errors.js';
import { RNG } from '../../src/core/rng.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';
import {
  type AllocationTable,
  type GroupConstraints,
  GroupStats,
  StochasticBudgetSolver,
  type StochasticBudgetSolverOptions,
} from '../../src/solver/index.js';

const K = 7;
const NAMES = ['control', 'coupon_1', 'coupon_2', 'coupon_3', 'coupon_4'];
let stats: GroupStats;

beforeAll(() => {
  const { train } = simulateCouponTrial({ nTrain: 8000, nTest: 10, seed: 21 });
  // Groups from the first feature (so arms' effects differ by group), plus a little noise.
  const r = new RNG(4);
  const groups = Int32Array.from({ length: train.n }, (_, i) => {
    const x = (train.features[i * train.d] as number) + 0.3 * r.normal();
    return Math.max(0, Math.min(K - 1, Math.floor((x + 3) / (6 / K))));
  });
  stats = GroupStats.from(train, { groups, k: K });
});

const BUDGETS = [0.3, 0.6, 1.0];

function solve(options: StochasticBudgetSolverOptions): Promise<AllocationTable> {
  return new StochasticBudgetSolver(options).solve(stats, { budgets: BUDGETS, armNames: NAMES });
}

/** Share of the population on arm j in plan b. */
function armShare(t: AllocationTable, b: number, j: number): number {
  let s = 0;
  let n = 0;
  for (let g = 0; g < t.k; g++) {
    const w = stats.groupCount(g);
    n += w;
    if (t.armFor(b, g) === j) s += w;
  }
  return s / n;
}

describe('constraints in the group-level program', () => {
  it('caps and minimum shares hold and glpk and highs agree', async () => {
    const free = await solve({ solver: 'glpk' });
    // Cap the arm the free plans use most, at half its share, and ask for 10% of an arm they leave out.
    const top = BUDGETS.length - 1;
    const shares = NAMES.map((_, j) => armShare(free, top, j));
    const most = shares.indexOf(Math.max(...shares));
    const unused = shares.findIndex((s, j) => j > 0 && s === 0);
    expect(unused).toBeGreaterThan(0);
    const cap = (shares[most] as number) / 2;
    const constraints: GroupConstraints = {
      arms: { [NAMES[most] as string]: { maxShare: cap }, [NAMES[unused] as string]: { minShare: 0.1 } },
    };
    const [g, h] = [await solve({ solver: 'glpk', constraints }), await solve({ solver: 'highs', constraints })];
    for (let b = 0; b < BUDGETS.length; b++) {
      for (const t of [g, h]) {
        expect(armShare(t, b, most)).toBeLessThanOrEqual(cap + 1e-9);
        expect(armShare(t, b, unused)).toBeGreaterThanOrEqual(0.1 - 1e-9);
        expect(t.cost[b] as number).toBeLessThanOrEqual((BUDGETS[b] as number) * (1 + 1e-9));
      }
      expect(g.value[b]).toBeCloseTo(h.value[b] as number, 6);
      expect(g.value[b] as number).toBeLessThanOrEqual((free.value[b] as number) + 1e-9);
    }
    expect(g.value[top] as number).toBeLessThan((free.value[top] as number) - 1e-6);
    // Caps as a number of users are read as a share of the population solved for.
    const byUsers = await new StochasticBudgetSolver({
      solver: 'glpk',
      constraints: { arms: { coupon_4: { maxUsers: 1600 } } },
    }).solve(stats, { budgets: BUDGETS, armNames: NAMES, population: 8000 });
    for (let b = 0; b < BUDGETS.length; b++) expect(armShare(byUsers, b, 4)).toBeLessThanOrEqual(0.2 + 1e-9);
  });

  it('a group x arm mask gives the same plans with exact, glpk and highs, and is respected', async () => {
    const allowed = Array.from({ length: K * 5 }, (_, c) => (c % 5 === 4 && Math.floor(c / 5) % 2 === 0 ? 0 : 1));
    allowed[3 * 5 + 3] = 0;
    const tables = await Promise.all(
      (['exact', 'glpk', 'highs'] as const).map((solver) => solve({ solver, constraints: { allowed } })),
    );
    const [e, g, h] = tables as [AllocationTable, AllocationTable, AllocationTable];
    for (let b = 0; b < BUDGETS.length; b++) {
      expect(g.value[b]).toBeCloseTo(e.value[b] as number, 6);
      expect(h.value[b]).toBeCloseTo(e.value[b] as number, 6);
      for (let gr = 0; gr < K; gr++) expect(allowed[gr * 5 + e.armFor(b, gr)]).toBe(1);
    }
  });

  it('names the constraint that cannot be met', async () => {
    const infeasible = async (constraints: GroupConstraints, name: RegExp) => {
      const err = await solve({ solver: 'glpk', constraints }).catch((x: unknown) => x);
      expect(err).toBeInstanceOf(InfeasibleBudgetError);
      expect((err as InfeasibleBudgetError).constraint).toMatch(name);
    };
    const all = Object.fromEntries(NAMES.map((n) => [n, { maxShare: 0.1 }]));
    await infeasible({ arms: all }, /arms\.maxShare/);
    await infeasible({ arms: { coupon_1: { minShare: 0.6 }, coupon_2: { minShare: 0.6 } } }, /arms\.minShare/);
    await infeasible({ allowed: new Array(K * 5).fill(0) }, /allowed \(group 0\)/);
    // Feasible by shares, but not within the smallest budget: every user on the dearest coupon costs too much.
    await infeasible({ arms: { coupon_4: { minShare: 0.9 } } }, /^arms$/);
    await expect(solve({ solver: 'glpk', constraints: { arms: { coupon_9: { maxShare: 0.1 } } } })).rejects.toThrow(
      /constraints\.arms\.coupon_9: unknown arm/,
    );
    await expect(solve({ solver: 'exact', constraints: { arms: { coupon_4: { maxShare: 0.1 } } } })).rejects.toThrow(
      ValidationError,
    );
    await expect(solve({ constraints: { arms: { coupon_4: { maxShare: 2 } } } })).rejects.toThrow(/maxShare/);
  });
});
