import { describe, expect, it } from 'vitest';
import { InfeasibleBudgetError, SerializationError, ValidationError } from '../../src/core/errors.js';
import { AllocationTable, type AllocationTableData } from '../../src/solver/allocation-table.js';

function smallTable(shares = false): AllocationTableData {
  const B = 3;
  const k = 2;
  const m = 3;
  const sh = new Float64Array(B * k * m);
  for (let r = 0; r < B * k; r++) sh[r * m + (r % m)] = 1;
  return {
    k,
    m,
    formulation: 'expected',
    armNames: ['control', 'a', 'b'],
    population: 100,
    minimumBudget: 0,
    controlValue: 0.1,
    quantileLevels: Float64Array.of(0.05, 0.5, 0.95),
    budgets: Float64Array.of(0, 0.5, 1),
    arms: Int32Array.of(0, 0, 1, 0, 2, 1),
    ...(shares ? { shares: sh } : {}),
    value: Float64Array.of(0, 0.1, 0.2),
    cost: Float64Array.of(0, 0.4, 0.9),
    valueQuantiles: new Float64Array(9),
    costQuantiles: new Float64Array(9),
    probWithinBudget: Float64Array.of(1, 0.9, 0.8),
    status: ['optimal', 'optimal', 'feasible'],
    gap: Float64Array.of(0, 0, 0.01),
  };
}

describe('AllocationTable', () => {
  const t = new AllocationTable(smallTable());

  it('looks up the plan of the nearest lower grid budget and never overspends', () => {
    expect(t.planIndex({ perUser: 0.75 })).toBe(1);
    expect(t.planIndex(0.5)).toBe(1);
    expect(t.planIndex({ total: 100 })).toBe(2);
    expect(t.planIndex({ perUser: 10 })).toBe(2);
    expect(Array.from(t.armsAt({ perUser: 0.6 }))).toEqual([1, 0]);
    expect(t.armFor(2, 0)).toBe(2);
    for (const b of [0, 0.1, 0.49, 0.5, 0.99, 1, 3]) expect(t.cost[t.planIndex(b)]).toBeLessThanOrEqual(b);
    expect(() => t.planIndex({ perUser: -0.1 })).toThrow(InfeasibleBudgetError);
  });

  it('picks arms by shares for a uniform draw', () => {
    const s = new AllocationTable({ ...smallTable(true) });
    expect(s.pickArm(0, 1, 0.3)).toBe(1);
  });

  it('rejects inconsistent data with a ValidationError', () => {
    expect(() => new AllocationTable({ ...smallTable(), budgets: Float64Array.of(0, 1, 0.5) })).toThrow(
      ValidationError,
    );
    expect(() => new AllocationTable({ ...smallTable(), arms: Int32Array.of(0, 0, 1, 0, 2, 3) })).toThrow(
      ValidationError,
    );
  });

  it('round-trips through JSON and rejects corrupted JSON', () => {
    for (const table of [t, new AllocationTable(smallTable(true))]) {
      const json = JSON.parse(JSON.stringify(table));
      const back = AllocationTable.fromJSON(json);
      expect(back.toJSON()).toEqual(table.toJSON());
      expect(Array.from(back.armsAt(0.7))).toEqual(Array.from(table.armsAt(0.7)));
      const bad = [
        { ...json, kind: 'GroupStats' },
        { ...json, formatVersion: 2 },
        { ...json, params: { ...json.params, formulation: 'magic' } },
        { ...json, params: { ...json.params, population: 0 } },
        { ...json, state: { ...json.state, arms: [...json.state.arms.slice(1), 9] } },
        { ...json, state: { ...json.state, budgets: [1, 0.5, 0] } },
        { ...json, state: { ...json.state, status: ['optimal'] } },
        { ...json, state: { ...json.state, value: [0, 'x', 1] } },
        { ...json, state: { ...json.state, shares: [1, 2] } },
        'nope',
      ];
      for (const b of bad) expect(() => AllocationTable.fromJSON(b)).toThrow(SerializationError);
    }
  });
});
