import { describe, expect, it } from 'vitest';
import { AllocationPolicy, policyMetadata } from '../../src/policy/index.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';
import { GroupStats, StochasticBudgetSolver } from '../../src/solver/index.js';
import { linearStudent } from '../helpers/student.js';

/** A policy over a random linear student's groups of a simulated trial, solved for the trial's mix of groups. */
async function setup() {
  const { train, test } = simulateCouponTrial({ nTrain: 6000, nTest: 3000, seed: 4 });
  const k = 6;
  const student = linearStudent(train.d, k, 5);
  const groups = new Int32Array(train.n);
  const scratch = new Float32Array(k);
  for (let i = 0; i < train.n; i++) groups[i] = student.argmax(train.features, i * train.d, scratch);
  const stats = GroupStats.from(train, { groups, k });
  const table = await new StochasticBudgetSolver({ formulation: 'expected' }).solve(stats, {
    budgets: [0.1, 0.3, 0.6].map((perUser) => ({ perUser })),
    armNames: train.treatmentNames,
  });
  const policy = new AllocationPolicy({
    student,
    table,
    stats,
    solverOptions: { formulation: 'expected' },
    featureNames: train.featureNames,
    treatmentNames: train.treatmentNames,
    metadata: policyMetadata({ seed: 4, method: 'test' }),
  });
  return { policy, test, stats };
}

/** The model's expected total cost of arms: each user's (group, arm) cell cost. */
function modelCost(policy: AllocationPolicy, stats: GroupStats, X: Float32Array, arms: Int32Array): number {
  let total = 0;
  for (let i = 0; i < arms.length; i++) total += stats.cell(policy.groupOf(X, i * policy.d), arms[i] as number).cost;
  return total;
}

/** The rows of `X` whose group the plan at `perUser` treats with its most expensive arm. */
function treatedRows(policy: AllocationPolicy, stats: GroupStats, X: Float32Array, perUser: number): Float32Array {
  const plan = policy.planFor({ perUser });
  const rows: number[] = [];
  const n = X.length / policy.d;
  for (let i = 0; i < n; i++) {
    const g = policy.groupOf(X, i * policy.d);
    if (stats.cell(g, policy.table.armFor(plan, g)).cost > 0.2) rows.push(i);
  }
  const out = new Float32Array(rows.length * policy.d);
  rows.forEach((r, q) => {
    out.set(X.subarray(r * policy.d, (r + 1) * policy.d), q * policy.d);
  });
  return out;
}

describe('AllocationPolicy.decideBatchWithin', () => {
  it("keeps the model's cost within the budget on a batch whose mix of groups differs from the trial's", async () => {
    const { policy, test, stats } = await setup();
    const perUser = 0.3;
    const X = treatedRows(policy, stats, test.features, perUser);
    const n = X.length / policy.d;
    expect(n).toBeGreaterThan(50);
    // The trial-mix plan overspends on this batch (every user of it is in a group the plan treats expensively) ...
    const grid = policy.decideBatch(X, { perUser });
    expect(modelCost(policy, stats, X, grid)).toBeGreaterThan(perUser * n * 1.05);
    // ... the batch's own plan does not, and still spends most of the budget.
    const own = await policy.decideBatchWithin(X, { perUser });
    const cost = modelCost(policy, stats, X, own);
    expect(cost).toBeLessThanOrEqual(perUser * n * (1 + 1e-9));
    expect(cost).toBeGreaterThan(0.5 * perUser * n);
    const total = await policy.decideBatchWithin(X, { total: perUser * n });
    expect(Array.from(total)).toEqual(Array.from(own));
  });

  it("stays within the budget on the trial's own mix, and gives an empty result for no users", async () => {
    const { policy, test, stats } = await setup();
    const own = await policy.decideBatchWithin(test.features, { perUser: 0.3 });
    expect(modelCost(policy, stats, test.features, own)).toBeLessThanOrEqual(0.3 * (test.n + 1e-6));
    expect(await policy.decideBatchWithin(new Float32Array(0), { perUser: 0.3 })).toHaveLength(0);
  });
});
