import type { MckpCoreLimits, MckpCoreResult } from './mckp-core.js';

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
 * Depth-first branch and bound over the groups left free by reduced-cost fixing. Any plan x satisfies
 * value(x) <= bound - sum_g delta_g(x) with delta_g(x) = L[g] - (v - lambda c) >= 0, so a plan better than the
 * incumbent only uses items whose delta is below bound - incumbent: every other item is discarded, most groups
 * keep one candidate and are fixed. Nodes are pruned by that bound and by the LP bound of the undecided groups.
 */
export class BranchAndBound {
  private readonly free: Int32Array;
  private readonly candStart: Int32Array;
  private readonly candItem: Int32Array;
  private readonly candDelta: Float64Array;
  private readonly sufMinCost: Float64Array;
  private readonly sufBaseValue: Float64Array;
  private readonly lpDepth: Int32Array;
  private readonly lpDc: Float64Array;
  private readonly lpDv: Float64Array;
  private readonly pick: Int32Array;
  private readonly copyKey: Int32Array | undefined;
  private readonly fixedDelta: number;
  private readonly fixedValue: number;
  private readonly fixedCost: number;
  private nodes = 0;
  private stopped = false;
  private readonly deadline: number;

  constructor(
    private readonly items: Items,
    private readonly rel: Relaxation,
    private readonly inc: Incumbent,
    private readonly limits: MckpCoreLimits,
  ) {
    const { value, cost, und, undStart } = items;
    const G = undStart.length - 1;
    const gap = rel.bound - inc.value + rel.tol;
    const lists: { g: number; items: number[]; deltas: number[] }[] = [];
    let fixedDelta = 0;
    let fixedValue = 0;
    let fixedCost = 0;
    for (let g = 0; g < G; g++) {
      const c: { j: number; d: number }[] = [];
      for (let b = undStart[g] as number; b < (undStart[g + 1] as number); b++) {
        const j = und[b] as number;
        const d = Math.max(0, (rel.L[g] as number) - ((value[j] as number) - rel.lambda * (cost[j] as number)));
        if (d <= gap) c.push({ j, d });
      }
      c.sort((a, b) => a.d - b.d || a.j - b.j);
      if (c.length === 1) {
        const only = c[0] as { j: number; d: number };
        fixedDelta += only.d;
        fixedValue += value[only.j] as number;
        fixedCost += cost[only.j] as number;
        inc.choice[g] = only.j;
      } else {
        lists.push({ g, items: c.map((x) => x.j), deltas: c.map((x) => x.d) });
      }
    }
    const key = limits.copyKey;
    lists.sort((a, b) => (a.deltas[1] as number) - (b.deltas[1] as number) || ck(key, a.g) - ck(key, b.g) || a.g - b.g);
    const F = lists.length;
    this.free = Int32Array.from(lists, (l) => l.g);
    this.candStart = new Int32Array(F + 1);
    let total = 0;
    lists.forEach((l, d) => {
      this.candStart[d] = total;
      total += l.items.length;
    });
    this.candStart[F] = total;
    this.candItem = new Int32Array(total);
    this.candDelta = new Float64Array(total);
    this.sufMinCost = new Float64Array(F + 1);
    this.sufBaseValue = new Float64Array(F + 1);
    const ups: { d: number; dc: number; dv: number; s: number }[] = [];
    const minCost = new Float64Array(F);
    const baseValue = new Float64Array(F);
    lists.forEach((l, d) => {
      l.items.forEach((j, r) => {
        this.candItem[(this.candStart[d] as number) + r] = j;
        this.candDelta[(this.candStart[d] as number) + r] = l.deltas[r] as number;
      });
      // Candidates are undominated; their LP hull in cost order.
      const byCost = [...l.items].sort((a, b) => (cost[a] as number) - (cost[b] as number));
      const hull: number[] = [];
      for (const j of byCost) {
        while (hull.length >= 2) {
          const p = hull[hull.length - 2] as number;
          const q = hull[hull.length - 1] as number;
          const s1 = ((value[q] as number) - (value[p] as number)) / ((cost[q] as number) - (cost[p] as number));
          const s2 = ((value[j] as number) - (value[q] as number)) / ((cost[j] as number) - (cost[q] as number));
          if (s2 >= s1) hull.pop();
          else break;
        }
        hull.push(j);
      }
      minCost[d] = cost[hull[0] as number] as number;
      baseValue[d] = value[hull[0] as number] as number;
      for (let a = 1; a < hull.length; a++) {
        const p = hull[a - 1] as number;
        const q = hull[a] as number;
        const dc = (cost[q] as number) - (cost[p] as number);
        const dv = (value[q] as number) - (value[p] as number);
        ups.push({ d, dc, dv, s: dv / dc });
      }
    });
    for (let d = F - 1; d >= 0; d--) {
      this.sufMinCost[d] = (this.sufMinCost[d + 1] as number) + (minCost[d] as number);
      this.sufBaseValue[d] = (this.sufBaseValue[d + 1] as number) + (baseValue[d] as number);
    }
    ups.sort((a, b) => b.s - a.s || a.d - b.d);
    this.lpDepth = Int32Array.from(ups, (u) => u.d);
    this.lpDc = Float64Array.from(ups, (u) => u.dc);
    this.lpDv = Float64Array.from(ups, (u) => u.dv);
    this.pick = new Int32Array(F);
    this.copyKey = key;
    this.fixedDelta = fixedDelta;
    this.fixedValue = fixedValue;
    this.fixedCost = fixedCost;
    this.deadline = performance.now() + limits.timeLimit * 1000;
  }

