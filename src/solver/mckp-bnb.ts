import { pushUpperHull } from './hull.js';
import type { MCKPCoreLimits, MCKPCoreResult } from './mckp-core.js';

interface Items {
  readonly value: Float64Array;
  readonly cost: Float64Array;
  readonly und: Int32Array;
  readonly undStart: Int32Array;
}

interface Relaxation {
  readonly capacity: number;
  readonly capTol: number;
  /** Absolute tolerance on values. */
  readonly tol: number;
  readonly lambda: number;
  /** L[g] = max over items of value - lambda * cost. */
  readonly L: Float64Array;
  /** Lagrangian bound lambda * capacity + sum L (the LP optimum). */
  readonly bound: number;
}

interface Incumbent {
  choice: Int32Array;
  value: number;
  cost: number;
}

/**
 * Exact search over the groups left free by reduced-cost fixing, by dynamic programming with dominance and
 * bounds (after Pisinger's core algorithms for the multiple-choice knapsack).
 *
 * Fixing: any plan x satisfies value(x) <= bound - sum_g delta_g(x) with delta_g(x) = L[g] - (v - lambda c) >= 0,
 * so a plan better than the incumbent only uses items whose delta is below bound - incumbent; most groups keep
 * one candidate and are fixed. The free groups are then added one at a time to a list of partial plans
 * (cost, value); a plan that costs more and is worth no more than another is dropped (identical group copies
 * collapse here), and a plan whose value plus the LP bound of the groups still to add (a concave function of the
 * capacity left, evaluated by binary search) cannot beat the incumbent is dropped. Completing each partial plan
 * with the cheapest candidates keeps the incumbent improving.
 */
export class BranchAndBound {
  constructor(
    private readonly items: Items,
    private readonly rel: Relaxation,
    private readonly inc: Incumbent,
    private readonly limits: MCKPCoreLimits,
  ) {}

  run(): MCKPCoreResult {
    const { rel, inc } = this;
    const deadline = performance.now() + this.limits.timeLimit * 1000;
    const full = rel.bound - inc.value + rel.tol;
    // Widen the fixing gap until the best plan found is certified: every plan better than it has sum of deltas
    // below bound - best, so a search over items with delta <= gamma is exhaustive once best >= bound - gamma.
    let gamma = Math.min(full, Math.max(rel.tol, full / 64));
    let nodes = 0;
    for (;;) {
      const r = this.search(gamma, deadline);
      nodes += r.nodes;
      if (r.stopped) {
        return { status: 'feasible', choice: inc.choice, value: inc.value, cost: inc.cost, bound: rel.bound, nodes };
      }
      const accept = Math.max(rel.tol, this.limits.mipGap * Math.abs(inc.value));
      if (gamma >= full || inc.value >= rel.bound - gamma - rel.tol * 1e-3 || rel.bound - inc.value <= accept) {
        return { status: 'optimal', choice: inc.choice, value: inc.value, cost: inc.cost, bound: inc.value, nodes };
      }
      gamma = Math.min(full, gamma * 4);
    }
  }

