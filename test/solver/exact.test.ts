import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SolverError } from '../../src/core/errors.js';
import { ExactMCKPSolver } from '../../src/solver/exact.js';
import { evaluateObjective, maxViolation } from '../../src/solver/mip.js';
import { bruteForce, type Instance, toProblem } from './helpers.js';

const instance = (maxUnits: number, integral: boolean): fc.Arbitrary<Instance> =>
  fc.record({ G: fc.integer({ min: 1, max: 5 }), m: fc.integer({ min: 1, max: 4 }) }).chain(({ G, m }) => {
    const num = integral ? fc.integer({ min: -3, max: 12 }) : fc.double({ min: -3, max: 12, noNaN: true });
    const cst = integral ? fc.integer({ min: 0, max: 8 }) : fc.double({ min: 0, max: 8, noNaN: true });
    return fc.record({
      values: fc.array(fc.array(num, { minLength: m, maxLength: m }), { minLength: G, maxLength: G }),
      costs: fc.array(fc.array(cst, { minLength: m, maxLength: m }), { minLength: G, maxLength: G }),
      units: fc.array(fc.integer({ min: 1, max: maxUnits }), { minLength: G, maxLength: G }),
      capacity: fc.double({ min: -1, max: 8 * G * maxUnits, noNaN: true }),
    });
  });

describe('ExactMCKPSolver', () => {
  const solver = new ExactMCKPSolver();

  it('equals brute force on small one-arm-per-group instances (integer data, many ties)', async () => {
    await fc.assert(
      fc.asyncProperty(instance(1, true), async (inst) => {
        const want = bruteForce(inst);
        const sol = await solver.solve(toProblem(inst));
        if (Number.isNaN(want)) {
          expect(sol.status).toBe('infeasible');
          return;
        }
        expect(sol.status).toBe('optimal');
        expect(sol.objective).toBeCloseTo(want, 9);
        const p = toProblem(inst);
        expect(maxViolation(p, sol.x)).toBeLessThanOrEqual(1e-9);
        expect(evaluateObjective(p, sol.x)).toBeCloseTo(sol.objective, 9);
      }),
      { numRuns: 400 },
    );
  });

  it('equals brute force with real-valued data and integer shares of groups', async () => {
    await fc.assert(
      fc.asyncProperty(instance(3, false), async (inst) => {
        const want = bruteForce(inst);
        const sol = await solver.solve(toProblem(inst));
        if (Number.isNaN(want)) {
          expect(sol.status).toBe('infeasible');
          return;
        }
        expect(sol.status).toBe('optimal');
        expect(sol.objective).toBeCloseTo(want, 7);
        expect(maxViolation(toProblem(inst), sol.x)).toBeLessThanOrEqual(1e-9);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects problems that are not a multiple-choice knapsack with status unsupported', async () => {
    const p = toProblem({ values: [[1, 2]], costs: [[0, 1]], units: [1], capacity: 1 });
    const bad = { ...p, integer: [0, 1] };
    await expect(solver.solve(bad)).rejects.toBeInstanceOf(SolverError);
    await expect(solver.solve(bad)).rejects.toMatchObject({ status: 'unsupported' });
  });

  it('reports feasible with a bound when the time limit stops the search', async () => {
    // A hard instance: many groups with near-identical slopes; a zero time limit stops at the first check.
    const G = 400;
    const values: number[][] = [];
    const costs: number[][] = [];
    for (let g = 0; g < G; g++) {
      values.push([0, 10 + ((g * 7919) % 13) / 7, 21 + ((g * 104729) % 17) / 11]);
      costs.push([0, 10 + ((g * 31) % 11) / 5, 20 + ((g * 17) % 19) / 3]);
    }
    const sol = await solver.solve(toProblem({ values, costs, units: values.map(() => 1), capacity: 2003.3 }), {
      timeLimit: 0,
    });
    expect(['optimal', 'feasible']).toContain(sol.status);
    expect(sol.bound).toBeGreaterThanOrEqual(sol.objective - 1e-9);
    if (sol.status === 'feasible') expect(sol.gap).toBeGreaterThan(0);
  });
});
