import { deriveSeed } from '../core/rng.js';
import { type Budget, type BudgetAllocator, budgetTotal, type ProgressEvent } from '../core/types.js';
import type { RCTDataset } from '../data/dataset.js';
import type { TrialTruth } from '../sim/simulator.js';
import { type WithSpendCalibrationOptions, withSpendCalibration } from './calibrate.js';
import { checkCompareOptions, checkTrial, defaultCompareOptions } from './compare-options.js';
import { checkAssignment, type EvaluateOptions, evaluatePolicies } from './ipw.js';
import { type ComparisonSummary, summarizeResults } from './summary.js';
import { truthMetrics } from './truth.js';

/** Makes a fresh, unfitted allocator for one seed. */
export type AllocatorFactory = (seed: number) => BudgetAllocator;

/** One trial to compare on: training and test data, and the simulator's truth for the test users if known. */
export interface ComparisonTrial {
  readonly train: RCTDataset;
  readonly test: RCTDataset;
  readonly truth?: TrialTruth;
  /** Held-out randomized rows for spend calibration (not in `train`); used when `calibrate` is on. */
  readonly calibration?: RCTDataset;
}

/** Options of {@link compare}. Give either `train` and `test` (and `truth`) or `trial`. */
export interface CompareOptions {
  /** The methods by name (the name used in every table), each a factory of a fresh allocator for a seed. */
  methods: Readonly<Record<string, AllocatorFactory>>;
  /** Randomized training data, the same for every seed. */
  train?: RCTDataset;
  /** Randomized test data the policies are evaluated on. */
  test?: RCTDataset;
  /** The simulator's truth for the test users: adds true value, oracle ratios and realized overspend. */
  truth?: TrialTruth;
  /** A different trial per seed instead of fixed data (e.g. `(s) => simulateCouponTrial({ seed: s })`). */
  trial?: (seed: number) => ComparisonTrial;
  /** Held-out randomized rows for spend calibration, with fixed `train`/`test`: turns `calibrate` on. */
  calibration?: RCTDataset;
  /**
   * Spend calibration for every method alike: each allocator is wrapped by `withSpendCalibration` on the trial's
   * `calibration` rows, so all methods are compared at IPW-matched spend. @default true when calibration rows are given
   */
  calibrate?: boolean;
  /** Options of the calibration (search range, tolerance, estimator). */
  calibrationOptions?: WithSpendCalibrationOptions;
  /** Budgets; numbers are budgets per user. */
  budgets: readonly (Budget | number)[];
  /** Seeds; each method is created, fitted and evaluated once per seed. @default [42] */
  seeds?: readonly number[];
  /** Method the paired differences are taken against. @default 'hrc' when it is among the methods, else none */
  reference?: string;
  /** Options of the expected outcome metric; its seed is derived from each run's seed. @default { resamples: 200 } */
  evaluation?: Omit<EvaluateOptions, 'seed'>;
  /** Confidence level of the summary intervals. @default 0.95 */
  level?: number;
  /** `'throw'` stops at the first method that fails; `'record'` lists failures and goes on. @default 'throw' */
  onFailure?: 'throw' | 'record';
  /** Called as each method is fitted and assigned. */
  onProgress?: (event: ProgressEvent) => void;
}

/** One row of the tidy results table: one metric of one method at one budget for one seed. */
export interface ResultRow {
  readonly method: string;
  readonly seed: number;
  /** Budget per user. */
  readonly budget: number;
  readonly metric: ComparisonMetric;
  readonly value: number;
  /** Bootstrap interval of this run's value over test rows, for the `eom.*` metrics. */
  readonly lower?: number;
  readonly upper?: number;
}

/**
 * The metrics of {@link compare}. `eom.*` are IPW estimates on the test rows (per user); `truth.*` need the
 * simulator's truth. Spend ratios are spend over budget (1 = on budget); `truth.overspend` is max(0, ratio - 1).
 * `eom.incrementalResponseVsReference` is the paired bootstrap difference from the reference method.
 */
