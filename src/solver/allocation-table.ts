import { readEnvelope } from '../core/envelope.js';
import { InfeasibleBudgetError, SerializationError, ValidationError } from '../core/errors.js';
import type { Budget } from '../core/types.js';
import { readInt, readNumber, readNumbers, readStrings, toPlain } from './json-util.js';
import { tableSchema } from './schema.js';

/** Solver status of one plan: proved optimal, or the best found when a time limit stopped the search. */
export type PlanStatus = 'optimal' | 'feasible';

/** The formulations of {@link StochasticBudgetSolver}. */
export type Formulation = 'expected' | 'robust' | 'chance' | 'cvar';

/**
 * The plain fields of an {@link AllocationTable}: B budgets (per user, ascending), k groups, m arms, Q quantile
 * levels. Per-budget arrays are row-major by budget (`arms[b * k + g]`, `shares[(b * k + g) * m + j]`,
 * `valueQuantiles[b * Q + q]`).
 *
 * Units: `value*` is the expected **incremental response per user over giving everyone control** (add
 * `controlValue` for the absolute response per user); `cost*` and `budgets` are the expected **absolute cost per
 * user** (what is spent; equal to incremental cost when control costs nothing).
 */
export interface AllocationTableData {
  readonly k: number;
  readonly m: number;
  readonly formulation: Formulation;
  readonly armNames: readonly string[];
  /** Users a total budget refers to: `{ total: T }` is looked up as `T / population` per user. */
  readonly population: number;
  /** Cost per user of the cheapest plan (every group at its cheapest arm). */
  readonly minimumBudget: number;
  /** Response per user with everyone at control. */
  readonly controlValue: number;
  readonly quantileLevels: Float64Array;
  readonly budgets: Float64Array;
  readonly arms: Int32Array;
  /** Present when the solver allotted integer shares of groups: fraction of group g on arm j. */
  readonly shares?: Float64Array;
  readonly value: Float64Array;
  readonly cost: Float64Array;
  readonly valueQuantiles: Float64Array;
  readonly costQuantiles: Float64Array;
  /** Share of scenarios in which the plan's cost stays within its budget. */
  readonly probWithinBudget: Float64Array;
  readonly status: readonly PlanStatus[];
  /** Relative MIP gap of each plan (0 when optimal). */
  readonly gap: Float64Array;
}

/** One row of an {@link AllocationTable}, for reading and reports. */
export interface AllocationPlan {
  readonly budget: number;
  readonly arms: Int32Array;
  readonly shares?: Float64Array;
  readonly value: number;
  readonly cost: number;
  readonly valueQuantiles: Float64Array;
  readonly costQuantiles: Float64Array;
  readonly probWithinBudget: number;
  readonly status: PlanStatus;
  readonly gap: number;
}

/**
 * The plans of {@link StochasticBudgetSolver.solve} over a grid of budgets, built for serving: {@link planIndex}
 * finds the plan of the nearest grid budget at or below a requested budget (so a budget between grid points never
 * overspends), and {@link armFor} / {@link armsAt} read a group's arm in O(1) after that.
 *
 * @example
 * ```ts
 * const table = await solver.solve(stats, { budgets: [{ perUser: 0.5 }, { perUser: 1 }] });
 * const b = table.planIndex({ perUser: 0.8 });   // the 0.5 plan
 * const arm = table.armFor(b, group);
 * ```
 */
export class AllocationTable implements AllocationTableData {
  readonly k!: number;
  readonly m!: number;
  readonly formulation!: Formulation;
  readonly armNames!: readonly string[];
  readonly population!: number;
  readonly minimumBudget!: number;
  readonly controlValue!: number;
  readonly quantileLevels!: Float64Array;
  readonly budgets!: Float64Array;
  readonly arms!: Int32Array;
  readonly shares?: Float64Array;
  readonly value!: Float64Array;
  readonly cost!: Float64Array;
  readonly valueQuantiles!: Float64Array;
  readonly costQuantiles!: Float64Array;
  readonly probWithinBudget!: Float64Array;
  readonly status!: readonly PlanStatus[];
  readonly gap!: Float64Array;

  /** Wraps table data after checking sizes and order (throws ValidationError). */
  constructor(data: AllocationTableData) {
    const issues = checkTable(data);
    if (issues.length > 0) throw new ValidationError(issues.map((message) => ({ path: ['table'], message })));
    Object.assign(this, data);
  }

  /** Number of budgets in the grid. */
  get size(): number {
    return this.budgets.length;
  }

