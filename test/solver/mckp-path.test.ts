import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InfeasibleBudgetError, ValidationError } from '../../src/core/errors.js';
import { assignAtBudget, mckpPath, upgradesWithin } from '../../src/solver/mckp.js';
import { referenceMCKPPath } from './reference-mckp.js';

const instance = fc
  .record({ n: fc.integer({ min: 1, max: 60 }), m: fc.integer({ min: 1, max: 6 }), discrete: fc.boolean() })
  .chain(({ n, m, discrete }) => {
    const num = discrete
      ? fc.integer({ min: 0, max: 4 })
      : fc.double({ min: -5, max: 5, noNaN: true, noDefaultInfinity: true });
    const cst = discrete
      ? fc.integer({ min: 0, max: 3 })
      : fc.double({ min: 0, max: 5, noNaN: true, noDefaultInfinity: true });
    return fc.record({
      n: fc.constant(n),
      m: fc.constant(m),
      values: fc.array(num, { minLength: n * m, maxLength: n * m }),
      costs: fc.array(cst, { minLength: n * m, maxLength: n * m }),
    });
  });

describe('mckpPath', () => {
  it('equals the straightforward comparator-sort path exactly (order, arms, cumulative sums, deltas)', () => {
    fc.assert(
      fc.property(instance, ({ n, m, values, costs }) => {
        const a = mckpPath(Float64Array.from(values), Float64Array.from(costs), n, m);
        const b = referenceMCKPPath(values, costs, n, m);
        expect(Array.from(a.startArm)).toEqual(Array.from(b.startArm));
        expect(a.baseCost).toBe(b.baseCost);
        expect(Array.from(a.user)).toEqual(Array.from(b.user));
        expect(Array.from(a.toArm)).toEqual(Array.from(b.toArm));
        expect(Array.from(a.cumCost)).toEqual(Array.from(b.cumCost));
        expect(Array.from(a.cumValue)).toEqual(Array.from(b.cumValue));
        expect(Array.from(a.deltaCost)).toEqual(Array.from(b.deltaCost));
        expect(Array.from(a.deltaValue)).toEqual(Array.from(b.deltaValue));
      }),
      { numRuns: 300 },
    );
  });

  it('is monotone, and every assignment stays within its budget with the value of its prefix', () => {
    fc.assert(
      fc.property(instance, fc.double({ min: 0, max: 1, noNaN: true }), ({ n, m, values, costs }, frac) => {
        const p = mckpPath(values, costs, n, m);
        for (let a = 0; a < p.user.length; a++) {
          expect(p.deltaCost[a]).toBeGreaterThan(0);
          expect(p.deltaValue[a]).toBeGreaterThan(0);
          if (a > 0) expect(p.slope[a]).toBeLessThanOrEqual(p.slope[a - 1] as number);
          if (a > 0) expect(p.cumCost[a]).toBeGreaterThanOrEqual(p.cumCost[a - 1] as number);
        }
        const top = p.cumCost.length > 0 ? (p.cumCost[p.cumCost.length - 1] as number) : p.baseCost;
        const budget = p.baseCost + frac * (top - p.baseCost + 1);
        const arms = assignAtBudget(p, budget);
        let c = 0;
        let v = 0;
        for (let i = 0; i < n; i++) {
          c += costs[i * m + (arms[i] as number)] as number;
          v += values[i * m + (arms[i] as number)] as number;
        }
        expect(c).toBeLessThanOrEqual(budget + 1e-9 * Math.max(1, Math.abs(budget)));
        const k = upgradesWithin(p, budget);
        expect(v).toBeCloseTo(k > 0 ? (p.cumValue[k - 1] as number) : p.baseValue, 6);
        // Never worse than giving everyone the start arm, and larger budgets never lose value.
        const more = assignAtBudget(p, budget + 1);
        let v2 = 0;
        for (let i = 0; i < n; i++) v2 += values[i * m + (more[i] as number)] as number;
        expect(v2).toBeGreaterThanOrEqual(v - 1e-9);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the worked example and rejects bad input', () => {
    const path = mckpPath([0, 3, 4, 0, 1, 6], [0, 1, 2, 0, 1, 3], 2, 3);
    expect(Array.from(path.toArm)).toEqual([1, 2, 2]);
    expect(Array.from(assignAtBudget(path, 4))).toEqual([1, 2]);
    expect(() => assignAtBudget(mckpPath([1, 2], [1, 2], 1, 2), 0.5)).toThrow(InfeasibleBudgetError);
    expect(() => mckpPath([1, 2, 3], [1, 2], 1, 2)).toThrow(ValidationError);
    expect(() => mckpPath([1, Number.NaN], [1, 2], 1, 2)).toThrow(ValidationError);
  });

  it('handles ties on the 48-bit radix key by exact slope and large equal-slope runs', () => {
    // Slopes 1 + 2^-45 and 1 agree on the top 48 bits; many users with exactly equal slopes keep user order.
    const n = 2000;
    const values = new Float64Array(n * 2);
    const costs = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) {
      costs[i * 2 + 1] = 1;
      values[i * 2 + 1] = i % 3 === 0 ? 1 + 2 ** -45 : 1;
    }
    const a = mckpPath(values, costs, n, 2);
    const b = referenceMCKPPath(values, costs, n, 2);
    expect(Array.from(a.user)).toEqual(Array.from(b.user));
    expect(Array.from(a.cumValue)).toEqual(Array.from(b.cumValue));
    expect(Array.from(a.cumCost)).toEqual(Array.from(b.cumCost));
  });
});
