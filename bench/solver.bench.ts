import { simulateCouponTrial } from '../src/sim/simulator.js';
import { ExactMCKPSolver } from '../src/solver/exact.js';
import { GLPKSolver } from '../src/solver/glpk.js';
import { GroupStats } from '../src/solver/group-stats.js';
import { HighsSolver } from '../src/solver/highs.js';
import type { MIPProblem, MIPSolution, MIPSolver } from '../src/solver/mip.js';
import { StochasticBudgetSolver } from '../src/solver/stochastic-solver.js';
import { type Report, time } from './harness.js';

export const name = 'solver';

const K = 1000;
const BUDGETS = Array.from({ length: 20 }, (_, i) => 0.05 * (i + 1)); // per user, 0.05 .. 1.00

/** GroupStats of a simulated coupon trial (300,000 rows, 5 arms) in K = 1000 groups: deciles of three features. */
function groupStats(): GroupStats {
  const { train } = simulateCouponTrial({ nTrain: 300_000, nTest: 10, seed: 11 });
  const cols = [0, 3, 6];
  const cuts = cols.map((c) => {
    const v = Float64Array.from({ length: train.n }, (_, i) => train.features[i * train.d + c] as number).sort();
    return Float64Array.from({ length: 9 }, (_, b) => v[Math.floor(((b + 1) * v.length) / 10)] as number);
  });
  const decile = (x: number, cut: Float64Array) => {
    let b = 0;
    while (b < 9 && x > (cut[b] as number)) b++;
    return b;
  };
  const groups = Int32Array.from({ length: train.n }, (_, i) =>
    cols.reduce((g, c, a) => g * 10 + decile(train.features[i * train.d + c] as number, cuts[a] as Float64Array), 0),
  );
  return GroupStats.from(train, { groups, k: K });
}

async function solveAll(solver: MIPSolver, problems: MIPProblem[]): Promise<{ seconds: number; sols: MIPSolution[] }> {
  const r = await time(async () => {
    const sols: MIPSolution[] = [];
    for (const p of problems) sols.push(await solver.solve(p, { timeLimit: 120, mipGap: 0 }));
    return sols;
  });
  return { seconds: r.seconds, sols: r.result };
}

/**
 * The group problem (K = 1000 groups, 5 arms, 20 per-user budgets, `expected` formulation): the same 20 MIPProblems
 * solved by the built-in exact solver, glpk.js and HiGHS; times, ratios and the largest relative difference of the
 * optimum. Also the exact solver through StochasticBudgetSolver, which builds the knapsack once for the grid.
 */
export async function run(report: Report): Promise<void> {
  const stats = groupStats();
  const sbs = new StochasticBudgetSolver();
  const problems = BUDGETS.map((b) => sbs.problem(stats, b));
  const vars = problems[0]?.objective.length ?? 0;
  // Warm up every backend once (wasm loading, JIT) outside the timings; exact is timed as the median of 3 runs.
  await new GLPKSolver().solve(problems[0] as MIPProblem);
  await new HighsSolver().solve(problems[0] as MIPProblem);
  await new ExactMCKPSolver().solve(problems[0] as MIPProblem);
  const exactRuns = [];
  for (let r = 0; r < 3; r++) exactRuns.push(await solveAll(new ExactMCKPSolver(), problems));
  exactRuns.sort((a, b) => a.seconds - b.seconds);
  const exact = exactRuns[1] as { seconds: number; sols: MIPSolution[] };
  const glpk = await solveAll(new GLPKSolver(), problems);
  const highs = await solveAll(new HighsSolver(), problems);
  await sbs.solve(stats, { budgets: BUDGETS });
  const grid = await time(() => sbs.solve(stats, { budgets: BUDGETS }));
  const diff = (a: MIPSolution[], b: MIPSolution[]) =>
    Math.max(...a.map((s, i) => Math.abs(s.objective - (b[i] as MIPSolution).objective) / Math.abs(s.objective)));
  const statuses = (s: MIPSolution[]) => [...new Set(s.map((x) => x.status))].join(',');
  const common = { groups: K, arms: 5, budgets: BUDGETS.length, variables: vars };
  report({
    bench: 'solver',
    metric: 'seconds for 20 budgets (exact vs glpk.js)',
    value: exact.seconds,
    peer: 'glpk.js 5',
    peerValue: glpk.seconds,
    maxRelDiffOptimum: diff(exact.sols, glpk.sols),
    statuses: `${statuses(exact.sols)} / ${statuses(glpk.sols)}`,
    ...common,
  });
  report({
    bench: 'solver',
    metric: 'seconds for 20 budgets (exact vs HiGHS)',
    value: exact.seconds,
    peer: 'highs (HiGHS wasm)',
    peerValue: highs.seconds,
    maxRelDiffOptimum: diff(exact.sols, highs.sols),
    statuses: `${statuses(exact.sols)} / ${statuses(highs.sols)}`,
    ...common,
  });
  report({
    bench: 'solver',
    metric: 'seconds for 20 budgets (StochasticBudgetSolver grid, exact core built once, vs glpk.js)',
    value: grid.seconds,
    peer: 'glpk.js 5',
    peerValue: glpk.seconds,
    maxRelDiffOptimum: Math.max(
      ...BUDGETS.map(
        (_, i) =>
          Math.abs((grid.result.value[i] as number) * stats.n - (glpk.sols[i] as MIPSolution).objective) /
          Math.abs((glpk.sols[i] as MIPSolution).objective),
      ),
    ),
    ...common,
  });
}
