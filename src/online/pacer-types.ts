/** One logged decision: enough for an IPW evaluation of the next policy on the users served. */
export interface PacerDecision {
  /** The user id given to `decide` (or the decision's sequence number when none was). */
  readonly id: string | number;
  /** Sequence number of the decision in the period (0-based); pass it to `observe({ at })`. */
  readonly seq: number;
  readonly arm: number;
  /** Probability that the pacer's rule gives this user this arm (holdout and plan mixing included). */
  readonly propensity: number;
  /** Per-user grid budget of the plan used (NaN for a held-out user). */
  readonly planBudget: number;
  readonly group: number;
  readonly holdout: boolean;
  /** True when a cap turned the user away from the plan's arm. */
  readonly capped: boolean;
}

/** A realised cost reported to {@link BudgetPacer.observe}. */
export interface CostObservation {
  /** Cost in the budget's unit; finite and >= 0. */
  readonly cost: number;
  /** Sequence number of the decision the cost belongs to. @default the latest decision */
  readonly at?: number;
  /** Arm of that decision, for the drift monitor's realised-vs-planned cost per arm. */
  readonly arm?: number;
}

/** Where the pacer stands. */
export interface PacerStatus {
  readonly decisions: number;
  /** Cost forecast for the decisions made: realised for matured ones, planned x ratio for younger ones. */
  readonly committed: number;
  /** Realised cost reported so far. */
  readonly observed: number;
  /** Realised over planned cost of matured decisions (1 before any). */
  readonly costRatio: number;
  /** The ladder position: plan index and the share of users moved to the next plan. */
  readonly plan: number;
  readonly mix: number;
  /** Per-user grid budgets of the two plans mixed. */
  readonly planBudget: number;
  readonly armCounts: readonly number[];
  /** Decisions that were held out. */
  readonly heldOut: number;
}
