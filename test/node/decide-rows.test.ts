import { describe, expect, it } from 'vitest';
import { RNG } from '../../src/core/rng.js';
import { decideRows } from '../../src/node/decide-rows.js';
import { AllocationPolicy, policyMetadata, StudentNet } from '../../src/policy/index.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';
import { AllocationTable, GroupStats, StochasticBudgetSolver } from '../../src/solver/index.js';

/** A three-layer ReLU student with random weights over d features and k groups. */
function student(d: number, k: number): StudentNet {
  const r = new RNG(21);
  const layer = (inSize: number, outSize: number, activation: 'relu' | 'linear') => ({
    inSize,
    outSize,
    kernel: Float32Array.from({ length: inSize * outSize }, () => r.normal() / Math.sqrt(inSize)),
    bias: Float32Array.from({ length: outSize }, () => 0.2 * r.normal()),
    activation,
  });
  return new StudentNet(
    [layer(d, 16, 'relu'), layer(16, 9, 'relu'), layer(9, k, 'linear')],
    new Float32Array(d).fill(0.1),
    new Float32Array(d).fill(1.5),
  );
}

describe('decideRows and StudentNet.argmaxBatch', () => {
  it('give decideBatch and argmax results, four rows at a time and for the rest', async () => {
    const { train, test } = simulateCouponTrial({ nTrain: 3000, nTest: 1003, seed: 4 });
    const k = 7;
    const s = student(train.d, k);
    const groups = s.argmaxBatch(train.features, new Int32Array(train.n));
    const stats = GroupStats.from(train, { groups, k });
    const table = await new StochasticBudgetSolver().solve(stats, {
      budgets: [0.5, 1, 2],
      armNames: train.treatmentNames,
    });
    const make = (t: AllocationTable) =>
      new AllocationPolicy({
        student: s,
        table: t,
        featureNames: train.featureNames,
        treatmentNames: train.treatmentNames,
        metadata: policyMetadata(),
      });
    const shares = new Float64Array(table.size * k * table.m);
    for (let r = 0; r < table.size * k; r++) {
      shares[r * table.m] = 0.5;
      const j = r * table.m + ((table.arms[r] as number) || 1);
      shares[j] = (shares[j] as number) + 0.5;
    }
    for (const policy of [make(table), make(new AllocationTable({ ...table, shares }))]) {
      const n = test.n;
      const g = policy.student.argmaxBatch(test.features, new Int32Array(n - 3), 3);
      for (let i = 0; i < n - 3; i++) expect(g[i]).toBe(policy.groupOf(test.features, (i + 3) * test.d));
      for (const b of [0.5, 1.3, 2]) {
        const got = decideRows(policy, test.features, { perUser: b }, new Int32Array(n));
        expect(Array.from(got)).toEqual(Array.from(policy.decideBatch(test.features, { perUser: b })));
      }
    }
  });
});
