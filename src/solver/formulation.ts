import type { Formulation } from './allocation-table.js';
import type { MIPProblem, MIPRow } from './mip.js';
import { type CellScenarios, scenarioStd } from './scenarios.js';

/** Settings that shape the optimization problem. */
export interface FormulationSettings {
  readonly formulation: Formulation;
  readonly kappa: number;
  readonly kappaCost: number;
  readonly alpha: number;
  /** Integer shares per group (1 = one arm per group). */
  readonly units: number;
  /** Users the problem is scaled to: coefficients are totals over `population` users. */
  readonly population: number;
}

/**
 * Decision variables x of the problem: `cell[v]` (= g * m + j) for v < nx. For `chance`, nx + s is scenario s's
 * indicator z_s; for `cvar`, nx is the threshold t and nx + 1 + s the excess u_s.
 */
export interface ProblemLayout {
  readonly nx: number;
  readonly cell: Int32Array;
  /** Item value and cost per unit of x (totals over the population), used by every formulation. */
  readonly value: Float64Array;
  readonly cost: Float64Array;
  /** Offsets of each group's variables (k + 1). */
  readonly groupStart: Int32Array;
}

/** The linear objective and knapsack coefficients of each available cell under the formulation. */
export function layoutOf(cells: CellScenarios, f: FormulationSettings): ProblemLayout {
  const { k, m, S } = cells;
  const km = k * m;
  const robust = f.formulation === 'robust';
  const sdV = robust && f.kappa !== 0 ? scenarioStd(cells.scenUplift, S, km) : undefined;
  const sdC = robust && f.kappaCost !== 0 ? scenarioStd(cells.scenCost, S, km) : undefined;
  const cell: number[] = [];
  const value: number[] = [];
  const cost: number[] = [];
  const groupStart = new Int32Array(k + 1);
  for (let g = 0; g < k; g++) {
    groupStart[g] = cell.length;
    const scale = (f.population * (cells.weight[g] as number)) / f.units;
    for (let j = 0; j < m; j++) {
      const c = g * m + j;
      if (cells.available[c] !== 1) continue;
      let v = cells.uplift[c] as number;
      let cc = cells.cost[c] as number;
      if (sdV !== undefined) v -= f.kappa * (sdV[c] as number);
      if (sdC !== undefined) cc += f.kappaCost * (sdC[c] as number);
      cell.push(c);
      value.push(scale * v);
      cost.push(scale * cc);
    }
  }
  groupStart[k] = cell.length;
  return {
    nx: cell.length,
    cell: Int32Array.from(cell),
    value: Float64Array.from(value),
    cost: Float64Array.from(cost),
    groupStart,
  };
}

/** Builds the {@link MIPProblem} of one total budget `B` (over the population). */
export function buildProblem(cells: CellScenarios, f: FormulationSettings, L: ProblemLayout, B: number): MIPProblem {
  const { k, m, S } = cells;
  const km = k * m;
  const nx = L.nx;
  const U = f.units;
  const objective: number[] = Array.from(L.value);
  const lower: number[] = new Array(nx).fill(0);
  const upper: number[] = new Array(nx).fill(U);
  const integer: number[] = new Array(nx).fill(1);
  const rows: MIPRow[] = [];
  for (let g = 0; g < k; g++) {
    const idx: number[] = [];
    for (let v = L.groupStart[g] as number; v < (L.groupStart[g + 1] as number); v++) idx.push(v);
    rows.push({ index: idx, value: idx.map(() => 1), lower: U, upper: U, name: `group${g}` });
  }
  const all = Array.from({ length: nx }, (_, v) => v);
  // Scenario cost coefficient of variable v in scenario s.
  const scenCoef = (s: number): number[] =>
    all.map((v) => {
      const c = L.cell[v] as number;
      const g = Math.floor(c / m);
      return ((f.population * (cells.weight[g] as number)) / U) * (cells.scenCost[s * km + c] as number);
    });
  switch (f.formulation) {
    case 'expected':
    case 'robust':
      rows.push({ index: all, value: Array.from(L.cost), lower: Number.NEGATIVE_INFINITY, upper: B, name: 'budget' });
      break;
    case 'chance': {
      // sum_s z_s <= floor(alpha S); scenario s may exceed the budget only when z_s = 1 (big-M per scenario).
      const zs: number[] = [];
      for (let s = 0; s < S; s++) {
        const coef = scenCoef(s);
        let worst = 0;
        for (let g = 0; g < k; g++) {
          let mx = Number.NEGATIVE_INFINITY;
          for (let v = L.groupStart[g] as number; v < (L.groupStart[g + 1] as number); v++)
            mx = Math.max(mx, coef[v] as number);
          worst += U * mx;
        }
        const bigM = worst - B;
        const z = objective.length;
        objective.push(0);
        lower.push(0);
        upper.push(bigM > 0 ? 1 : 0);
        integer.push(1);
        zs.push(z);
        if (bigM > 0) {
          rows.push({
            index: [...all, z],
            value: [...coef, -bigM],
            lower: Number.NEGATIVE_INFINITY,
            upper: B,
            name: `scenario${s}`,
          });
        }
      }
      const allowed = Math.floor(f.alpha * S + 1e-9);
      rows.push({
        index: zs,
        value: zs.map(() => 1),
        lower: Number.NEGATIVE_INFINITY,
        upper: allowed,
        name: 'violations',
      });
      break;
    }
    case 'cvar': {
      // CVaR_alpha(cost) = min_t t + E[(cost - t)+] / alpha <= B, with u_s >= cost_s - t, u_s >= 0.
      const t = objective.length;
      objective.push(0);
      lower.push(Number.NEGATIVE_INFINITY);
      upper.push(Number.POSITIVE_INFINITY);
      integer.push(0);
      const us: number[] = [];
      for (let s = 0; s < S; s++) {
        const u = objective.length;
        objective.push(0);
        lower.push(0);
        upper.push(Number.POSITIVE_INFINITY);
        integer.push(0);
        us.push(u);
        rows.push({
          index: [...all, t, u],
          value: [...scenCoef(s), -1, -1],
          lower: Number.NEGATIVE_INFINITY,
          upper: 0,
          name: `excess${s}`,
        });
      }
      const w = 1 / (f.alpha * S);
      rows.push({
        index: [t, ...us],
        value: [1, ...us.map(() => w)],
        lower: Number.NEGATIVE_INFINITY,
        upper: B,
        name: 'cvar',
      });
      break;
    }
    default: {
      const never: never = f.formulation;
      throw new Error(`unknown formulation ${String(never)}`);
    }
  }
  return { sense: 'maximize', objective, lower, upper, integer, rows };
}
