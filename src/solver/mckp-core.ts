import { pushUpperHull } from './hull.js';
import { BranchAndBound } from './mckp-bnb.js';

/**
 * Exact multiple-choice knapsack: "pick one item from each of G groups, maximize total value subject to total
 * cost <= capacity". Built once per instance (dominance filter, LP convex hulls, one global slope order), then
 * solved at any number of capacities: the LP bound by binary search on the path, a greedy incumbent, Lagrangian
 * reduced-cost fixing at the LP multiplier over a widening gap, and a bounded search (dynamic programming over
 * partial plans with dominance and LP bounds, see {@link BranchAndBound}) over the groups left free.
 */
export interface MCKPCoreResult {
  /** 'optimal' when the search finished, 'feasible' when a time or node limit stopped it. */
  readonly status: 'optimal' | 'feasible';
  /** Chosen item (global item index) per group. */
  readonly choice: Int32Array;
  readonly value: number;
  readonly cost: number;
  /** Proved upper bound on the optimum. */
  readonly bound: number;
  readonly nodes: number;
}

/** Limits of {@link MCKPCore.solve}. */
export interface MCKPCoreLimits {
  timeLimit: number;
  mipGap: number;
  /** Groups that are identical copies share a key (used to break symmetry); -1 for none. */
  copyKey?: Int32Array;
}

export class MCKPCore {
  readonly groups: number;
  /** Minimum total cost over all plans (every group at its cheapest item). */
  readonly minCost: number;
  /** Cost and value of the plan with every group at its most valuable item. */
  readonly maxPlanCost: number;
  private readonly value: Float64Array;
  private readonly cost: Float64Array;
  /** Undominated items per group, cost ascending and value strictly ascending (CSR over groups). */
  private readonly undStart: Int32Array;
  private readonly und: Int32Array;
  /** LP path: upgrades sorted by decreasing slope. */
  private readonly upGroup: Int32Array;
  private readonly upTo: Int32Array;
  private readonly upSlope: Float64Array;
  private readonly cumCost: Float64Array;
  private readonly cumValue: Float64Array;
  private readonly baseChoice: Int32Array;
  private readonly baseValue: number;
  private readonly scale: number;

  /** `start` has G + 1 offsets into `value`/`cost` (items of group g are start[g]..start[g+1]-1). */
  constructor(start: Int32Array, value: Float64Array, cost: Float64Array) {
    const G = start.length - 1;
    this.groups = G;
    this.value = value;
    this.cost = cost;
    const N = value.length;
    const undStart = new Int32Array(G + 1);
    const und = new Int32Array(N);
    const order: number[] = [];
    const upG: number[] = [];
    const upT: number[] = [];
    const upS: number[] = [];
    const upDc: number[] = [];
    const upDv: number[] = [];
    const baseChoice = new Int32Array(G);
    let u = 0;
    let minCost = 0;
    let baseValue = 0;
    let maxPlanCost = 0;
    let scale = 0;
    const hull: number[] = [];
    for (let g = 0; g < G; g++) {
      order.length = 0;
      for (let i = start[g] as number; i < (start[g + 1] as number); i++) order.push(i);
      order.sort((a, b) => (cost[a] as number) - (cost[b] as number) || (value[b] as number) - (value[a] as number));
      undStart[g] = u;
      let lastV = Number.NEGATIVE_INFINITY;
      for (const i of order) {
        if ((value[i] as number) > lastV) {
          und[u++] = i;
          lastV = value[i] as number;
        }
      }
      const first = und[undStart[g] as number] as number;
      const last = und[u - 1] as number;
      baseChoice[g] = first;
      minCost += cost[first] as number;
      baseValue += value[first] as number;
      maxPlanCost += cost[last] as number;
      scale += Math.abs(value[last] as number) + Math.abs(value[first] as number);
      // Upper concave hull of the undominated items.
      hull.length = 0;
      for (let a = undStart[g] as number; a < u; a++) {
        pushUpperHull(hull, und[a] as number, value, cost);
      }
      for (let a = 1; a < hull.length; a++) {
        const p = hull[a - 1] as number;
        const q = hull[a] as number;
        const dc = (cost[q] as number) - (cost[p] as number);
        const dv = (value[q] as number) - (value[p] as number);
        upG.push(g);
        upT.push(q);
        upS.push(dv / dc);
        upDc.push(dc);
        upDv.push(dv);
      }
    }
    undStart[G] = u;
    this.undStart = undStart;
    this.und = und.subarray(0, u);
    const K = upG.length;
    const idx = Array.from({ length: K }, (_, i) => i);
    idx.sort((a, b) => (upS[b] as number) - (upS[a] as number) || a - b);
    this.upGroup = Int32Array.from(idx, (i) => upG[i] as number);
    this.upTo = Int32Array.from(idx, (i) => upT[i] as number);
    this.upSlope = Float64Array.from(idx, (i) => upS[i] as number);
    this.cumCost = new Float64Array(K);
    this.cumValue = new Float64Array(K);
    let cc = minCost;
    let cv = baseValue;
    for (let a = 0; a < K; a++) {
      cc += upDc[idx[a] as number] as number;
      cv += upDv[idx[a] as number] as number;
      this.cumCost[a] = cc;
      this.cumValue[a] = cv;
    }
    this.baseChoice = baseChoice;
    this.baseValue = baseValue;
    this.minCost = minCost;
    this.maxPlanCost = maxPlanCost;
    this.scale = Math.max(scale, 1e-300);
  }

