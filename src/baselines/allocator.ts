import * as v from 'valibot';
import { readEnvelope } from '../core/envelope.js';
import { NotFittedError, SerializationError, ValidationError } from '../core/errors.js';
import { deriveSeed } from '../core/rng.js';
import { type Budget, budgetTotal, type ProfitAllocator } from '../core/types.js';
import { checkBudget, checkFeatures, checkNetValue, checkOptionKeys } from '../core/validate.js';
import type { RCTDataset } from '../data/dataset.js';
import { subsetRows } from '../data/dataset.js';
import { splitIndices } from '../data/split.js';
import { size, uniqueNames } from '../solver/schema.js';
import {
  calibratedThreshold,
  checkSpendCalibration,
  fitSpendCalibration,
  type SpendCalibration,
} from './calibration.js';
import { type BaselineOptions, checkTrainData, propensities } from './common.js';
import { type AllocationPath, armsAtPrefix, assignmentCost, prefixAtKey, prefixWithinBudget } from './path.js';

/** A model's view of some users: its expected cost of every arm (row-major `n * m`) and its allocation path. */
export interface PathPrediction {
  readonly costs: Float64Array;
  readonly path: AllocationPath;
}

/** The serialized form of every baseline: `{ kind, formatVersion, params, state }`. */
export interface BaselineJSON {
  readonly kind: string;
  readonly formatVersion: number;
  readonly params: Record<string, unknown>;
  readonly state: {
    readonly d: number;
    readonly treatmentNames: readonly string[];
    readonly calibration: SpendCalibration | null;
    readonly model: unknown;
  };
}

interface Fitted {
  readonly d: number;
  readonly m: number;
  readonly treatmentNames: readonly string[];
  readonly calibration: SpendCalibration | undefined;
}

/** Format version of every baseline's JSON. */
export const BASELINE_FORMAT_VERSION = 1;

/**
 * The shared skeleton of the baselines: validation, the optional spend-calibration split, budget filling along the
 * model's {@link AllocationPath}, and the JSON envelope. A subclass supplies the model: `fitModel`, `predictArms`
 * (costs and path for some users), `modelState`/`restoreModel` and `releaseModel`.
 */
export abstract class PathAllocator implements ProfitAllocator {
  abstract readonly name: string;
  /** The `kind` of the JSON form (the class name). */
  protected abstract readonly kind: string;
  /** The shared options, with defaults filled in. */
  protected abstract readonly common: Required<BaselineOptions>;
  private fitted: Fitted | undefined;
  private disposed = false;

  /** Validates options and fits the model to `train` (its arm count and feature width are known by then). */
  protected abstract fitModel(train: RCTDataset): Promise<void>;
  /** Costs and path for validated raw features of `n` users (`perUserBudget` for budget-dependent rules). */
  protected abstract predictArms(features: Float32Array, n: number, perUserBudget: number): PathPrediction;
  /** The fitted model as plain JSON. */
  protected abstract modelState(): unknown;
  /** Restores the model from untrusted JSON (throw SerializationError on a bad value). */
  protected abstract restoreModel(state: unknown, d: number, m: number): void;
  /** The options as plain JSON. */
  protected abstract params(): Record<string, unknown>;
  /** Frees tensors held by the model, if any. */
  protected abstract releaseModel(): void;
  /** Every option key of the subclass (unknown keys are rejected by `fit`). @internal */
  protected abstract optionKeys(): readonly string[];
  /** The options as given, with defaults filled in. @internal */
  protected allOptions(): object {
    return this.common;
  }
  /** Whether the spend calibration option applies to this allocator. */
  protected readonly calibrates: boolean = true;

  /** Learns from a randomized trial. Refitting starts over. */
  async fit(train: RCTDataset): Promise<this> {
    checkOptionKeys(this.allOptions(), this.optionKeys(), [this.kind]);
    checkTrainData(train, this.kind);
    this.releaseModel();
    this.fitted = undefined;
    const o = this.common;
    const m = train.treatmentNames.length;
    const base = { d: train.d, m, treatmentNames: [...train.treatmentNames] };
    let calibration: SpendCalibration | undefined;
    if (o.spendCalibration && this.calibrates) {
      const { trainRows, testRows } = splitIndices(train, {
        testFraction: o.calibrationFraction,
        seed: deriveSeed(o.seed, 'calibration-split'),
      });
      const held = subsetRows(train, testRows);
      await this.fitModel(subsetRows(train, trainRows));
      const pred = this.predictArms(held.features, held.n, Number.POSITIVE_INFINITY);
      calibration = fitSpendCalibration(
        pred.path,
        pred.costs,
        m,
        { treatment: held.treatment, cost: held.cost, propensity: propensities(held) },
        o.calibrationEstimator,
      );
    } else {
      await this.fitModel(train);
    }
    this.fitted = { ...base, calibration };
    return this;
  }

  /**
   * One arm index per row of `features` such that the expected total cost under the model stays within `budget`
   * (and, with spend calibration, the spend estimated on held-out trial rows too).
   */
  async assign(features: Float32Array, budget: Budget): Promise<Int32Array> {
    const f = this.requireFitted('assign');
    const b = checkBudget(budget);
    const n = checkFeatures(features, f.d);
    if (n === 0) return new Int32Array(0);
    const total = budgetTotal(b, n);
    const { path } = this.predictArms(features, n, total / n);
    let k = prefixWithinBudget(path, total);
    if (f.calibration !== undefined) k = Math.min(k, prefixAtKey(path, calibratedThreshold(f.calibration, total / n)));
    return armsAtPrefix(path, k);
  }

