import { HRCError, ValidationError } from '../core/errors.js';
import { type Budget, type BudgetAllocator, budgetTotal } from '../core/types.js';
import { checkBudget, checkNumber, checkOneOf, checkOptionKeys } from '../core/validate.js';
import type { RCTDataset } from '../data/dataset.js';
import { type EOMEstimator, evaluatePolicy } from './ipw.js';

/** Options of {@link calibrateSpend}. */
export interface CalibrateSpendOptions {
  /** Lower end of the parameter's search range. @default 0 */
  lo?: number;
  /** Upper end of the parameter's search range (widened by doubling while spend stays below target). */
  hi: number;
  /**
   * `'increasing'` when spend grows with the parameter (the parameter is a budget), `'decreasing'` when it falls
   * (the parameter is a Lagrange multiplier or price on cost). @default 'increasing'
   */
  direction?: 'increasing' | 'decreasing';
  /** Stop once the estimated spend is within this relative distance below the target. @default 0.005 */
  tolerance?: number;
  /** Largest number of assignments evaluated during the bisection. @default 40 */
  maxIterations?: number;
  /** How often `hi` may be doubled when spend at `hi` is still below target (increasing direction only). @default 4 */
  maxExpansions?: number;
  /** Weight normalization of the IPW spend estimate. @default 'hajek' */
  estimator?: EOMEstimator;
}

const CALIBRATE_OPTION_KEYS: readonly string[] = Object.keys({
  lo: 1,
  hi: 1,
  direction: 1,
  tolerance: 1,
  maxIterations: 1,
  maxExpansions: 1,
  estimator: 1,
} satisfies Record<keyof CalibrateSpendOptions, 1>);

export const defaultCalibrateSpendOptions = {
  lo: 0,
  direction: 'increasing' as 'increasing' | 'decreasing',
  tolerance: 0.005,
  maxIterations: 40,
  maxExpansions: 4,
  estimator: 'hajek' as EOMEstimator,
} satisfies Required<Omit<CalibrateSpendOptions, 'hi'>>;

/** What {@link calibrateSpend} returns. */
export interface SpendCalibrationResult {
  /** The chosen parameter: the spendiest one found whose estimated spend does not exceed the target. */
  readonly parameter: number;
  /** IPW-estimated spend per user at `parameter` on the calibration rows. */
  readonly spend: number;
  /** Target spend per user. */
  readonly target: number;
  /** False when even the cheapest end of the range overspends; `parameter` is then that end. */
  readonly feasible: boolean;
  /** Every parameter tried and its estimated spend per user (Infinity where the assignment was infeasible). */
  readonly history: readonly { readonly parameter: number; readonly spend: number }[];
}

/**
 * Spend calibration, the same for every method: finds the parameter of an assignment function (a budget handed to
 * an allocator, or a multiplier on cost) at which the IPW-estimated spend on held-out randomized rows meets the
 * target, by bisection. Methods whose cost predictions are biased (e.g. regressed toward the mean) overspend at
 * their nominal budget; calibrated on held-out trial rows, all methods are compared at matched spend. Assumes spend
 * is monotone in the parameter. An assignment that throws an `InfeasibleBudgetError` counts as overspending.
 *
 * @param assign Assigns the calibration rows at a parameter value.
 * @param calibration Randomized rows not used for training (a validation split).
 * @param target Target budget; a number is a budget per user.
 * @example
 * ```ts
 * const cal = await calibrateSpend((b) => model.assign(valid.features, { perUser: b }), valid, 0.5, { hi: 2 });
 * const arms = await model.assign(test.features, { perUser: cal.parameter });
 * ```
 */
