import { AllocationPolicy, policyMetadata } from '../../src/policy/index.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';
import { GroupStats, StochasticBudgetSolver } from '../../src/solver/index.js';
import { linearStudent } from './student.js';

/** Sizes and seeds of {@link linearPolicy}. */
export interface LinearPolicyOptions {
  readonly budgets: readonly number[];
  readonly k?: number;
  /** Seed of the simulated trial. @default 8 */
  readonly seed?: number;
  /** Seed of the random linear student. @default 3 */
  readonly studentSeed?: number;
  readonly nTest?: number;
  /** Rows of the simulated trial. @default 6000 */
  readonly nTrain?: number;
  /** Bootstrap replicates of the group statistics. @default GroupStats' own */
  readonly replicates?: number;
}

/**
 * A policy over a random linear student's groups of a simulated coupon trial (6,000 rows by default), its table solved with the
 * `expected` formulation at `budgets` for the trial's mix of groups, for policy tests.
 */
export async function linearPolicy(o: LinearPolicyOptions) {
  const k = o.k ?? 6;
  const seed = o.seed ?? 8;
  const { train, test, truth } = simulateCouponTrial({ nTrain: o.nTrain ?? 6000, nTest: o.nTest ?? 2000, seed });
  const student = linearStudent(train.d, k, o.studentSeed ?? 3);
  const groups = new Int32Array(train.n);
  const scratch = new Float32Array(k);
  for (let i = 0; i < train.n; i++) groups[i] = student.argmax(train.features, i * train.d, scratch);
  const stats = GroupStats.from(train, {
    groups,
    k,
    ...(o.replicates !== undefined ? { replicates: o.replicates } : {}),
  });
  const table = await new StochasticBudgetSolver({ formulation: 'expected' }).solve(stats, {
    budgets: o.budgets.map((perUser) => ({ perUser })),
    armNames: train.treatmentNames,
  });
  const policy = new AllocationPolicy({
    student,
    table,
    stats,
    solverOptions: { formulation: 'expected' },
    featureNames: train.featureNames,
    treatmentNames: train.treatmentNames,
    metadata: policyMetadata({ seed, method: 'test' }),
  });
  return { policy, train, test, truth, stats, groups };
}
