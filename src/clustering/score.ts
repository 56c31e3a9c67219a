import { InfeasibleBudgetError, ValidationError } from '../core/errors.js';
import { GroupStats } from '../solver/group-stats.js';
import { StochasticBudgetSolver, type StochasticBudgetSolverOptions } from '../solver/stochastic-solver.js';
import type { KScore, KScorer, KScorerContext } from './options.js';

/**
 * A K scorer built on the group-level solver: the held-out IPW value of the group-level plan. On the training part,
 * {@link GroupStats} gives each (group, arm) cell's inverse-propensity-weighted per-capita response and cost; the
 * {@link StochasticBudgetSolver} (formulation and backend from `solverOptions`, default `expected` with the exact
 * solver) plans one arm per group at each budget. The plans' value is then estimated on the validation part by
 * Horvitz-Thompson: the mean over rows of 1[arm = plan(group)] * response / propensity, averaged over the budgets;
 * the standard error is that of the per-row averaged contribution. Budgets below the cheapest plan are skipped;
 * with none left the score is -Infinity.
 *
 * @example
 * ```ts
 * const scoreK = makeIPWPlanScorer({ formulation: 'robust', kappa: 1 });
 * const clusterer = new HiddenClusterer({ k: 'auto', scoreK });
 * ```
 */
export function makeIPWPlanScorer(solverOptions: StochasticBudgetSolverOptions = {}): KScorer {
  const solver = new StochasticBudgetSolver({ formulation: 'expected', ...solverOptions });
  return async (ctx: KScorerContext): Promise<KScore> => {
    const { k, train, valid, trainGroups, validGroups, budgets } = ctx;
    if (budgets.length === 0) throw new ValidationError({ path: ['budgets'], message: 'expected at least one budget' });
    const m = train.treatmentNames.length;
    const stats = GroupStats.from(train, { groups: trainGroups, k });
    const plans: Int32Array[] = [];
    for (const b of budgets) {
      try {
        const table = await solver.solve(stats, { budgets: [b], armNames: train.treatmentNames });
        plans.push(table.armsAt(b).slice());
      } catch (e) {
        // A budget below the cheapest plan scores nothing for this K; the other budgets still count.
        if (!(e instanceof InfeasibleBudgetError)) throw e;
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
  };
}

/** The default K scorer: {@link makeIPWPlanScorer} with the `expected` formulation and the exact solver. */
export const ipwPlanScorer: KScorer = makeIPWPlanScorer();

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
