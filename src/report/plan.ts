import type { AllocationPolicy } from '../policy/policy.js';

/** One group of a {@link PlanView}: its share of users and the uplift and cost of every arm over control. */
export interface PlanGroup {
  readonly group: number;
  /** Share of the trial's users in the group. */
  readonly share: number;
  /** Incremental response per user of each arm over control in the group (0 for control), from the trial. */
  readonly uplift: readonly number[];
  /** Standard error of `uplift`. */
  readonly upliftSe: readonly number[];
  /** Incremental cost per user of each arm over control in the group (0 for control), from the trial. */
  readonly cost: readonly number[];
}

/**
 * A policy's allocation table as plain data for the report's budget slider: the grid of budgets, each group's arm
 * at each budget, and the planned value and spend (in-sample: from the trial rows the plan was fitted on).
 */
export interface PlanView {
  readonly method: string;
  readonly armNames: readonly string[];
  /** Grid budgets per user, ascending. */
  readonly budgets: readonly number[];
  readonly groups: readonly PlanGroup[];
  /** `arms[b][g]`: the arm of group g at budget b (with shares: the arm with the largest share). */
  readonly arms: readonly (readonly number[])[];
  /** Planned incremental response per user at each budget (in-sample). */
  readonly value: readonly number[];
  /** Planned cost per user at each budget (in-sample). */
  readonly cost: readonly number[];
  /**
   * How far the planned cost can miss, when the table holds scenario quantiles: the outer quantile levels (e.g.
   * `[0.05, 0.95]`), the cost per user at those levels over the trial's bootstrap draws at each budget, and the share
   * of draws within each budget.
   */
  readonly costSpread?: {
    readonly levels: readonly [number, number];
    readonly low: readonly number[];
    readonly high: readonly number[];
    readonly withinBudget: readonly number[];
  };
}

/**
 * The plan view of a policy, or undefined when it holds no GroupStats (a `--slim` policy: no per-group uplift).
 *
 * @example
 * ```ts
 * const plans = planView(pipeline.policy);
 * await writeReport('out', { comparison, plans });
 * ```
 */
export function planView(policy: AllocationPolicy, method = policy.metadata.method ?? 'hrc'): PlanView | undefined {
  const stats = policy.stats;
  if (stats === undefined) return undefined;
  const t = policy.table;
  const n = Math.max(1, stats.n);
  const finite = (v: number) => (Number.isFinite(v) ? v : 0);
  const groups: PlanGroup[] = [];
  for (let g = 0; g < t.k; g++) {
    const uplift: number[] = [];
    const upliftSe: number[] = [];
    const cost: number[] = [];
    for (let j = 0; j < t.m; j++) {
      if (j === 0) {
        uplift.push(0);
        upliftSe.push(0);
        cost.push(0);
        continue;
      }
      const u = stats.uplift(g, j);
      uplift.push(finite(u.response));
      upliftSe.push(finite(u.seResponse));
      cost.push(finite(u.cost));
    }
    groups.push({ group: g, share: stats.groupCount(g) / n, uplift, upliftSe, cost });
  }
  return {
    method,
    armNames: [...policy.treatmentNames],
    budgets: Array.from(t.budgets),
    groups,
    arms: Array.from({ length: t.size }, (_, b) => Array.from({ length: t.k }, (_, g) => t.armFor(b, g))),
    value: Array.from(t.value),
    cost: Array.from(t.cost),
    ...costSpread(t),
  };
}

/** The outer cost quantiles of every plan of a table (nothing when it has fewer than two quantile levels). */
function costSpread(t: AllocationPolicy['table']): { costSpread?: NonNullable<PlanView['costSpread']> } {
  const Q = t.quantileLevels.length;
  if (Q < 2) return {};
  const at = (b: number, q: number) => t.costQuantiles[b * Q + q] as number;
  const plans = Array.from({ length: t.size }, (_, b) => b);
  if (!plans.every((b) => Number.isFinite(at(b, 0)) && Number.isFinite(at(b, Q - 1)))) return {};
  return {
    costSpread: {
      levels: [t.quantileLevels[0] as number, t.quantileLevels[Q - 1] as number],
      low: plans.map((b) => at(b, 0)),
      high: plans.map((b) => at(b, Q - 1)),
      withinBudget: plans.map((b) => t.probWithinBudget[b] as number),
    },
  };
}

/** Index of the plan used at a budget: the largest grid budget at or below it (the first when below the grid). */
export function planIndexAt(view: PlanView, budget: number): number {
  let i = 0;
  for (let b = 0; b < view.budgets.length; b++) if ((view.budgets[b] as number) <= budget * (1 + 1e-9) + 1e-12) i = b;
  return i;
}
