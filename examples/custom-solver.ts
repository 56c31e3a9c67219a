// Plugging your own MIP solver into HRC. Any object with `name` and `solve(problem)` is a MIPSolver: here a
// solver that logs each problem's size and delegates to glpk.js. Run: npx tsx examples/custom-solver.ts
import { HRCPipeline, simulateCouponTrial, useBackend } from '../src/index.js';
import { GLPKSolver, type MIPProblem, type MIPSolution, type MIPSolveOptions, type MIPSolver } from '../src/solver.js';

class LoggingSolver implements MIPSolver {
  readonly name = 'logging-glpk';
  private readonly inner = new GLPKSolver();
  solved = 0;

  async solve(problem: MIPProblem, options?: MIPSolveOptions): Promise<MIPSolution> {
    this.solved++;
    const integers = Array.from(problem.integer).filter((v) => v === 1).length;
    const solution = await this.inner.solve(problem, options);
    console.log(
      `MIP ${this.solved}: ${problem.objective.length} variables (${integers} integer), ${problem.rows.length} rows -> ${solution.status}`,
    );
    return solution;
  }
}

await useBackend('wasm');
const { train, test } = simulateCouponTrial({ nTrain: 8000, seed: 3 });
const solver = new LoggingSolver();
// The chance-constrained formulation: the budget must hold in 90% of bootstrap scenarios.
const hrc = await new HRCPipeline({
  seed: 3,
  clustering: { k: 8 },
  budgets: [0.1, 0.2, 0.4],
  solver: { formulation: 'chance', alpha: 0.1, scenarios: 50, solver },
}).fit(train);
const t = hrc.policy.table;
for (let i = 0; i < t.size; i++) {
  console.log(
    `budget ${t.budgets[i]?.toFixed(2)}: expected cost ${t.cost[i]?.toFixed(3)}, P(cost within budget) ${t.probWithinBudget[i]?.toFixed(2)}`,
  );
}
console.log(
  'arms of the first 10 test users at 0.2:',
  Array.from((await hrc.assign(test.features, { perUser: 0.2 })).subarray(0, 10)),
);
hrc.dispose();
