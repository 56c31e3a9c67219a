import { ValidationError } from '../core/errors.js';
import type { RCTDataset } from '../data/dataset.js';
import { evaluatePolicies } from '../eval/ipw.js';

/** A point estimate with an optional interval. */
export interface Estimate {
  readonly estimate: number;
  readonly lower?: number;
  readonly upper?: number;
}

/** One arm and the share of users who get it. */
export interface ArmShare {
  readonly arm: string;
  readonly share: number;
}

/** A plain alternative to the plan: one arm to a random share of users (or to nobody). */
export interface Alternative {
  /** The arm given, or the control arm for "nobody". */
  readonly arm: string;
  /** Share of users who get it, in [0, 1]: as many as the budget affords, picked at random. */
  readonly share: number;
  readonly incrementalResponse: Estimate;
  /** Cost per user. */
  readonly spend: Estimate;
}

/** What to do at one budget and what it is expected to bring, beside the two plain alternatives. */
export interface DecisionAtBudget {
  /** Budget per user. */
  readonly budget: number;
  /** Share of users per arm (every arm, control first). */
  readonly shares: readonly ArmShare[];
  /** Expected incremental response per user over giving nobody anything. */
  readonly incrementalResponse: Estimate;
  /** Expected cost per user. */
  readonly spend: Estimate;
  /** The best single arm given to a random share of users that the budget affords. */
  readonly bestSingleArm: Alternative;
  /** Giving everyone control. */
  readonly nobody: Alternative;
  /** Plan's incremental response over the best single arm's (NaN when that is not positive). */
  readonly ratioToBestSingleArm: number;
}

/** Profit mode: net value per user (`netValue` x incremental response - incremental cost) over the budgets. */
export interface ProfitSummary {
  /** Value of one unit of response, in cost units. */
  readonly netValue: number;
  /** The budget with the highest net value (beyond it an extra unit of spend returns less than it costs). */
  readonly breakEvenBudget: number;
  readonly curve: readonly { readonly budget: number; readonly net: Estimate }[];
}

/** The decision summary: per budget, who gets what and what it brings, in numbers and in plain words. */
export interface DecisionSummary {
  /** The method whose plan is summarized, e.g. 'hrc'. */
  readonly method: string;
  /** What one unit of response is, in words: 'orders', 'visits'. */
  readonly responseName: string;
  /** Where the figures come from, e.g. 'IPW on 3,000 held-out trial rows'. */
  readonly source: string;
  /** Whether the figures come from rows the plan was not fitted on (`'unknown'` when that cannot be told). */
  readonly heldOut: boolean | 'unknown';
  /** Confidence level of the intervals. */
  readonly level: number;
  readonly budgets: readonly DecisionAtBudget[];
  readonly profit?: ProfitSummary;
}

/** Options of {@link decisionSummary}. */
export interface DecisionSummaryOptions {
  /** Randomized trial rows the plan is evaluated on (held out from fitting, for honest figures). */
  data: RCTDataset;
  /** Budgets per user. */
  budgets: readonly number[];
  /** The plan's arm per row of `data` at a budget. */
  assign: (budgetPerUser: number) => Int32Array | Promise<Int32Array>;
  /** @default 'hrc' */
  method?: string;
  /** @default 'response' */
  responseName?: string;
  /** Whether `data` was held out from fitting, or `'unknown'` (e.g. a file that may hold training rows). @default true */
  heldOut?: boolean | 'unknown';
  /** Where the rows come from, in words. @default 'held-out trial rows' or 'the training rows (in-sample)' */
  rowsName?: string;
  /** Value of one unit of response in cost units: adds the profit summary. */
  netValue?: number;
  /** Bootstrap resamples of the intervals. @default 200 */
  resamples?: number;
  /** @default 0.95 */
  level?: number;
  /** Seed of the bootstrap. @default 42 */
  seed?: number;
}

export const defaultDecisionSummaryOptions = {
  method: 'hrc',
  responseName: 'response',
  heldOut: true as boolean | 'unknown',
  resamples: 200,
  level: 0.95,
  seed: 42,
} satisfies Partial<DecisionSummaryOptions>;

const est = (i: { estimate: number; lower: number; upper: number }, scale = 1, shift = 0): Estimate => ({
  estimate: shift + scale * i.estimate,
  ...(Number.isFinite(i.lower) && Number.isFinite(i.upper)
    ? { lower: shift + scale * Math.min(i.lower, i.upper), upper: shift + scale * Math.max(i.lower, i.upper) }
    : {}),
});