export type ComparisonMetric =
  | 'eom.response'
  | 'eom.cost'
  | 'eom.incrementalResponse'
  | 'eom.incrementalCost'
  | 'eom.spendRatio'
  | 'eom.incrementalResponseVsReference'
  | 'truth.incrementalResponse'
  | 'truth.cost'
  | 'truth.spendRatio'
  | 'truth.overspend'
  | 'truth.oracleRatio'
  | 'truth.oracleRatioMatched';

/** A method that failed on one seed (with `onFailure: 'record'`). */
export interface ComparisonFailure {
  readonly method: string;
  readonly seed: number;
  readonly stage: 'create' | 'fit' | 'assign';
  readonly budget?: number;
  readonly message: string;
}

/** What {@link compare} returns. */
export interface ComparisonResult {
  readonly methods: readonly string[];
  readonly budgets: readonly number[];
  readonly seeds: readonly number[];
  readonly reference?: string;
  /** Whether every method was spend-calibrated on held-out rows. */
  readonly calibrated: boolean;
  readonly rows: readonly ResultRow[];
  readonly summary: ComparisonSummary;
  readonly failures: readonly ComparisonFailure[];
  /** Wall-clock milliseconds of each fit and of all assigns (not deterministic; not in `rows`). */
  readonly timings: readonly {
    readonly method: string;
    readonly seed: number;
    readonly fitMs: number;
    readonly assignMs: number;
  }[];
}

/**
 * Runs every method over seeds and budgets and evaluates it: the expected outcome metric on the test rows (all
 * methods of a seed and budget on the same bootstrap resamples, so differences are paired) and, with the
 * simulator's truth, true value, oracle ratios and realized overspend. Returns a tidy table and its summary: mean
 * and interval per method x budget x metric, and paired differences against the reference method.
 *
 * @example
 * ```ts
 * const result = await compare({
 *   methods: { hrc: (s) => new HRCPipeline({ seed: s }), uniform: (s) => new UniformBest({ seed: s }) },
 *   train, test, truth, budgets: [0.2, 0.5], seeds: [1, 2, 3],
 * });
 * console.table(result.summary.metrics.filter((r) => r.metric === 'truth.oracleRatio'));
 * ```
 */