  /**
   * Profit mode: one arm per row of `features` with no budget, for a response worth `netValue` (in cost units) per
   * unit. Every upgrade of the model's allocation path whose marginal value covers its marginal cost is taken,
   * `netValue * deltaValue >= deltaCost`, i.e. the path is cut at key `1 / netValue`: each user gets the arm that
   * maximizes `netValue * predicted uplift - predicted incremental cost` along the user's path (control unless an
   * upgrade pays). It is the assignment budget mode gives at the break-even budget, where the multiplier falls to
   * `1 / netValue`; a higher `netValue` never takes fewer upgrades. Spend calibration does not apply (there is no
   * budget to meet). Methods whose path key is not a value per cost (the references) override
   * {@link PathAllocator.profitArms}.
   *
   * @example
   * ```ts
   * const tpm = await new TPMSL({ seed: 1 }).fit(train);
   * const arms = await tpm.profitAssign(test.features, 10); // a unit of response is worth 10 cost units
   * ```
   */
  async profitAssign(features: Float32Array, netValue: number): Promise<Int32Array> {
    const f = this.requireFitted('profitAssign');
    const v = checkNetValue(netValue);
    const n = checkFeatures(features, f.d);
    if (n === 0) return new Int32Array(0);
    return this.profitArms(features, n, v);
  }

  /**
   * The profit-mode arms of validated features: the path cut at key `1 / netValue`. Override when the path key is
   * not a value per unit cost.
   */
  protected profitArms(features: Float32Array, n: number, netValue: number): Int32Array {
    const { path } = this.predictArms(features, n, Number.POSITIVE_INFINITY);
    return armsAtPrefix(path, prefixAtKey(path, 1 / netValue));
  }

  /** The model's expected cost of every arm for every row (row-major `n * m`, incremental over control). */
  async predictCosts(features: Float32Array): Promise<Float64Array> {
    const f = this.requireFitted('predictCosts');
    const n = checkFeatures(features, f.d);
    return this.predictArms(features, n, Number.POSITIVE_INFINITY).costs;
  }

  /** The expected total cost of `assignment` under the model. */
  async expectedCost(features: Float32Array, assignment: Int32Array): Promise<number> {
    const f = this.requireFitted('expectedCost');
    const costs = await this.predictCosts(features);
    if (!(assignment instanceof Int32Array) || assignment.length * f.m !== costs.length) {
      throw new ValidationError({
        path: ['assignment'],
        message: `expected an Int32Array of ${costs.length / f.m} arms`,
      });
    }
    return assignmentCost(costs, assignment, f.m);
  }

  /** Number of arms and feature columns, once fitted. */
  get shape(): { d: number; m: number } | undefined {
    return this.fitted === undefined ? undefined : { d: this.fitted.d, m: this.fitted.m };
  }

  /** The versioned JSON form: options, arm names, spend calibration and the model's weights. */
  toJSON(): BaselineJSON {
    const f = this.requireFitted('toJSON');
    return {
      kind: this.kind,
      formatVersion: BASELINE_FORMAT_VERSION,
      params: this.params(),
      state: {
        d: f.d,
        treatmentNames: [...f.treatmentNames],
        calibration: f.calibration ?? null,
        model: this.modelState(),
      },
    };
  }

  /** Frees the model's tensors; the allocator must be refitted (or restored) before use. */
  dispose(): void {
    if (this.fitted !== undefined) this.disposed = true;
    this.releaseModel();
    this.fitted = undefined;
  }

  /** Restores fitted state from a validated envelope (used by each subclass's static `fromJSON`). */
  protected restore(json: BaselineJSON): this {
    const s = json.state;
    const names = s.treatmentNames;
    const calibration =
      s.calibration === null ? undefined : checkSpendCalibration(s.calibration, `${this.kind}.state.calibration`);
    this.restoreModel(s.model, s.d, names.length);
    this.fitted = { d: s.d, m: names.length, treatmentNames: [...names], calibration };
    return this;
  }

  /** @internal */
  protected requireFitted(method: string): Fitted {
    if (this.fitted === undefined) throw new NotFittedError(this.kind, method, this.disposed);
    return this.fitted;
  }
}

/**
 * Schema of the part every baseline's JSON shares: the feature width, at least two unique arm names, the spend
 * calibration (or null) and the model, which the subclass's `restoreModel` checks against `d` and the arm count.
 */
const baselineSchema = v.object({
  params: v.record(v.string(), v.unknown()),
  state: v.object({
    d: size,
    treatmentNames: v.pipe(uniqueNames('arm'), v.minLength(2, 'expected at least two arm names')),
    calibration: v.nullable(v.unknown()),
    model: v.unknown(),
  }),
});

/** Reads the JSON of the baseline `kind` (see {@link readEnvelope}); throws {@link SerializationError}. */
export function readBaselineJSON(json: unknown, kind: string): BaselineJSON {
  return readEnvelope(json, kind, BASELINE_FORMAT_VERSION, baselineSchema) as unknown as BaselineJSON;
}
