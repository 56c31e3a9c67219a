import { describe, expect, it } from 'vitest';
import { InfeasibleBudgetError } from '../../src/core/errors.js';
import { assignAtBudget, mckpPath } from '../../src/solver/mckp.js';

describe('mckpPath (basic)', () => {
  it('follows each user convex hull and respects the budget', () => {
    // user 0: arms (cost, value) = (0,0), (1,3), (2,4); user 1: (0,0), (1,1), (3,6)
    const values = [0, 3, 4, 0, 1, 6];
    const costs = [0, 1, 2, 0, 1, 3];
    const path = mckpPath(values, costs, 2, 3);
    // user 1's (1,1) lies under the hull from (0,0) to (3,6): skipped.
    expect(Array.from(path.toArm)).toEqual([1, 2, 2]);
    expect(Array.from(assignAtBudget(path, 0))).toEqual([0, 0]);
    expect(Array.from(assignAtBudget(path, 1))).toEqual([1, 0]);
    expect(Array.from(assignAtBudget(path, 4))).toEqual([1, 2]);
    expect(Array.from(assignAtBudget(path, 5))).toEqual([2, 2]);
    expect(() => assignAtBudget(mckpPath([1, 2], [1, 2], 1, 2), 0.5)).toThrow(InfeasibleBudgetError);
  });
});