  run(): MckpCoreResult {
    const { inc, rel } = this;
    // The incumbent's free groups keep its items until a better plan is found.
    this.dfs(0, this.fixedValue, this.fixedCost, this.fixedDelta);
    const status = this.stopped ? 'feasible' : 'optimal';
    return {
      status,
      choice: inc.choice,
      value: inc.value,
      cost: inc.cost,
      bound: this.stopped ? rel.bound : inc.value,
      nodes: this.nodes,
    };
  }

  private accept(): number {
    return Math.max(this.rel.tol, this.limits.mipGap * Math.abs(this.inc.value));
  }

  /** LP bound on the value of free groups at depth >= d with `room` capacity left (-Infinity if infeasible). */
  private lpBound(d: number, room: number): number {
    let left = room - (this.sufMinCost[d] as number);
    if (left < -this.rel.capTol) return Number.NEGATIVE_INFINITY;
    let v = this.sufBaseValue[d] as number;
    const n = this.lpDepth.length;
    for (let a = 0; a < n; a++) {
      if ((this.lpDepth[a] as number) < d) continue;
      const dc = this.lpDc[a] as number;
      if (dc <= left) {
        left -= dc;
        v += this.lpDv[a] as number;
      } else {
        return v + ((this.lpDv[a] as number) * Math.max(0, left)) / dc;
      }
    }
    return v;
  }

  private dfs(d: number, value: number, cost: number, deltaSum: number): void {
    if (this.stopped) return;
    this.nodes++;
    if ((this.nodes & 1023) === 0 && performance.now() > this.deadline) {
      this.stopped = true;
      return;
    }
    const { inc, rel, items } = this;
    const F = this.free.length;
    if (d === F) {
      if (value > inc.value + rel.tol * 1e-3 && cost <= rel.capacity + rel.capTol) {
        inc.value = value;
        inc.cost = cost;
        for (let e = 0; e < F; e++)
          inc.choice[this.free[e] as number] = this.candItem[this.pick[e] as number] as number;
      }
      return;
    }
    if (rel.bound - deltaSum <= inc.value + this.accept()) return;
    if (value + this.lpBound(d, rel.capacity - cost) <= inc.value + this.accept()) return;
    const sameAsPrev =
      d > 0 &&
      this.copyKey !== undefined &&
      ck(this.copyKey, this.free[d] as number) >= 0 &&
      ck(this.copyKey, this.free[d] as number) === ck(this.copyKey, this.free[d - 1] as number);
    const from = sameAsPrev ? (this.pick[d - 1] as number) - (this.candStart[d - 1] as number) : 0;
    const s = this.candStart[d] as number;
    const e = this.candStart[d + 1] as number;
    for (let c = s + from; c < e; c++) {
      const j = this.candItem[c] as number;
      const cj = items.cost[j] as number;
      if (cost + cj + (this.sufMinCost[d + 1] as number) > rel.capacity + rel.capTol) continue;
      this.pick[d] = c;
      this.dfs(d + 1, value + (items.value[j] as number), cost + cj, deltaSum + (this.candDelta[c] as number));
      if (this.stopped) return;
    }
  }
}

function ck(key: Int32Array | undefined, g: number): number {
  return key === undefined ? -1 : (key[g] as number);
}