export async function compare(options: CompareOptions): Promise<ComparisonResult> {
  const { names, budgets, seeds, reference, level, getTrial, calibrate } = checkCompareOptions(options);
  const failOn = options.onFailure ?? defaultCompareOptions.onFailure;
  const rows: ResultRow[] = [];
  const failures: ComparisonFailure[] = [];
  const timings: { method: string; seed: number; fitMs: number; assignMs: number }[] = [];
  const total = seeds.length * names.length;
  let done = 0;
  const progress = (message: string) => options.onProgress?.({ stage: 'compare', fraction: done / total, message });
  let budgetValues: number[] = [];
  for (const seed of seeds) {
    const trial = getTrial(seed);
    checkTrial(trial, calibrate);
    if (budgetValues.length === 0) budgetValues = budgets.map((b) => perUserOf(b, trial.test.n));
    const assigned = new Map<string, Int32Array[]>();
    for (const name of names) {
      let stage: ComparisonFailure['stage'] = 'create';
      let budgetAt: number | undefined;
      try {
        const created = (options.methods[name] as AllocatorFactory)(seed);
        const allocator = calibrate
          ? withSpendCalibration(created, trial.calibration as RCTDataset, options.calibrationOptions)
          : created;
        stage = 'fit';
        progress(`${name} seed ${seed}: fit`);
        const t0 = performance.now();
        await allocator.fit(trial.train);
        const t1 = performance.now();
        stage = 'assign';
        const arms: Int32Array[] = [];
        for (const b of budgets) {
          budgetAt = perUserOf(b, trial.test.n);
          const a = await allocator.assign(trial.test.features, b);
          arms.push(checkAssignment(a, trial.test.n, trial.test.treatmentNames.length, `methods.${name}.assign`));
        }
        timings.push({ method: name, seed, fitMs: t1 - t0, assignMs: performance.now() - t1 });
        assigned.set(name, arms);
      } catch (e) {
        if (failOn === 'throw') throw e;
        const message = e instanceof Error ? e.message : String(e);
        failures.push({ method: name, seed, stage, ...(budgetAt !== undefined ? { budget: budgetAt } : {}), message });
      }
      done++;
      progress(`${name} seed ${seed}: done`);
    }
    const ok = names.filter((n) => assigned.has(n));
    budgets.forEach((b, q) => {
      if (ok.length === 0) return;
      const budget = perUserOf(b, trial.test.n);
      const policies = ok.map((n) => (assigned.get(n) as Int32Array[])[q] as Int32Array);
      const ev = evaluatePolicies(policies, trial.test, {
        ...defaultCompareOptions.evaluation,
        ...options.evaluation,
        seed: deriveSeed(seed, `compare:eval:${q}`),
      });
      const refIndex = reference === undefined ? -1 : ok.indexOf(reference);
      ok.forEach((method, p) => {
        const e = ev.evaluations[p];
        if (e === undefined) return;
        const add = (metric: ComparisonMetric, value: number, lower?: number, upper?: number) =>
          rows.push({
            method,
            seed,
            budget,
            metric,
            value,
            ...(lower !== undefined && upper !== undefined ? { lower, upper } : {}),
          });
        add('eom.response', e.response.estimate, e.response.lower, e.response.upper);
        add('eom.cost', e.cost.estimate, e.cost.lower, e.cost.upper);
        add(
          'eom.incrementalResponse',
          e.incrementalResponse.estimate,
          e.incrementalResponse.lower,
          e.incrementalResponse.upper,
        );
        add('eom.incrementalCost', e.incrementalCost.estimate, e.incrementalCost.lower, e.incrementalCost.upper);
        if (budget > 0) add('eom.spendRatio', e.cost.estimate / budget, e.cost.lower / budget, e.cost.upper / budget);
        if (refIndex >= 0 && refIndex !== p) {
          const diff = pairedDifference(ev, p, refIndex, level);
          add('eom.incrementalResponseVsReference', diff.estimate, diff.lower, diff.upper);
        }
        if (trial.truth !== undefined) {
          const t = truthMetrics(trial.truth, policies[p] as Int32Array, { perUser: budget });
          add('truth.incrementalResponse', t.value.incrementalResponse);
          add('truth.cost', t.value.cost);
          add('truth.spendRatio', t.spendRatio);
          add('truth.overspend', t.overspend);
          add('truth.oracleRatio', t.oracleRatio);
          add('truth.oracleRatioMatched', t.oracleRatioMatched);
        }
      });
    });
  }
  options.onProgress?.({ stage: 'compare', fraction: 1, message: 'done' });
  return {
    methods: names,
    budgets: budgetValues,
    seeds,
    ...(reference !== undefined ? { reference } : {}),
    calibrated: calibrate,
    rows,
    summary: summarizeResults(rows, { level, ...(reference !== undefined ? { reference } : {}) }),
    failures,
    timings,
  };
}

/** The paired bootstrap difference of incremental response between policies `p` and `r` of one evaluation. */
function pairedDifference(ev: ReturnType<typeof evaluatePolicies>, p: number, r: number, level: number) {
  const a = ev.incrementalReplicates[p] as Float64Array;
  const b = ev.incrementalReplicates[r] as Float64Array;
  const estimate =
    (ev.evaluations[p]?.incrementalResponse.estimate as number) -
    (ev.evaluations[r]?.incrementalResponse.estimate as number);
  if (a.length === 0) return { estimate, lower: Number.NaN, upper: Number.NaN };
  const d = Float64Array.from(a, (v, i) => v - (b[i] as number)).sort();
  const at = (q: number) => {
    const h = (d.length - 1) * q;
    const lo = Math.floor(h);
    return (d[lo] as number) + (h - lo) * ((d[Math.min(d.length - 1, lo + 1)] as number) - (d[lo] as number));
  };
  return { estimate, lower: at((1 - level) / 2), upper: at(1 - (1 - level) / 2) };
}

/** A budget per user as given (a per-user number is kept exactly; a total is spread over the `n` test users). */
function perUserOf(b: Budget | number, n: number): number {
  if (typeof b === 'number') return b;
  return 'perUser' in b ? b.perUser : budgetTotal(b, n) / n;
}
