import { ValidationError } from '../core/errors.js';
import { GroupStats } from '../solver/group-stats.js';
import { assignAtBudget, mckpPath } from '../solver/mckp.js';
import type { KScore, KScorerContext } from './options.js';

/**
 * The default K scorer: the held-out IPW value of the group-level plan. On the training part, each (group, arm)
 * cell's per-capita response and cost are estimated by {@link GroupStats} (inverse-propensity weighted means);
 * the plan "one arm per group, maximum response with expected cost per user within the budget" is solved exactly
 * on the multiple-choice knapsack path at each budget (rounded down, never over budget). Its value is then
 * estimated on the validation part by Horvitz-Thompson: mean over rows of 1[arm = plan(group)] * response /
 * propensity, averaged over the budgets. The standard error is that of the per-row averaged contribution.
 *
 * @example
 * ```ts
 * const clusterer = new HiddenClusterer({ k: 'auto', scoreK: ipwPlanScorer });
 * ```
 */
export function ipwPlanScorer(ctx: KScorerContext): KScore {
  const { k, train, valid, trainGroups, validGroups, budgets } = ctx;
  if (budgets.length === 0) throw new ValidationError({ path: ['budgets'], message: 'expected at least one budget' });
  const m = train.treatmentNames.length;
  const stats = GroupStats.from(train, trainGroups, k);
  const values = new Float64Array(k * m);
  const costs = new Float64Array(k * m);
  const total = train.n;
  for (let g = 0; g < k; g++) {
    const share = stats.groupCount(g) / total;
    for (let j = 0; j < m; j++) {
      const cell = stats.cell(g, j);
      // An empty or unobserved cell cannot be chosen: worst value, prohibitive cost.
      const ok = cell.count > 0 && Number.isFinite(cell.response) && Number.isFinite(cell.cost);
      values[g * m + j] = ok ? share * cell.response : -1e9;
      costs[g * m + j] = ok ? share * cell.cost : 1e9;
    }
  }
  const path = mckpPath(values, costs, k, m);
  const plans: Int32Array[] = [];
  for (const b of budgets) {
    try {
      plans.push(assignAtBudget(path, b));
    } catch {
      // A budget below the cheapest plan scores nothing for this K; the other budgets still count.
    }
  }
  if (plans.length === 0) return { score: Number.NEGATIVE_INFINITY, se: 0 };
  const nv = valid.n;
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < nv; i++) {
    const g = validGroups[i] as number;
    const t = valid.treatment[i] as number;
    const p = valid.propensity?.[i] ?? 1 / m;
    let hits = 0;
    for (const plan of plans) if (plan[g] === t) hits++;
    const v = ((hits / plans.length) * (valid.response[i] as number)) / p;
    s1 += v;
    s2 += v * v;
  }
  const mean = s1 / nv;
  const variance = Math.max(0, s2 / nv - mean * mean);
  return { score: mean, se: Math.sqrt(variance / Math.max(1, nv - 1)) };
}

/** Default scoring budgets: 0.25, 0.5 and 0.75 of the largest per-user mean cost of any arm. */
export function defaultBudgets(train: KScorerContext['train']): number[] {
  const m = train.treatmentNames.length;
  const sum = new Float64Array(m);
  const cnt = new Float64Array(m);
  for (let i = 0; i < train.n; i++) {
    const t = train.treatment[i] as number;
    sum[t] = (sum[t] as number) + (train.cost[i] as number);
    cnt[t] = (cnt[t] as number) + 1;
  }
  let top = 0;
  for (let j = 0; j < m; j++) if ((cnt[j] as number) > 0) top = Math.max(top, (sum[j] as number) / (cnt[j] as number));
  return [0.25 * top, 0.5 * top, 0.75 * top];
}
