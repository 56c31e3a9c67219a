import { InfeasibleBudgetError, ValidationError } from '../core/errors.js';
import { DEFAULT_SEED } from '../core/rng.js';
import { checkNumber, describe } from '../core/validate.js';
import type { AllocationPolicy } from '../policy/policy.js';
import type { DriftMonitorOptions } from './drift.js';

/** What a held-out user gets: always control, or an arm drawn uniformly (by the id's hash). */
export type HoldoutMode = 'control' | 'uniform';

/** A seeded, hash-based measurement holdout. */
export interface HoldoutOptions {
  /** Share of user ids held out, in [0, 1). */
  share: number;
  /** @default 'control' */
  mode?: HoldoutMode;
}

/** Options of {@link BudgetPacer}. `policy`, `budget` and `arrivals` are required. */
export interface BudgetPacerOptions {
  /** The policy whose plan grid is the pacer's ladder. It must hold its GroupStats (per-group costs). */
  policy: AllocationPolicy;
  /** The budget of the period (e.g. a day), in cost units. */
  budget: { readonly total: number };
  /** Users expected to arrive in the period (the pacer's clock counts decisions). */
  arrivals: number;
  /** At most this many users get an arm, by arm name. Counted online; a cap is never exceeded. @default {} */
  caps?: Readonly<Record<string, number>>;
  /** A share of user ids held out (a number is `{ share, mode: 'control' }`). @default 0 */
  holdout?: number | HoldoutOptions;
  /**
   * Decisions after which a decision's cost is taken as fully known (the redemption delay, measured in arrivals).
   * Costs of younger decisions are forecast from the plan, scaled by the realised-to-planned ratio of matured ones.
   * @default 0
   */
  delay?: number;
  /** Decisions between two updates of the level. @default 1000 */
  interval?: number;
  /** Weight of the newest block of decisions in the running estimate of the group mix, in (0, 1]. @default 0.05 */
  mixSmoothing?: number;
  /** Strength of the prior "costs are as planned", in arrivals' worth of planned cost. @default 2000 */
  priorArrivals?: number;
  /** Seed of the hashes (holdout, mixing between adjacent plans). @default 42 */
  seed?: number;
  /**
   * The period in time, for pacing by the clock instead of by the count of decisions: remaining arrivals are then
   * `arrivals` times the share of the arrival curve still ahead at `now()`, so a day with less (or more) traffic
   * than expected still spends its budget by `end`. `curve` gives the relative arrivals expected in equal slots
   * of the period (e.g. 24 hourly weights). @default undefined (the clock is the count of decisions)
   */
  period?: { readonly start: number; readonly end: number; readonly curve?: readonly number[] };
  /** The time, in the unit of `period` (not serialized: pass it again to `fromJSON`). @default Date.now */
  now?: () => number;
  /** Watch for drift (see {@link DriftMonitor}); `false` turns it off. @default {} */
  drift?: DriftMonitorOptions | false;
}

/** Defaults of the optional {@link BudgetPacerOptions}. */
export const defaultBudgetPacerOptions = {
  caps: {} as Readonly<Record<string, number>>,
  holdout: 0 as number | HoldoutOptions,
  delay: 0,
  interval: 1000,
  mixSmoothing: 0.05,
  priorArrivals: 2000,
  seed: DEFAULT_SEED,
  drift: {} as DriftMonitorOptions | false,
};

/** Options after defaults and checks. */
export interface ResolvedPacerOptions {
  readonly total: number;
  readonly arrivals: number;
  /** Cap per arm (Infinity where none). */
  readonly caps: Float64Array;
  readonly holdoutShare: number;
  readonly holdoutMode: HoldoutMode;
  readonly delay: number;
  readonly interval: number;
  readonly mixSmoothing: number;
  readonly priorArrivals: number;
  readonly seed: number;
  /** Period start and end, and the cumulative arrival curve at slot edges (length slots + 1, from 0 to 1). */
  readonly period: { readonly start: number; readonly end: number; readonly cumulative: Float64Array } | undefined;
  readonly curve: readonly number[] | undefined;
}