/**
 * The decision summary of a plan: at each budget the arm shares, the expected incremental response and spend per
 * user with bootstrap intervals (the expected outcome metric on randomized rows, see `evaluatePolicy`), beside the
 * best single arm given to a random share of users the budget affords, and nobody. The plan and every
 * alternative are evaluated on the same resamples. Use {@link decisionSentences} for the words.
 *
 * @example
 * ```ts
 * const summary = await decisionSummary({
 *   data: test, budgets: [0.1, 0.3], assign: async (b) => (await policy.atBudget(b)).decideBatch(test.features, { perUser: b }),
 * });
 * console.log(decisionSentences(summary).join('\n'));
 * ```
 */
export async function decisionSummary(options: DecisionSummaryOptions): Promise<DecisionSummary> {
  const o = { ...defaultDecisionSummaryOptions, ...options };
  const { data } = o;
  if (o.budgets.length === 0) throw new ValidationError({ path: ['budgets'], message: 'expected at least one budget' });
  const m = data.treatmentNames.length;
  const names = data.treatmentNames;
  const plans: Int32Array[] = [];
  for (const b of o.budgets) plans.push(await o.assign(b));
  // Every arm to everyone, on the same resamples as the plans.
  const uniform = Array.from({ length: m }, (_, j) => new Int32Array(data.n).fill(j));
  const ev = evaluatePolicies([...plans, ...uniform], data, {
    resamples: o.resamples,
    level: o.level,
    seed: o.seed,
  }).evaluations;
  const all = ev.slice(plans.length);
  const control = all[0];
  if (control === undefined) throw new ValidationError({ path: ['data'], message: 'expected a control arm' });
  const c0 = control.cost.estimate;
  const budgets: DecisionAtBudget[] = o.budgets.map((budget, p) => {
    const e = ev[p] as (typeof ev)[number];
    let best: Alternative | undefined;
    for (let j = 1; j < m; j++) {
      const a = all[j] as (typeof ev)[number];
      const extra = a.cost.estimate - c0;
      const share = extra <= 0 ? 1 : Math.max(0, Math.min(1, (budget - c0) / extra));
      const alt: Alternative = {
        arm: names[j] as string,
        share,
        incrementalResponse: est(a.incrementalResponse, share),
        spend: est(
          { ...a.cost, estimate: a.cost.estimate - c0, lower: a.cost.lower - c0, upper: a.cost.upper - c0 },
          share,
          c0,
        ),
      };
      if (best === undefined || alt.incrementalResponse.estimate > best.incrementalResponse.estimate) best = alt;
    }
    const nobody: Alternative = {
      arm: names[0] as string,
      share: 1,
      incrementalResponse: { estimate: 0 },
      spend: est(control.cost),
    };
    const bestSingleArm = best ?? nobody;
    const r = e.incrementalResponse.estimate;
    const rb = bestSingleArm.incrementalResponse.estimate;
    return {
      budget,
      shares: e.armShares.map((share, j) => ({ arm: names[j] as string, share })),
      incrementalResponse: est(e.incrementalResponse),
      spend: est(e.cost),
      bestSingleArm,
      nobody,
      ratioToBestSingleArm: rb > 0 ? r / rb : Number.NaN,
    };
  });
  const heldOut = o.heldOut;
  const rows =
    o.rowsName ??
    (heldOut === true ? 'held-out trial rows' : heldOut === false ? 'the training rows (in-sample)' : 'trial rows');
  const summary: DecisionSummary = {
    method: o.method,
    responseName: o.responseName,
    source: `inverse-propensity estimate on ${data.n.toLocaleString('en-US')} ${rows}; ${Math.round(100 * o.level)}% bootstrap intervals`,
    heldOut,
    level: o.level,
    budgets,
  };
  if (o.netValue === undefined) return summary;
  const v = o.netValue;
  const curve = budgets.map((d, p) => {
    const e = ev[p] as (typeof ev)[number];
    const inc = e.incrementalCost.estimate;
    return { budget: d.budget, net: est(e.incrementalResponse, v, -inc) };
  });
  let bi = 0;
  for (let i = 1; i < curve.length; i++)
    if ((curve[i]?.net.estimate as number) > (curve[bi]?.net.estimate as number) + 1e-12) bi = i;
  return { ...summary, profit: { netValue: v, breakEvenBudget: curve[bi]?.budget as number, curve } };
}
