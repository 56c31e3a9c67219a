import type { ComparisonMetric, ComparisonResult } from '../eval/compare.js';
import type { DecisionSummary } from './decision.js';
import type { PlanView } from './plan.js';

/** One method's cost curve: incremental response against incremental cost, per user, over a budget sweep. */
export interface CostCurveSeries {
  readonly method: string;
  readonly points: readonly {
    readonly incrementalCost: number;
    readonly incrementalResponse: number;
    /** Interval of the incremental response, if known. */
    readonly lower?: number;
    readonly upper?: number;
    readonly budget?: number;
  }[];
  /** Normalized area (see `costCurve`): the curve's shape, not its level. Shown in the legend when given. */
  readonly normalizedArea?: number;
  /**
   * Mean incremental response over incremental costs from 0 to `sharedSpend`, the smallest of the compared curves'
   * largest incremental costs (see `meanResponseUpTo`): the level of each curve on one common range, so methods
   * rank by value at matched spend even when one of them cannot spend the larger budgets. Shown when given.
   */
  readonly meanResponseToSharedSpend?: number;
  readonly sharedSpend?: number;
}

/** Per-group uplift and size, e.g. of HRC's hidden-representation clusters. */
export interface GroupSummary {
  readonly group: string | number;
  /** Users in the group (a count or a share; plotted as given). */
  readonly size: number;
  /** Incremental response per user of the group's treatment (or best arm) over control. */
  readonly uplift: number;
  readonly upliftLower?: number;
  readonly upliftUpper?: number;
  /** Incremental cost per user, if known. */
  readonly incrementalCost?: number;
  /** The arm the plan gives the group at a reference budget, if any. */
  readonly arm?: string;
}

/** How well the distilled student reproduces the teacher's group assignment. */
export interface DistillationSummary {
  /** Share of users the student assigns to the teacher's group, in [0, 1]. */
  readonly agreement: number;
  /** Agreement per teacher group, with the group's size. */
  readonly perGroup?: readonly { readonly group: string | number; readonly agreement: number; readonly size: number }[];
}

/** The candidates for the number of groups K and their held-out scores. */
export interface KSelectionSummary {
  readonly scores: readonly { readonly k: number; readonly score: number; readonly se?: number }[];
  /** The K that was chosen. */
  readonly chosen: number;
  /** How it was chosen, e.g. 'smallest K within one standard error of the best'. */
  readonly rule?: string;
  /** What the score is, e.g. 'held-out IPW incremental response per user'. @default 'score' */
  readonly scoreLabel?: string;
}

/** Everything a report can show. Every part is optional; sections without data are left out. */
export interface ReportInput {
  /** @default 'hrc-budget report' */
  readonly title?: string;
  /** A paragraph under the title (plain text). */
  readonly description?: string;
  /** What to do at each budget, shown first (see `decisionSummary`). */
  readonly decision?: DecisionSummary;
  /** The chosen method's allocation table, for the budget slider (see `planView`). */
  readonly plans?: PlanView;
  /** The result of `compare`. */
  readonly comparison?: ComparisonResult;
  /** Cost curves; when omitted they are drawn from `comparison` (mean EOM incremental cost and response). */
  readonly costCurves?: readonly CostCurveSeries[];
  readonly groups?: readonly GroupSummary[];
  /** Budget per user whose plan gives the groups' `arm`, named in the groups section. */
  readonly groupsBudget?: number;
  readonly distillation?: DistillationSummary;
  readonly kSelection?: KSelectionSummary;
  /** Free key-value facts shown in a table (data set, sizes, command line...). */
  readonly metadata?: Readonly<Record<string, string | number | boolean>>;
}

/** Options of `renderReport` and `writeReport`. All optional. */
export interface ReportOptions {
  /**
   * Metrics drawn against budget, one chart each. @default truth.oracleRatioMatched, truth.spendRatio and
   * eom.incrementalResponse when the comparison has truth, else eom.incrementalResponse and eom.spendRatio
   */
  valueMetrics?: readonly ComparisonMetric[];
  /** Timestamp written into the report and results.json. @default the current time */
  generatedAt?: string;
  /** Chart width and height in pixels (the plot area; two charts with legends fit side by side). @default 360 x 240 */
  width?: number;
  height?: number;
  /** Budget per user the slider starts at. @default the middle budget of the decision summary, else of the grid */
  budget?: number;
  /**
   * vega's browser build (the text of `vega/build/vega.min.js`), inlined so that the budget slider runs offline.
   * Without it the budget section is drawn once, at `budget`. `writeReport` reads it from the installed vega.
   */
  vegaRuntime?: string;
}

export const defaultReportOptions = {
  width: 360,
  height: 240,
} satisfies Partial<ReportOptions>;

/** Human-readable labels of the comparison metrics. */
export const metricLabels: Readonly<Record<ComparisonMetric, string>> = {
  'eom.response': 'Response per user (trial estimate)',
  'eom.cost': 'Spend per user (trial estimate)',
  'eom.incrementalResponse': 'Incremental response per user (trial estimate)',
  'eom.incrementalCost': 'Incremental cost per user (trial estimate)',
  'eom.spendRatio': 'Spend as a share of the budget (trial estimate)',
  'eom.incrementalResponseVsReference': 'Incremental response minus the reference method’s (trial estimate)',
  'truth.incrementalResponse': 'True incremental response per user',
  'truth.cost': 'True spend per user',
  'truth.spendRatio': 'True spend as a share of the budget',
  'truth.overspend': 'True overspend (share of the budget)',
  'truth.oracleRatio': 'Share of the best possible gain within the budget (truth)',
  'truth.oracleRatioMatched': 'Share of the best possible gain at the same spend (truth)',
};