  /** Solves at `capacity`; returns undefined when even the cheapest plan costs more. */
  solve(capacity: number, limits: MCKPCoreLimits): MCKPCoreResult | undefined {
    const G = this.groups;
    // Costs up to capacity + capTol count as within budget (floating-point slack, the same everywhere below).
    const capTol = 1e-12 * Math.max(1, Math.abs(capacity));
    if (this.minCost > capacity + capTol) return undefined;
    capacity += capTol;
    const { value, cost, und, undStart } = this;
    const K = this.upGroup.length;
    // LP relaxation: longest prefix of the path within capacity.
    let lo = 0;
    let hi = K;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cumCost[mid] as number) <= capacity) lo = mid + 1;
      else hi = mid;
    }
    const p = lo;
    const choice = Int32Array.from(this.baseChoice);
    for (let a = 0; a < p; a++) choice[this.upGroup[a] as number] = this.upTo[a] as number;
    let z = p > 0 ? (this.cumValue[p - 1] as number) : this.baseValue;
    let used = p > 0 ? (this.cumCost[p - 1] as number) : this.minCost;
    if (p === K) return { status: 'optimal', choice, value: z, cost: used, bound: z, nodes: 0 };
    // Greedy fill of the residual, following the slope order of the remaining upgrades.
    for (let a = p; a < K; a++) {
      const g = this.upGroup[a] as number;
      const cur = choice[g] as number;
      let best = cur;
      for (let b = undStart[g] as number; b < (undStart[g + 1] as number); b++) {
        const j = und[b] as number;
        if (
          (value[j] as number) > (value[best] as number) &&
          used - (cost[cur] as number) + (cost[j] as number) <= capacity
        ) {
          best = j;
        }
      }
      if (best !== cur) {
        used += (cost[best] as number) - (cost[cur] as number);
        z += (value[best] as number) - (value[cur] as number);
        choice[g] = best;
      }
    }
    // Lagrangian bound at the LP multiplier and reduced-cost fixing.
    // Any lambda >= 0 gives a valid bound; a non-finite slope (a near-zero cost step) falls back to 0.
    const slope = this.upSlope[p] as number;
    const lambda = Number.isFinite(slope) ? slope : 0;
    const L = new Float64Array(G);
    let bound = lambda * capacity;
    for (let g = 0; g < G; g++) {
      let m = Number.NEGATIVE_INFINITY;
      for (let b = undStart[g] as number; b < (undStart[g + 1] as number); b++) {
        const j = und[b] as number;
        m = Math.max(m, (value[j] as number) - lambda * (cost[j] as number));
      }
      L[g] = m;
      bound += m;
    }
    const tol = 1e-10 * this.scale;
    if (bound - z <= Math.max(tol, limits.mipGap * Math.abs(z))) {
      return { status: 'optimal', choice, value: z, cost: used, bound, nodes: 0 };
    }
    return new BranchAndBound(
      { value, cost, und, undStart },
      { capacity, capTol: 0, tol, lambda, L, bound },
      { choice, value: z, cost: used },
      limits,
    ).run();
  }
}
