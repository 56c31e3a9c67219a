import { defaultBudgetGrid } from '../../src/pipeline/grid.js';
import { AllocationPolicy, policyMetadata } from '../../src/policy/index.js';
import { simulateCouponTrial } from '../../src/sim/index.js';
import { GroupStats, StochasticBudgetSolver } from '../../src/solver/index.js';
import { linearStudent, studentGroups } from '../helpers/student.js';

/** A small policy on the simulator: a random linear student's groups, their trial stats and a 24-budget grid. */
export async function onlinePolicy(seed = 3, k = 8): Promise<AllocationPolicy> {
  const { train } = simulateCouponTrial({ nTrain: 30_000, nTest: 10, seed });
  const student = linearStudent(train.d, k, seed + 2);
  const groups = studentGroups(student, train.features, train.d);
  const stats = GroupStats.from(train, { groups, k });
  const table = await new StochasticBudgetSolver().solve(stats, {
    budgets: defaultBudgetGrid(stats),
    armNames: train.treatmentNames,
  });
  return new AllocationPolicy({
    student,
    table,
    stats,
    featureNames: train.featureNames,
    treatmentNames: train.treatmentNames,
    metadata: policyMetadata({ method: 'test' }),
  });
}