export async function calibrateSpend(
  assign: (parameter: number) => Int32Array | Promise<Int32Array>,
  calibration: RCTDataset,
  target: Budget | number,
  options: CalibrateSpendOptions,
): Promise<SpendCalibrationResult> {
  checkOptionKeys(options, CALIBRATE_OPTION_KEYS);
  const o = { ...defaultCalibrateSpendOptions, ...options };
  if (typeof assign !== 'function') throw new ValidationError({ path: ['assign'], message: 'expected a function' });
  const b = typeof target === 'number' ? checkBudget({ perUser: target }, 'target') : checkBudget(target, 'target');
  const goal = budgetTotal(b, calibration.n) / calibration.n;
  checkNumber('lo', o.lo);
  checkNumber('hi', o.hi, { min: o.lo });
  checkOneOf('direction', o.direction, ['increasing', 'decreasing'] as const);
  checkNumber('tolerance', o.tolerance, { min: 0, max: 1 });
  checkNumber('maxIterations', o.maxIterations, { min: 2, integer: true });
  checkNumber('maxExpansions', o.maxExpansions, { min: 0, integer: true });
  const history: { parameter: number; spend: number }[] = [];
  const spendAt = async (parameter: number): Promise<number> => {
    let spend: number;
    try {
      const arms = await assign(parameter);
      spend = evaluatePolicy(arms, calibration, { estimator: o.estimator, resamples: 0 }).cost.estimate;
    } catch (e) {
      if (e instanceof HRCError && e.code === 'INFEASIBLE_BUDGET') spend = Number.POSITIVE_INFINITY;
      else throw e;
    }
    history.push({ parameter, spend });
    return spend;
  };
  const up = o.direction === 'increasing';
  // `good` spends at most the goal, `bad` more; bisect between them.
  let good = up ? o.lo : o.hi;
  let bad = up ? o.hi : o.lo;
  let goodSpend = await spendAt(good);
  if (!(goodSpend <= goal)) return { parameter: good, spend: goodSpend, target: goal, feasible: false, history };
  let badSpend = await spendAt(bad);
  for (let e = 0; up && badSpend <= goal && e < o.maxExpansions; e++) {
    good = bad;
    goodSpend = badSpend;
    bad = bad > 0 ? 2 * bad : 1;
    badSpend = await spendAt(bad);
  }
  if (badSpend <= goal) return { parameter: bad, spend: badSpend, target: goal, feasible: true, history };
  while (history.length < o.maxIterations && goodSpend < goal * (1 - o.tolerance)) {
    const mid = 0.5 * (good + bad);
    if (mid === good || mid === bad) break;
    const s = await spendAt(mid);
    if (s <= goal) {
      good = mid;
      goodSpend = s;
    } else bad = mid;
  }
  return { parameter: good, spend: goodSpend, target: goal, feasible: true, history };
}

/** Options of {@link withSpendCalibration}: those of {@link calibrateSpend} with `hi` optional. */
export type WithSpendCalibrationOptions = Omit<CalibrateSpendOptions, 'hi' | 'direction'> & {
  /** Upper end of the budget search. @default the larger of 2 x target and the costliest arm's mean cost */
  hi?: number;
};

/**
 * Wraps an allocator so that `assign(features, budget)` first calibrates, on held-out randomized rows, the budget
 * handed to the allocator until its IPW-estimated spend meets `budget`, then assigns at that calibrated budget.
 * Calibrations are cached per budget until the next `fit`. The wrapper's name is the inner name plus `'+cal'`; its
 * `toJSON` and `dispose` are the inner allocator's (the calibrations are not serialized).
 *
 * @example
 * ```ts
 * const { train, test: valid } = trainTestSplit(trial, { testFraction: 0.2, seed: 1 });
 * const model = await withSpendCalibration(new SomeAllocator(), valid).fit(train);
 * const arms = await model.assign(test.features, { perUser: 0.5 });
 * ```
 */
export function withSpendCalibration(
  allocator: BudgetAllocator,
  calibration: RCTDataset,
  options: WithSpendCalibrationOptions = {},
): BudgetAllocator & { readonly calibrations: ReadonlyMap<number, SpendCalibrationResult> } {
  checkOptionKeys(
    options,
    CALIBRATE_OPTION_KEYS.filter((k) => k !== 'direction'),
  );
  const cache = new Map<number, SpendCalibrationResult>();
  const wrapper = {
    name: `${allocator.name}+cal`,
    calibrations: cache as ReadonlyMap<number, SpendCalibrationResult>,
    async fit(train: RCTDataset) {
      cache.clear();
      await allocator.fit(train);
      return wrapper;
    },
    async assign(features: Float32Array, budget: Budget): Promise<Int32Array> {
      const rows = features.length / Math.max(1, calibration.d);
      const perUser = budgetTotal(checkBudget(budget), rows) / rows;
      let cal = cache.get(perUser);
      if (cal === undefined) {
        const hi = options.hi ?? Math.max(2 * perUser, maxArmCost(calibration), 1e-9);
        cal = await calibrateSpend(
          (p) => allocator.assign(calibration.features, { perUser: p }),
          calibration,
          perUser,
          {
            ...options,
            hi,
          },
        );
        cache.set(perUser, cal);
      }
      return allocator.assign(features, { perUser: cal.parameter });
    },
    toJSON: () => allocator.toJSON(),
    dispose: () => allocator.dispose(),
  };
  return wrapper;
}

/** The largest mean observed cost of any arm: what giving everyone the costliest arm spends per user. */
function maxArmCost(data: RCTDataset): number {
  const m = data.treatmentNames.length;
  const sum = new Float64Array(m);
  const cnt = new Float64Array(m);
  for (let i = 0; i < data.n; i++) {
    const t = data.treatment[i] as number;
    sum[t] = (sum[t] as number) + (data.cost[i] as number);
    cnt[t] = (cnt[t] as number) + 1;
  }
  let best = 0;
  for (let j = 0; j < m; j++)
    if ((cnt[j] as number) > 0) best = Math.max(best, (sum[j] as number) / (cnt[j] as number));
  return best;
}
