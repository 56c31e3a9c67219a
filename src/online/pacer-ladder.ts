import { ValidationError } from '../core/errors.js';
import type { AllocationTable } from '../solver/allocation-table.js';
import type { GroupStats } from '../solver/group-stats.js';

/**
 * The pacer's cost model of the policy's ladder, from the trial: the expected cost per user of every (group, arm)
 * cell (a cell without trial users takes the arm's mean over groups), of every group under every plan, and the
 * trial's group shares.
 */
export class LadderCosts {
  readonly k: number;
  readonly m: number;
  /** Expected cost per user of (group, arm), row-major k * m. */
  readonly cell: Float64Array;
  /** Expected cost per user of group g under plan p, row-major P * k. */
  readonly planGroup: Float64Array;
  /** The trial's share of users in each group. */
  readonly referenceShares: Float64Array;

  constructor(
    readonly table: AllocationTable,
    stats: GroupStats,
  ) {
    const k = table.k;
    const m = table.m;
    this.k = k;
    this.m = m;
    this.cell = new Float64Array(k * m);
    for (let j = 0; j < m; j++) {
      let sum = 0;
      let w = 0;
      for (let g = 0; g < k; g++) {
        const c = stats.cell(g, j);
        if (c.count > 0 && Number.isFinite(c.cost)) {
          this.cell[g * m + j] = c.cost;
          sum += c.cost * c.count;
          w += c.count;
        } else this.cell[g * m + j] = Number.NaN;
      }
      const mean = w > 0 ? sum / w : 0;
      for (let g = 0; g < k; g++) if (Number.isNaN(this.cell[g * m + j])) this.cell[g * m + j] = mean;
    }
    const P = table.size;
    this.planGroup = new Float64Array(P * k);
    for (let p = 0; p < P; p++) {
      for (let g = 0; g < k; g++) {
        let c = 0;
        if (table.shares === undefined) c = this.cell[g * m + table.armFor(p, g)] as number;
        else
          for (let j = 0; j < m; j++)
            c += (table.shares[(p * k + g) * m + j] as number) * (this.cell[g * m + j] as number);
        this.planGroup[p * k + g] = c;
      }
    }
    let n = 0;
    for (let g = 0; g < k; g++) n += stats.groupCount(g);
    this.referenceShares = Float64Array.from({ length: k }, (_, g) => (n > 0 ? stats.groupCount(g) / n : 1 / k));
  }

  /** Cost per user of the holdout on the group mix `mix`: control's, or the mean over arms for a uniform holdout. */
  holdoutCost(mix: Float64Array, uniform: boolean): number {
    const { k, m, cell } = this;
    let cost = 0;
    for (let g = 0; g < k; g++) {
      let c = 0;
      if (!uniform) c = cell[g * m] as number;
      else for (let j = 0; j < m; j++) c += (cell[g * m + j] as number) / m;
      cost += (mix[g] as number) * c;
    }
    return cost;
  }

  /**
   * The ladder point whose cost per user on the group mix `mix` is `target`: a plan and the share `theta` of users
   * sent to the next one. With caps, an arm at its cap is priced at the arm a capped user gets (`caps`).
   */
  pointFor(target: number, mix: Float64Array, caps: ArmCaps): { plan: number; theta: number } {
    const t = this.table;
    const { k, m } = this;
    const P = t.size;
    const costs = new Float64Array(P);
    const full = caps.anyFull();
    for (let p = 0; p < P; p++) {
      let c = 0;
      for (let g = 0; g < k; g++) {
        let gc = this.planGroup[p * k + g] as number;
        if (full && t.shares === undefined && caps.isFull(t.armFor(p, g))) {
          gc = this.cell[g * m + caps.fallback(p, g)] as number;
        }
        c += (mix[g] as number) * gc;
      }
      costs[p] = c;
    }
    let best = -1;
    for (let p = 0; p < P; p++) if ((costs[p] as number) <= target) best = p;
    if (best < 0) return { plan: 0, theta: 0 };
    if (best === P - 1) return { plan: P - 1, theta: 0 };
    const lo = costs[best] as number;
    const hi = costs[best + 1] as number;
    return { plan: best, theta: hi > lo ? Math.min(1, Math.max(0, (target - lo) / (hi - lo))) : 0 };
  }
}

/** Per-arm caps counted online: typed-array counters and the arm a capped user gets instead. */
export class ArmCaps {
  /** Users given each arm so far. */
  readonly counts: Float64Array;

  constructor(
    private readonly costs: LadderCosts,
    /** Cap per arm (Infinity where none). */
    readonly caps: Float64Array,
  ) {
    this.counts = new Float64Array(costs.m);
  }

  isFull(arm: number): boolean {
    return (this.counts[arm] as number) >= (this.caps[arm] as number);
  }

  anyFull(): boolean {
    for (let j = 0; j < this.counts.length; j++) if (this.isFull(j)) return true;
    return false;
  }

  /**
   * The arm for a capped user of group g at plan `plan`: the group's arm at the next lower plan not capped, else
   * control, else the cheapest free arm. Throws ValidationError when every arm is at its cap.
   */
  fallback(plan: number, g: number): number {
    const t = this.costs.table;
    for (let p = plan - 1; p >= 0; p--) {
      const j = t.armFor(p, g);
      if (!this.isFull(j)) return j;
    }
    if (!this.isFull(0)) return 0;
    const m = this.costs.m;
    const cell = this.costs.cell;
    let best = -1;
    for (let j = 0; j < m; j++) {
      if (!this.isFull(j) && (best < 0 || (cell[g * m + j] as number) < (cell[g * m + best] as number))) best = j;
    }
    if (best < 0) {
      let n = 0;
      for (const c of this.counts) n += c;
      throw new ValidationError({
        path: ['caps'],
        message: `every arm has reached its cap after ${n} decisions; no arm is left for this user`,
      });
    }
    return best;
  }
}
