import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SolverError } from '../../src/core/errors.js';
import { ExactMCKPSolver } from '../../src/solver/exact.js';
import { GLPKSolver, mapGLPKStatus } from '../../src/solver/glpk.js';
import { HighsSolver, mapHighsStatus } from '../../src/solver/highs.js';
import { maxViolation } from '../../src/solver/mip.js';
import { type Instance, toProblem } from './helpers.js';

const medium: fc.Arbitrary<Instance> = fc
  .record({ G: fc.integer({ min: 10, max: 40 }), m: fc.integer({ min: 2, max: 5 }), units: fc.constantFrom(1, 1, 3) })
  .chain(({ G, m, units }) =>
    fc.record({
      values: fc.array(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: m, maxLength: m }), {
        minLength: G,
        maxLength: G,
      }),
      costs: fc.array(fc.array(fc.integer({ min: 0, max: 300 }), { minLength: m, maxLength: m }), {
        minLength: G,
        maxLength: G,
      }),
      units: fc.constant(Array.from({ length: G }, () => units)),
      capacity: fc.integer({ min: 0, max: 150 * G * units }),
    }),
  );

describe('MIP backends', () => {
  const exact = new ExactMCKPSolver();
  const glpk = new GLPKSolver();
  const highs = new HighsSolver();

  it('exact equals glpk.js and HiGHS on medium multiple-choice knapsacks', async () => {
    await fc.assert(
      fc.asyncProperty(medium, async (inst) => {
        const p = toProblem(inst);
        const [a, b, c] = [await exact.solve(p), await glpk.solve(p), await highs.solve(p)];
        expect(b.status).toBe(a.status);
        expect(c.status).toBe(a.status);
        if (a.status !== 'optimal') return;
        expect(b.objective).toBeCloseTo(a.objective, 6);
        expect(c.objective).toBeCloseTo(a.objective, 6);
        expect(maxViolation(p, a.x)).toBeLessThanOrEqual(1e-9);
      }),
      { numRuns: 40 },
    );
  });

  it('reports infeasible problems as infeasible in every backend', async () => {
    const p = toProblem({ values: [[1, 2]], costs: [[2, 3]], units: [1], capacity: 1 });
    for (const s of [exact, glpk, highs]) expect((await s.solve(p)).status).toBe('infeasible');
  });

  it('maps every glpk status', () => {
    const g = { GLP_UNDEF: 1, GLP_FEAS: 2, GLP_INFEAS: 3, GLP_NOFEAS: 4, GLP_OPT: 5, GLP_UNBND: 6 };
    expect([1, 2, 3, 4, 5, 6].map((c) => mapGLPKStatus(g, c))).toEqual([
      'noSolution',
      'feasible',
      'infeasible',
      'infeasible',
      'optimal',
      'unbounded',
    ]);
    expect(() => mapGLPKStatus(g, 99)).toThrow(SolverError);
  });

  it('maps every HiGHS status', () => {
    expect(mapHighsStatus(7, true)).toBe('optimal');
    expect(mapHighsStatus(8, false)).toBe('infeasible');
    expect(mapHighsStatus(9, false)).toBe('infeasibleOrUnbounded');
    expect(mapHighsStatus(10, false)).toBe('unbounded');
    for (const c of [11, 12, 13, 14, 15, 16, 17]) {
      expect(mapHighsStatus(c, true)).toBe('feasible');
      expect(mapHighsStatus(c, false)).toBe('noSolution');
    }
    for (const c of [0, 1, 2, 3, 4, 5]) expect(() => mapHighsStatus(c, false)).toThrow(SolverError);
  });

  it('solves a general MIP (not a knapsack) in glpk and HiGHS alike', async () => {
    // maximize 3a + 2b + 4c  s.t.  a + b + 2c <= 4, a + 3b + c >= 2, a, b integer in [0, 3], c continuous in [0, 1.5]
    const p = {
      sense: 'maximize' as const,
      objective: [3, 2, 4],
      lower: [0, 0, 0],
      upper: [3, 3, 1.5],
      integer: [1, 1, 0],
      rows: [
        { index: [0, 1, 2], value: [1, 1, 2], lower: Number.NEGATIVE_INFINITY, upper: 4 },
        { index: [0, 1, 2], value: [1, 3, 1], lower: 2, upper: Number.POSITIVE_INFINITY },
      ],
    };
    const [b, c] = [await glpk.solve(p), await highs.solve(p)];
    expect(b.status).toBe('optimal');
    expect(c.status).toBe('optimal');
    expect(b.objective).toBeCloseTo(c.objective, 6);
    expect(b.objective).toBeCloseTo(11, 6); // a = 3, b = 1 or c = 0.5: 3*3 + 2 = 11 = 9 + 4*0.5
    await expect(exact.solve(p)).rejects.toBeInstanceOf(SolverError);
  });
});