/** Applies defaults and checks every option; throws ValidationError or InfeasibleBudgetError naming it. */
export function resolvePacerOptions(options: BudgetPacerOptions): ResolvedPacerOptions {
  const o = { ...defaultBudgetPacerOptions, ...options };
  const policy = o.policy;
  if (typeof o.budget !== 'object' || o.budget === null || !('total' in o.budget)) {
    throw new ValidationError({ path: ['budget'], message: `expected { total: number }, got ${describe(o.budget)}` });
  }
  const total = checkNumber('budget.total', o.budget.total, { min: 0 });
  const arrivals = checkNumber('arrivals', o.arrivals, { min: 1 });
  const m = policy.treatmentNames.length;
  const caps = new Float64Array(m).fill(Number.POSITIVE_INFINITY);
  if (typeof o.caps !== 'object' || o.caps === null) {
    throw new ValidationError({
      path: ['caps'],
      message: `expected an object of arm name to count, got ${describe(o.caps)}`,
    });
  }
  for (const [name, n] of Object.entries(o.caps)) {
    const j = policy.treatmentNames.indexOf(name);
    if (j < 0) {
      throw new ValidationError({
        path: ['caps', name],
        message: `unknown arm; the policy's arms are ${policy.treatmentNames.map((t) => `'${t}'`).join(', ')}`,
      });
    }
    caps[j] = checkNumber(`caps.${name}`, n, { min: 0, integer: true });
  }
  let capSum = 0;
  for (const c of caps) capSum += c;
  if (capSum < arrivals) {
    throw new InfeasibleBudgetError(total, 0, 'total', {
      constraint: 'caps',
      message: `the arm caps allow ${capSum} users in all, fewer than the ${arrivals} expected arrivals, each of whom must get an arm; raise a cap or leave an arm (e.g. control) uncapped`,
    });
  }
  const h = typeof o.holdout === 'number' ? { share: o.holdout } : o.holdout;
  if (typeof h !== 'object' || h === null || typeof h.share !== 'number' || !(h.share >= 0 && h.share < 1)) {
    throw new ValidationError({
      path: ['holdout'],
      message: `expected a share in [0, 1), got ${describe(typeof o.holdout === 'number' ? o.holdout : h?.share)}`,
    });
  }
  const mode = h.mode ?? 'control';
  if (mode !== 'control' && mode !== 'uniform') {
    throw new ValidationError({
      path: ['holdout', 'mode'],
      message: `expected 'control' or 'uniform', got ${describe(mode)}`,
    });
  }
  if (h.share > 0 && mode === 'control' && (caps[0] as number) < arrivals * h.share) {
    throw new InfeasibleBudgetError(total, 0, 'total', {
      constraint: 'caps',
      message: `control is capped at ${caps[0]} users, below the ${arrivals * h.share} held out to control`,
    });
  }
  const perUser = total / arrivals;
  const minimum = policy.table.budgets[0] as number;
  if (perUser < minimum * (1 - 1e-12) - 1e-15) {
    throw new InfeasibleBudgetError(total, minimum * arrivals, 'total');
  }
  let period: ResolvedPacerOptions['period'];
  let curve: number[] | undefined;
  if (o.period !== undefined) {
    const p = o.period;
    if (typeof p !== 'object' || p === null) {
      throw new ValidationError({ path: ['period'], message: `expected { start, end, curve? }, got ${describe(p)}` });
    }
    const start = checkNumber('period.start', p.start);
    const end = checkNumber('period.end', p.end);
    if (!(end > start)) {
      throw new ValidationError({
        path: ['period', 'end'],
        message: `expected an end after the start ${start}, got ${end}`,
      });
    }
    curve = p.curve === undefined ? [1] : [...p.curve];
    if (curve.length < 1 || curve.length > 100_000) {
      throw new ValidationError({
        path: ['period', 'curve'],
        message: `expected 1 to 100,000 slot weights, got ${curve.length}`,
      });
    }
    const cumulative = new Float64Array(curve.length + 1);
    curve.forEach((w, i) => {
      checkNumber(`period.curve.${i}`, w, { min: 0 });
      cumulative[i + 1] = (cumulative[i] as number) + w;
    });
    const sum = cumulative[curve.length] as number;
    if (!(sum > 0))
      throw new ValidationError({ path: ['period', 'curve'], message: 'expected at least one positive weight' });
    for (let i = 0; i < cumulative.length; i++) cumulative[i] = (cumulative[i] as number) / sum;
    period = { start, end, cumulative };
  }
  if (o.now !== undefined && typeof o.now !== 'function') {
    throw new ValidationError({
      path: ['now'],
      message: `expected a function returning the time, got ${describe(o.now)}`,
    });
  }
  return {
    period,
    curve,
    total,
    arrivals,
    caps,
    holdoutShare: h.share,
    holdoutMode: mode,
    delay: checkNumber('delay', o.delay, { min: 0, integer: true }),
    interval: checkNumber('interval', o.interval, { min: 1, max: 1e9, integer: true }),
    mixSmoothing: checkNumber('mixSmoothing', o.mixSmoothing, { min: Number.MIN_VALUE, max: 1 }),
    priorArrivals: checkNumber('priorArrivals', o.priorArrivals, { min: 0 }),
    seed: checkNumber('seed', o.seed),
  };
}
