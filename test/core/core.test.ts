import { describe, expect, it } from 'vitest';
import { HRCError, InfeasibleBudgetError, NotFittedError, ValidationError } from '../../src/core/errors.js';
import { deriveSeed, RNG } from '../../src/core/rng.js';
import { checkBudget, checkFeatures } from '../../src/core/validate.js';

describe('RNG', () => {
  it('is reproducible and seeds children by name', () => {
    const a = new RNG(7);
    const b = new RNG(7);
    expect([a.next(), a.next(), a.normal()]).toEqual([b.next(), b.next(), b.normal()]);
    expect(deriveSeed(7, 'net')).toBe(deriveSeed(7, 'net'));
    expect(deriveSeed(7, 'net')).not.toBe(deriveSeed(7, 'kmeans'));
    expect(deriveSeed(0, '')).toBeGreaterThan(0);
  });
  it('draws standard normals', () => {
    const r = new RNG(1);
    let s = 0;
    let s2 = 0;
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.03);
  });
  it('permutes', () => {
    const p = new RNG(3).permutation(100);
    expect(Array.from(p).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});

describe('errors and validation', () => {
  it('carries codes and issues', () => {
    const e = new ValidationError([{ path: ['line', 3, 'column', 'x'], message: 'bad' }]);
    expect(e).toBeInstanceOf(HRCError);
    expect(e.code).toBe('VALIDATION');
    expect(e.message).toBe('line 3, column x: bad');
    expect(new NotFittedError('Net', 'embed').code).toBe('NOT_FITTED');
    const inf = new InfeasibleBudgetError(1, 2, 'perUser');
    expect(inf.minimum).toBe(2);
    expect(inf.message).toMatch(/at least 2/);
  });
  it('checks budgets and features', () => {
    expect(checkBudget({ perUser: 0.5 })).toEqual({ perUser: 0.5 });
    expect(() => checkBudget({ perUser: -1 })).toThrow(/budget.perUser/);
    expect(() => checkBudget({ perUser: 1, total: 2 })).toThrow(/exactly one/);
    expect(() => checkBudget(null)).toThrow(ValidationError);
    expect(checkFeatures(new Float32Array(6), 3)).toBe(2);
    expect(() => checkFeatures(new Float32Array(5), 3)).toThrow(/not a multiple/);
    expect(() => checkFeatures(Float32Array.from([1, Number.NaN]), 2)).toThrow(/features, row 0, column 1/);
  });
});
