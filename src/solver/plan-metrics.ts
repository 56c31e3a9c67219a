import type { FormulationSettings, ProblemLayout } from './formulation.js';
import { type CellScenarios, quantileSorted } from './scenarios.js';

/** Per-user metrics of one plan. */
export interface PlanMetrics {
  readonly arms: Int32Array;
  readonly shares: Float64Array;
  readonly value: number;
  readonly cost: number;
  readonly valueQuantiles: Float64Array;
  readonly costQuantiles: Float64Array;
  readonly probWithinBudget: number;
}

/**
 * Expected incremental value and cost per user of a plan given by unit counts per layout variable, their scenario
 * quantiles and the share of scenarios within the per-user budget `b`.
 */
export function planMetrics(
  cells: CellScenarios,
  L: ProblemLayout,
  counts: Float64Array,
  units: number,
  b: number,
  levels: readonly number[],
): PlanMetrics {
  const { k, m, S } = cells;
  const km = k * m;
  const shares = new Float64Array(km);
  for (let v = 0; v < L.nx; v++) shares[L.cell[v] as number] = (counts[v] as number) / units;
  const arms = new Int32Array(k);
  let value = 0;
  let cost = 0;
  for (let g = 0; g < k; g++) {
    let best = 0;
    let bestShare = -1;
    for (let j = 0; j < m; j++) {
      const c = g * m + j;
      const s = shares[c] as number;
      if (s > bestShare) {
        bestShare = s;
        best = j;
      }
      const w = (cells.weight[g] as number) * s;
      if (s > 0) {
        value += w * (cells.uplift[c] as number);
        cost += w * (cells.cost[c] as number);
      }
    }
    arms[g] = best;
  }
  const sv = new Float64Array(S);
  const sc = new Float64Array(S);
  let within = 0;
  for (let s = 0; s < S; s++) {
    let v = 0;
    let cc = 0;
    for (let c = 0; c < km; c++) {
      const sh = shares[c] as number;
      if (sh === 0) continue;
      const w = (cells.weight[Math.floor(c / m)] as number) * sh;
      v += w * (cells.scenUplift[s * km + c] as number);
      cc += w * (cells.scenCost[s * km + c] as number);
    }
    sv[s] = v;
    sc[s] = cc;
    if (cc <= b + 1e-12 * Math.max(1, Math.abs(b))) within++;
  }
  sv.sort();
  sc.sort();
  return {
    arms,
    shares,
    value,
    cost,
    valueQuantiles: Float64Array.from(levels, (q) => quantileSorted(sv, q)),
    costQuantiles: Float64Array.from(levels, (q) => quantileSorted(sc, q)),
    probWithinBudget: S > 0 ? within / S : Number.NaN,
  };
}

/**
 * Total cost (over the population) of the cheapest plan under the formulation's measure of cost: every group at
 * its cheapest item by the layout's (expected or robust) cost; for `chance` its scenario cost exceeded by at most
 * floor(alpha S) scenarios, for `cvar` its CVaR. For chance/cvar this is the cost of that plan, an upper bound of
 * the true minimum (equal to it when control costs nothing, the usual case).
 */
export function riskMinimum(cells: CellScenarios, f: FormulationSettings, L: ProblemLayout): number {
  const k = L.groupStart.length - 1;
  const pick = new Int32Array(k);
  let expected = 0;
  for (let g = 0; g < k; g++) {
    let best = L.groupStart[g] as number;
    for (let v = best; v < (L.groupStart[g + 1] as number); v++)
      if ((L.cost[v] as number) < (L.cost[best] as number)) best = v;
    pick[g] = best;
    expected += f.units * (L.cost[best] as number);
  }
  if (f.formulation === 'expected' || f.formulation === 'robust') return expected;
  const { m, S } = cells;
  const km = k * m;
  const costs = new Float64Array(S);
  for (let s = 0; s < S; s++) {
    let c = 0;
    for (let g = 0; g < k; g++) {
      c +=
        f.population *
        (cells.weight[g] as number) *
        (cells.scenCost[s * km + (L.cell[pick[g] as number] as number)] as number);
    }
    costs[s] = c;
  }
  costs.sort();
  if (f.formulation === 'chance') {
    const allowed = Math.floor(f.alpha * S + 1e-9);
    return costs[Math.max(0, S - 1 - allowed)] as number;
  }
  // CVaR: min over t in the scenario costs of t + mean((cost - t)+) / alpha.
  let best = Number.POSITIVE_INFINITY;
  for (let a = 0; a < S; a++) {
    const t = costs[a] as number;
    let e = 0;
    for (let s = 0; s < S; s++) e += Math.max(0, (costs[s] as number) - t);
    best = Math.min(best, t + e / (f.alpha * S));
  }
  return best;
}