  /** A budget as cost per user. A bare number is per user. */
  perUser(budget: Budget | number): number {
    if (typeof budget === 'number') return budget;
    return 'perUser' in budget ? budget.perUser : budget.total / this.population;
  }

  /**
   * Index of the plan for the largest grid budget <= `budget` (never overspends). Throws InfeasibleBudgetError
   * when the budget is below the smallest grid budget.
   */
  planIndex(budget: Budget | number): number {
    const b = this.perUser(budget);
    const bs = this.budgets;
    let lo = 0;
    let hi = bs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((bs[mid] as number) <= b * (1 + 1e-12) + 1e-15) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) throw new InfeasibleBudgetError(b, bs[0] as number, 'perUser');
    return lo - 1;
  }

  /** Arm of group `g` in plan `plan` (for shares: the arm with the largest share). */
  armFor(plan: number, g: number): number {
    return this.arms[plan * this.k + g] as number;
  }

  /** Arms of all groups at a budget (a view into the table, do not modify). */
  armsAt(budget: Budget | number): Int32Array {
    const p = this.planIndex(budget);
    return this.arms.subarray(p * this.k, (p + 1) * this.k);
  }

  /**
   * Arm for one user of group `g` in plan `plan` given a uniform number `u` in [0, 1) (e.g. a hash of the user id):
   * with shares, arm j is chosen for a fraction shares[g][j] of users; without, the group's arm.
   */
  pickArm(plan: number, g: number, u: number): number {
    if (this.shares === undefined) return this.armFor(plan, g);
    const o = (plan * this.k + g) * this.m;
    let acc = 0;
    for (let j = 0; j < this.m; j++) {
      acc += this.shares[o + j] as number;
      if (u < acc) return j;
    }
    return this.armFor(plan, g);
  }

  /** Plan `i` as a record (copies). */
  plan(i: number): AllocationPlan {
    const { k, m } = this;
    const Q = this.quantileLevels.length;
    const base = {
      budget: this.budgets[i] as number,
      arms: this.arms.slice(i * k, (i + 1) * k),
      value: this.value[i] as number,
      cost: this.cost[i] as number,
      valueQuantiles: this.valueQuantiles.slice(i * Q, (i + 1) * Q),
      costQuantiles: this.costQuantiles.slice(i * Q, (i + 1) * Q),
      probWithinBudget: this.probWithinBudget[i] as number,
      status: this.status[i] as PlanStatus,
      gap: this.gap[i] as number,
    };
    return this.shares === undefined ? base : { ...base, shares: this.shares.slice(i * k * m, (i + 1) * k * m) };
  }

  /** Versioned plain JSON `{ kind: 'AllocationTable', formatVersion: 1, params, state }`. */
  toJSON(): {
    kind: 'AllocationTable';
    formatVersion: 1;
    params: Record<string, unknown>;
    state: Record<string, unknown>;
  } {
    const state: Record<string, unknown> = {
      budgets: toPlain(this.budgets),
      arms: Array.from(this.arms),
      value: toPlain(this.value),
      cost: toPlain(this.cost),
      valueQuantiles: toPlain(this.valueQuantiles),
      costQuantiles: toPlain(this.costQuantiles),
      probWithinBudget: toPlain(this.probWithinBudget),
      status: [...this.status],
      gap: toPlain(this.gap),
    };
    if (this.shares !== undefined) state.shares = toPlain(this.shares);
    return {
      kind: 'AllocationTable',
      formatVersion: 1,
      params: {
        k: this.k,
        m: this.m,
        formulation: this.formulation,
        armNames: [...this.armNames],
        population: this.population,
        minimumBudget: this.minimumBudget,
        controlValue: this.controlValue,
        quantileLevels: Array.from(this.quantileLevels),
      },
      state,
    };
  }

  /** Restores a table from {@link toJSON}, validating untrusted input; throws SerializationError. */
  static fromJSON(json: unknown): AllocationTable {
    const { params: p, state: s } = readEnvelope(json, 'AllocationTable', 1, tableSchema);
    const k = readInt(p.k, 'AllocationTable.params.k', 1);
    const m = readInt(p.m, 'AllocationTable.params.m', 1);
    const formulation = p.formulation;
    if (formulation !== 'expected' && formulation !== 'robust' && formulation !== 'chance' && formulation !== 'cvar') {
      throw new SerializationError(`AllocationTable.params.formulation: unknown ${String(formulation)}`);
    }
    const armNames = readStrings(p.armNames, 'AllocationTable.params.armNames');
    const levels = Array.isArray(p.quantileLevels) ? p.quantileLevels.length : -1;
    const quantileLevels = readNumbers(p.quantileLevels, levels, 'AllocationTable.params.quantileLevels');
    const B = Array.isArray(s.budgets) ? s.budgets.length : -1;
    const budgets = readNumbers(s.budgets, B, 'AllocationTable.state.budgets');
    const Q = quantileLevels.length;
    if (
      !Array.isArray(s.status) ||
      s.status.length !== B ||
      !s.status.every((x) => x === 'optimal' || x === 'feasible')
    ) {
      throw new SerializationError(`AllocationTable.state.status: expected ${B} of 'optimal' | 'feasible'`);
    }
    const arms = Array.isArray(s.arms) ? s.arms : [];
    if (arms.length !== B * k || !arms.every((a) => Number.isInteger(a) && a >= 0 && a < m)) {
      throw new SerializationError(`AllocationTable.state.arms: expected ${B * k} arm indices in 0..${m - 1}`);
    }
    const data: AllocationTableData = {
      k,
      m,
      formulation,
      armNames,
      population: readNumber(p.population, 'AllocationTable.params.population'),
      minimumBudget: readNumber(p.minimumBudget, 'AllocationTable.params.minimumBudget'),
      controlValue: readNumber(p.controlValue, 'AllocationTable.params.controlValue'),
      quantileLevels,
      budgets,
      arms: Int32Array.from(arms as number[]),
      value: readNumbers(s.value, B, 'AllocationTable.state.value'),
      cost: readNumbers(s.cost, B, 'AllocationTable.state.cost'),
      valueQuantiles: readNumbers(s.valueQuantiles, B * Q, 'AllocationTable.state.valueQuantiles'),
      costQuantiles: readNumbers(s.costQuantiles, B * Q, 'AllocationTable.state.costQuantiles'),
      probWithinBudget: readNumbers(s.probWithinBudget, B, 'AllocationTable.state.probWithinBudget'),
      status: s.status as PlanStatus[],
      gap: readNumbers(s.gap, B, 'AllocationTable.state.gap', true),
      ...(s.shares === undefined ? {} : { shares: readNumbers(s.shares, B * k * m, 'AllocationTable.state.shares') }),
    };
    const issues = checkTable(data);
    if (issues.length > 0) throw new SerializationError(`AllocationTable: ${issues.slice(0, 3).join('; ')}`);
    return new AllocationTable(data);
  }
}

