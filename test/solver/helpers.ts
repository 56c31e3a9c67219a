import type { MIPProblem } from '../../src/solver/mip.js';

/** A multiple-choice knapsack instance: G groups of m items, `units` copies per group (shares), one budget row. */
export interface Instance {
  values: number[][];
  costs: number[][];
  units: number[];
  capacity: number;
}

/** The MIPProblem of an instance: x[g*m+j] in 0..units[g], sum_j x = units[g], sum cost*x <= capacity. */
export function toProblem(inst: Instance): MIPProblem {
  const G = inst.values.length;
  const m = inst.values[0]?.length ?? 0;
  const objective: number[] = [];
  const cost: number[] = [];
  const upper: number[] = [];
  const rows: MIPProblem['rows'][number][] = [];
  for (let g = 0; g < G; g++) {
    const idx: number[] = [];
    for (let j = 0; j < m; j++) {
      idx.push(objective.length);
      objective.push(inst.values[g]?.[j] as number);
      cost.push(inst.costs[g]?.[j] as number);
      upper.push(inst.units[g] as number);
    }
    rows.push({ index: idx, value: idx.map(() => 1), lower: inst.units[g] as number, upper: inst.units[g] as number });
  }
  rows.push({ index: cost.map((_, i) => i), value: cost, lower: Number.NEGATIVE_INFINITY, upper: inst.capacity });
  return {
    sense: 'maximize',
    objective,
    lower: objective.map(() => 0),
    upper,
    integer: objective.map(() => 1),
    rows,
  };
}

/** Brute-force optimum of an instance (NaN if infeasible). */
export function bruteForce(inst: Instance): number {
  const G = inst.values.length;
  const m = inst.values[0]?.length ?? 0;
  // Expand copies.
  const vs: number[][] = [];
  const cs: number[][] = [];
  for (let g = 0; g < G; g++) {
    for (let u = 0; u < (inst.units[g] as number); u++) {
      vs.push(inst.values[g] as number[]);
      cs.push(inst.costs[g] as number[]);
    }
  }
  let best = Number.NaN;
  const rec = (d: number, v: number, c: number): void => {
    if (d === vs.length) {
      if (c <= inst.capacity + 1e-12 * Math.max(1, Math.abs(inst.capacity)) && !(v <= best)) best = v;
      return;
    }
    for (let j = 0; j < m; j++) rec(d + 1, v + (vs[d]?.[j] as number), c + (cs[d]?.[j] as number));
  };
  rec(0, 0, 0);
  return best;
}
