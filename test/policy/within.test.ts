import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import type { AllocationPolicy } from '../../src/policy/index.js';
import type { GroupStats } from '../../src/solver/index.js';
import { linearPolicy } from '../helpers/policy.js';

const setup = () => linearPolicy({ budgets: [0.1, 0.3, 0.6], seed: 4, studentSeed: 5, nTest: 3000 });

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

  it('fills the budget more closely with group shares, splitting groups by the row hash', async () => {
    const { policy, test, stats } = await setup();
    const n = test.n;
    for (const perUser of [0.1, 0.3]) {
      const whole = await policy.decideBatchWithin(test.features, { perUser });
      const split = await policy.decideBatchWithin(test.features, { perUser }, { shares: 10 });
      const wholeCost = modelCost(policy, stats, test.features, whole);
      const splitCost = modelCost(policy, stats, test.features, split);
      // Six groups leave slack under whole groups; tenths of groups leave less, and the exact counts never pass
      // the budget.
      expect(perUser * n - splitCost).toBeLessThan(perUser * n - wholeCost);
      expect(splitCost).toBeLessThanOrEqual(perUser * n * (1 + 1e-9));
      expect(splitCost).toBeGreaterThan(0.98 * perUser * n);
      // Some group is split: its users get different arms.
      const armsOf = new Map<number, Set<number>>();
      for (let i = 0; i < n; i++) {
        const g = policy.groupOf(test.features, i * policy.d);
        armsOf.set(g, (armsOf.get(g) ?? new Set()).add(split[i] as number));
      }
      expect([...armsOf.values()].some((a) => a.size > 1)).toBe(true);
      // Deterministic: the same batch gets the same arms.
      const again = await policy.decideBatchWithin(test.features, { perUser }, { shares: 10 });
      expect(Array.from(again)).toEqual(Array.from(split));
    }
  });

  it("keeps the model's cost within the budget with shares on a batch whose mix differs from the trial's", async () => {
    const { policy, test, stats } = await setup();
    const X = treatedRows(policy, stats, test.features, 0.3);
    const n = X.length / policy.d;
    for (const perUser of [0.1, 0.3]) {
      const split = await policy.decideBatchWithin(X, { perUser }, { shares: 10 });
      expect(modelCost(policy, stats, X, split)).toBeLessThanOrEqual(perUser * n * (1 + 1e-9));
    }
  });

  it.each([0, 1.5, 1001, Number.NaN])('rejects shares %s as a ValidationError naming the option', async (shares) => {
    const { policy, test } = await setup();
    const err = await policy.decideBatchWithin(test.features, { perUser: 0.3 }, { shares }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues[0]?.path).toEqual(['shares']);
  });
});