function checkTable(d: AllocationTableData): string[] {
  const out: string[] = [];
  const B = d.budgets.length;
  const Q = d.quantileLevels.length;
  if (B < 1) out.push('expected at least one budget');
  if (d.armNames.length !== d.m) out.push(`expected ${d.m} arm names, got ${d.armNames.length}`);
  if (!(d.population > 0)) out.push(`expected population > 0, got ${d.population}`);
  for (let i = 1; i < B; i++) {
    if (!((d.budgets[i] as number) > (d.budgets[i - 1] as number))) out.push(`budgets not strictly ascending at ${i}`);
  }
  if (d.arms.length !== B * d.k) out.push(`expected ${B * d.k} arms, got ${d.arms.length}`);
  for (const a of d.arms) if (!(a >= 0 && a < d.m)) out.push(`arm index ${a} outside 0..${d.m - 1}`);
  const lens: [string, ArrayLike<number>, number][] = [
    ['value', d.value, B],
    ['cost', d.cost, B],
    ['probWithinBudget', d.probWithinBudget, B],
    ['gap', d.gap, B],
    ['valueQuantiles', d.valueQuantiles, B * Q],
    ['costQuantiles', d.costQuantiles, B * Q],
  ];
  for (const [name, a, n] of lens) if (a.length !== n) out.push(`expected ${n} ${name}, got ${a.length}`);
  if (d.status.length !== B) out.push(`expected ${B} statuses, got ${d.status.length}`);
  if (d.shares !== undefined) {
    if (d.shares.length !== B * d.k * d.m) out.push(`expected ${B * d.k * d.m} shares, got ${d.shares.length}`);
    for (let r = 0; r + d.m <= d.shares.length && out.length < 5; r += d.m) {
      let s = 0;
      for (let j = 0; j < d.m; j++) s += d.shares[r + j] as number;
      if (Math.abs(s - 1) > 1e-9) out.push(`shares of row ${r / d.m} sum to ${s}, expected 1`);
    }
  }
  return out.slice(0, 10);
}
