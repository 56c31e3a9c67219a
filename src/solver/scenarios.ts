import { ValidationError } from '../core/errors.js';
import { RNG } from '../core/rng.js';
import type { GroupStats } from './group-stats.js';

/** How scenarios of per-capita cell means are drawn. */
export type ScenarioMethod = 'normal' | 'bootstrap';

/**
 * Point estimates and S scenarios of every (group, arm) cell, row-major k * m:
 * - `uplift[c]`: per-capita incremental response of arm j over control in group g; `cost[c]`: per-capita cost.
 * - `scenUplift[s * km + c]`, `scenCost[s * km + c]`: the same in scenario s (control drawn in the same scenario).
 * - `available[c]`: the arm has enough rows in the group to be offered there.
 * - `weight[g]`: the group's share of users.
 */
export interface CellScenarios {
  readonly k: number;
  readonly m: number;
  readonly S: number;
  readonly weight: Float64Array;
  readonly available: Uint8Array;
  readonly uplift: Float64Array;
  readonly cost: Float64Array;
  readonly scenUplift: Float64Array;
  readonly scenCost: Float64Array;
  /** Response per user with everyone at control. */
  readonly controlValue: number;
}

export interface ScenarioSettings {
  readonly method: ScenarioMethod;
  readonly scenarios: number;
  readonly minCount: number;
  readonly seed: number;
  /** Group sizes in the population served (defaults to the trial's group counts). */
  readonly groupSizes?: ArrayLike<number>;
}

/** Draws seeded scenarios of per-capita means from {@link GroupStats}. */
export function drawScenarios(stats: GroupStats, settings: ScenarioSettings): CellScenarios {
  const { k, m } = stats;
  const km = k * m;
  const sizes = settings.groupSizes ?? Float64Array.from({ length: k }, (_, g) => stats.groupCount(g));
  if (sizes.length !== k) {
    throw new ValidationError({ path: ['groupSizes'], message: `expected ${k} group sizes, got ${sizes.length}` });
  }
  let total = 0;
  for (let g = 0; g < k; g++) {
    const s = sizes[g] as number;
    if (!(Number.isFinite(s) && s >= 0)) {
      throw new ValidationError({ path: ['groupSizes', g], message: `expected a size >= 0, got ${s}` });
    }
    total += s;
  }
  if (!(total > 0)) throw new ValidationError({ path: ['stats'], message: 'no rows in any group' });
  const weight = Float64Array.from({ length: k }, (_, g) => (sizes[g] as number) / total);
  const available = new Uint8Array(km);
  const resp = new Float64Array(km);
  const cost = new Float64Array(km);
  const seR = new Float64Array(km);
  const seC = new Float64Array(km);
  const cov = new Float64Array(km);
  let controlValue = 0;
  for (let g = 0; g < k; g++) {
    for (let j = 0; j < m; j++) {
      const c = g * m + j;
      const e = stats.cell(g, j);
      const ok = e.count >= settings.minCount && e.weight > 0;
      available[c] = ok ? 1 : 0;
      resp[c] = ok ? e.response : 0;
      cost[c] = ok ? e.cost : 0;
      seR[c] = Number.isFinite(e.seResponse) ? e.seResponse : 0;
      seC[c] = Number.isFinite(e.seCost) ? e.seCost : 0;
      cov[c] = Number.isFinite(e.covResponseCost) ? e.covResponseCost : 0;
    }
    if (available[g * m] === 0) {
      if ((weight[g] as number) > 0) {
        throw new ValidationError({
          path: ['stats', 'group', g],
          message: `control has fewer than ${settings.minCount} rows in group ${g}; uplift cannot be estimated`,
        });
      }
      available[g * m] = 1; // an empty group keeps control, with no weight
    }
    controlValue += (weight[g] as number) * (resp[g * m] as number);
  }
  let S = settings.scenarios;
  const method = settings.method;
  if (method === 'bootstrap') {
    if (stats.replicates < 2) {
      throw new ValidationError({
        path: ['scenarioMethod'],
        message: `bootstrap scenarios need GroupStats built with replicates >= 2 (got ${stats.replicates})`,
      });
    }
    S = Math.min(S, stats.replicates);
  }
  const scenR = new Float64Array(S * km);
  const scenC = new Float64Array(S * km);
  const rng = new RNG(settings.seed);
  for (let s = 0; s < S; s++) {
    const o = s * km;
    if (method === 'bootstrap') {
      const rep = stats.replicateMeans(s);
      for (let c = 0; c < km; c++) {
        const r = rep.response[c] as number;
        const cc = rep.cost[c] as number;
        scenR[o + c] = Number.isFinite(r) ? r : (resp[c] as number);
        scenC[o + c] = Number.isFinite(cc) ? cc : (cost[c] as number);
      }
    } else {
      for (let c = 0; c < km; c++) {
        const z1 = rng.normal();
        const z2 = rng.normal();
        const sr = seR[c] as number;
        const sc = seC[c] as number;
        const b = sr > 0 ? (cov[c] as number) / sr : 0;
        scenR[o + c] = (resp[c] as number) + sr * z1;
        scenC[o + c] = (cost[c] as number) + b * z1 + Math.sqrt(Math.max(0, sc * sc - b * b)) * z2;
      }
    }
  }
  // Incremental response over control within each scenario.
  const uplift = new Float64Array(km);
  const scenUplift = new Float64Array(S * km);
  for (let g = 0; g < k; g++) {
    for (let j = 0; j < m; j++) {
      const c = g * m + j;
      uplift[c] = (resp[c] as number) - (resp[g * m] as number);
      for (let s = 0; s < S; s++)
        scenUplift[s * km + c] = (scenR[s * km + c] as number) - (scenR[s * km + g * m] as number);
    }
  }
  return { k, m, S, weight, available, uplift, cost, scenUplift, scenCost: scenC, controlValue };
}

/** Standard deviation across scenarios of each cell of a scenario array (row-major S * km). */
export function scenarioStd(scen: Float64Array, S: number, km: number): Float64Array {
  const out = new Float64Array(km);
  if (S < 2) return out;
  for (let c = 0; c < km; c++) {
    let mean = 0;
    for (let s = 0; s < S; s++) mean += scen[s * km + c] as number;
    mean /= S;
    let v = 0;
    for (let s = 0; s < S; s++) v += ((scen[s * km + c] as number) - mean) ** 2;
    out[c] = Math.sqrt(v / (S - 1));
  }
  return out;
}

/** Quantile (linear interpolation) of a sorted array. */
export function quantileSorted(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return (sorted[lo] as number) + (pos - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}
