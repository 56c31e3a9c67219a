import { describe, expect, it } from 'vitest';
import { calibratedThreshold, fitSpendCalibration, isotonic } from '../../src/baselines/calibration.js';
import {
  armsAtPrefix,
  assignmentCost,
  ladderPath,
  lagrangianPath,
  prefixAtKey,
  prefixWithinBudget,
} from '../../src/baselines/path.js';
import { InfeasibleBudgetError } from '../../src/core/errors.js';

describe('allocation paths', () => {
  it('lagrangianPath keys are marginal values per unit cost and fill within budget', () => {
    // user 0: (0,0), (1,3), (2,4); user 1: (0,0), (1,1), (3,6)
    const path = lagrangianPath([0, 3, 4, 0, 1, 6], [0, 1, 2, 0, 1, 3], 2, 3);
    expect(Array.from(path.key)).toEqual([3, 2, 1]);
    const costs = [0, 1, 2, 0, 1, 3];
    for (const b of [0, 0.5, 1, 2, 3.9, 4, 5, 10]) {
      const arms = armsAtPrefix(path, prefixWithinBudget(path, b));
      expect(assignmentCost(costs, arms, 3)).toBeLessThanOrEqual(b + 1e-12);
    }
    expect(Array.from(armsAtPrefix(path, prefixWithinBudget(path, 4)))).toEqual([1, 2]);
    expect(prefixAtKey(path, 2)).toBe(2);
    expect(prefixAtKey(path, 2.5)).toBe(1);
    expect(() => prefixWithinBudget(lagrangianPath([1, 2], [1, 2], 1, 2), 0.5)).toThrow(InfeasibleBudgetError);
  });

  it('ladderPath keeps each user ladder in order, drops non-positive steps and stops at the first misfit', () => {
    // user 0 keys 5 then 7 (made 5, 5); user 1 keys 6 then -1 (second step dropped)
    const keys = [5, 7, 6, -1];
    const costs = [0, 1, 3, 0, 2, 2.5];
    const path = ladderPath(keys, costs, 2, 3);
    expect(Array.from(path.user)).toEqual([1, 0, 0]);
    expect(Array.from(path.toArm)).toEqual([1, 1, 2]);
    expect(Array.from(path.key)).toEqual([6, 5, 5]);
    expect(Array.from(path.deltaCost)).toEqual([2, 1, 2]);
    expect(prefixWithinBudget(path, 2.5)).toBe(1);
    expect(Array.from(armsAtPrefix(path, 3))).toEqual([2, 1]);
  });
});

describe('spend calibration', () => {
  it('isotonic pools adjacent violators', () => {
    expect(isotonic([1, 3, 2, 4])).toEqual([1, 2.5, 2.5, 4]);
    expect(isotonic([3, 2, 1])).toEqual([2, 2, 2]);
  });

  it('lowers the threshold until the held-out spend meets the budget, correcting a biased cost model', () => {
    // 400 users, two arms, p = 1/2; the model thinks arm 1 costs 1, it really costs 2.
    const n = 400;
    const keys = new Float64Array(n).map((_, i) => n - i);
    const treatment = new Int32Array(n).map((_, i) => i % 2);
    const cost = new Float32Array(n).map((_, i) => (i % 2 === 1 ? 2 : 0));
    const propensity = new Float32Array(n).fill(0.5);
    const path = ladderPath(
      keys,
      new Float64Array(2 * n).map((_, k) => k % 2),
      n,
      2,
    );
    const modelCosts = new Float64Array(2 * n).map((_, k) => k % 2);
    for (const estimator of ['dr', 'ipw'] as const) {
      const cal = fitSpendCalibration(path, modelCosts, 2, { treatment, cost, propensity }, estimator);
      // Budget 0.5 per user: the model would treat half the users, the truth allows a quarter.
      const kappa = calibratedThreshold(cal, 0.5);
      const k = prefixAtKey(path, kappa);
      expect(k).toBeGreaterThan(0.2 * n);
      expect(k).toBeLessThanOrEqual(0.26 * n);
      expect(calibratedThreshold(cal, -1)).toBe(Number.POSITIVE_INFINITY);
    }
  });
});