  /** Best plan among those using only items with delta <= gamma; improves the incumbent in place. */
  private search(gamma: number, deadline: number): { stopped: boolean; nodes: number } {
    const { items, rel, inc } = this;
    const { value, cost, und, undStart } = items;
    const G = undStart.length - 1;
    const gap = gamma + rel.tol;
    const choice = new Int32Array(G);
    // Candidates per group (delta within the gap), sorted by cost.
    const free: { g: number; items: number[]; second: number }[] = [];
    let fixedValue = 0;
    let fixedCost = 0;
    for (let g = 0; g < G; g++) {
      const c: number[] = [];
      const ds: number[] = [];
      for (let b = undStart[g] as number; b < (undStart[g + 1] as number); b++) {
        const j = und[b] as number;
        const d = Math.max(0, (rel.L[g] as number) - ((value[j] as number) - rel.lambda * (cost[j] as number)));
        if (d <= gap) {
          c.push(j);
          ds.push(d);
        }
      }
      if (c.length === 1) {
        const j = c[0] as number;
        fixedValue += value[j] as number;
        fixedCost += cost[j] as number;
        choice[g] = j;
      } else {
        ds.sort((a, b) => a - b);
        free.push({ g, items: c, second: ds[1] as number });
      }
    }
    // Most contested groups last, so bounds are tight early.
    free.sort((a, b) => b.second - a.second || a.g - b.g);
    const F = free.length;
    const room = rel.capacity - fixedCost;
    // Suffix sums of the cheapest candidate (cost order: candidates are undominated, the cheapest is the least valuable).
    const minItem = free.map((f) => f.items[0] as number);
    const sufCost = new Float64Array(F + 1);
    const sufValue = new Float64Array(F + 1);
    for (let d = F - 1; d >= 0; d--) {
      sufCost[d] = (sufCost[d + 1] as number) + (cost[minItem[d] as number] as number);
      sufValue[d] = (sufValue[d + 1] as number) + (value[minItem[d] as number] as number);
    }
    // LP upgrades of every free group along its candidate hull, by decreasing slope.
    const ups = hullUpgrades(free, value, cost);
    // Stages: parent state and chosen item of each state, for reconstruction.
    const stageParent: Int32Array[] = [];
    const stageItem: Int32Array[] = [];
    let sc = Float64Array.of(0);
    let sv = Float64Array.of(0);
    let best = inc.value - fixedValue; // value to beat within the free groups
    let bestAt: { stage: number; state: number } | undefined;
    let stopped = false;
    if ((sufCost[0] as number) > room) return { stopped: false, nodes: 0 };
    for (let d = 0; d < F && !stopped; d++) {
      const f = free[d] as { items: number[] };
      const phi = suffixLP(ups, d + 1);
      const restCost = sufCost[d + 1] as number;
      const restValue = sufValue[d + 1] as number;
      const acc = Math.max(rel.tol, this.limits.mipGap * Math.abs(best + fixedValue));
      // k-way merge of the shifted state lists (each sorted by cost), filtered, keeping the Pareto front.
      const its = f.items;
      const nc = its.length;
      const S = sc.length;
      const head = new Int32Array(nc);
      const cap = S * nc;
      const nC = new Float64Array(cap);
      const nV = new Float64Array(cap);
      const nP = new Int32Array(cap);
      const nJ = new Int32Array(cap);
      let out = 0;
      let top = Number.NEGATIVE_INFINITY;
      for (;;) {
        let t = -1;
        let tc = Number.POSITIVE_INFINITY;
        let tv = Number.NEGATIVE_INFINITY;
        for (let a = 0; a < nc; a++) {
          const h = head[a] as number;
          if (h >= S) continue;
          const j = its[a] as number;
          const c = (sc[h] as number) + (cost[j] as number);
          const v = (sv[h] as number) + (value[j] as number);
          if (c < tc || (c === tc && v > tv)) {
            t = a;
            tc = c;
            tv = v;
          }
        }
        if (t < 0) break;
        const h = head[t] as number;
        const left = room - tc - restCost;
        if (left < -rel.capTol) {
          head[t] = S; // the rest of this list costs more still
          continue;
        }
        head[t] = h + 1;
        if (tv <= top) continue; // dominated by a cheaper (or equal-cost) plan
        if (tv + restValue + phi(left) <= best + acc) continue;
        nC[out] = tc;
        nV[out] = tv;
        nP[out] = h;
        nJ[out] = its[t] as number;
        out++;
        top = tv;
      }
      sc = nC.slice(0, out);
      sv = nV.slice(0, out);
      stageParent.push(nP.slice(0, out));
      stageItem.push(nJ.slice(0, out));
      const keep = { length: out };
      for (let s = 0; s < keep.length; s++) {
        const completed = (sv[s] as number) + restValue;
        if (completed > best + rel.tol * 1e-3) {
          best = completed;
          bestAt = { stage: d, state: s };
        }
      }
      if (performance.now() > deadline) stopped = true;
      if (keep.length === 0) break;
    }
    if (bestAt !== undefined) {
      // Rebuild: chosen items along the parent chain, cheapest candidates after the stage.
      let st = bestAt.state;
      for (let d = bestAt.stage; d >= 0; d--) {
        choice[(free[d] as { g: number }).g] = (stageItem[d] as Int32Array)[st] as number;
        st = (stageParent[d] as Int32Array)[st] as number;
      }
      for (let d = bestAt.stage + 1; d < F; d++) choice[(free[d] as { g: number }).g] = minItem[d] as number;
      let v = 0;
      let c = 0;
      for (let g = 0; g < G; g++) {
        v += value[choice[g] as number] as number;
        c += cost[choice[g] as number] as number;
      }
      if (v > inc.value && c <= rel.capacity) {
        inc.choice.set(choice);
        inc.value = v;
        inc.cost = c;
      }
    }
    return { stopped, nodes: stageItem.reduce((a, x) => a + x.length, 0) };
  }
}

interface Upgrades {
  depth: Int32Array;
  dc: Float64Array;
  dv: Float64Array;
}

function hullUpgrades(free: { items: number[] }[], value: Float64Array, cost: Float64Array): Upgrades {
  const ups: { d: number; dc: number; dv: number; s: number }[] = [];
  free.forEach((f, d) => {
    const hull: number[] = [];
    for (const j of f.items) pushUpperHull(hull, j, value, cost);
    for (let a = 1; a < hull.length; a++) {
      const p = hull[a - 1] as number;
      const q = hull[a] as number;
      const dc = (cost[q] as number) - (cost[p] as number);
      const dv = (value[q] as number) - (value[p] as number);
      ups.push({ d, dc, dv, s: dv / dc });
    }
  });
  ups.sort((a, b) => b.s - a.s || a.d - b.d);
  return {
    depth: Int32Array.from(ups, (u) => u.d),
    dc: Float64Array.from(ups, (u) => u.dc),
    dv: Float64Array.from(ups, (u) => u.dv),
  };
}

/**
 * LP value of the upgrades of groups at depth >= d as a function of the capacity left above their cheapest
 * candidates (concave, piecewise linear): -Infinity below 0.
 */
function suffixLP(ups: Upgrades, d: number): (left: number) => number {
  const cc: number[] = [];
  const cv: number[] = [];
  let c = 0;
  let v = 0;
  for (let a = 0; a < ups.depth.length; a++) {
    if ((ups.depth[a] as number) < d) continue;
    c += ups.dc[a] as number;
    v += ups.dv[a] as number;
    cc.push(c);
    cv.push(v);
  }
  return (left: number): number => {
    if (left < 0) return left > -1e-300 ? 0 : Number.NEGATIVE_INFINITY;
    let lo = 0;
    let hi = cc.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cc[mid] as number) <= left) lo = mid + 1;
      else hi = mid;
    }
    const baseC = lo > 0 ? (cc[lo - 1] as number) : 0;
    const baseV = lo > 0 ? (cv[lo - 1] as number) : 0;
    if (lo === cc.length) return baseV;
    const stepC = (cc[lo] as number) - baseC;
    const stepV = (cv[lo] as number) - baseV;
    return baseV + (stepV * (left - baseC)) / stepC;
  };
}
