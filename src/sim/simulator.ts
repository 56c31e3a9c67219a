import { ValidationError } from '../core/errors.js';
import { DEFAULT_SEED, RNG } from '../core/rng.js';
import { checkOptionKeys } from '../core/validate.js';
import { createDataset, type RCTDataset } from '../data/dataset.js';

/** Options of {@link simulateCouponTrial}. All optional. */
export interface CouponTrialOptions {
  /** Rows of the randomized training set. @default 20000 */
  nTrain?: number;
  /** Rows of the test set (also randomized, with ground truth). @default 10000 */
  nTest?: number;
  /** Feature columns (at least 6). @default 10 */
  d?: number;
  /** Face values of the coupon arms, increasing; control (value 0) is added as arm 0. @default [1, 2, 3, 4] */
  couponValues?: readonly number[];
  /** Latent user segments the features are drawn around. @default 6 */
  segments?: number;
  /**
   * Share of training response labels replaced by pure noise (a draw from the overall response rate,
   * independent of the user and arm). The test set and the truth stay clean. @default 0
   */
  labelNoise?: number;
  /** Adds zero-mean Student-t (3 degrees of freedom) noise to training responses, so outcomes get heavy tails. @default false */
  heavyTails?: boolean;
  /** Standard deviation of Gaussian noise added to every observed feature (train and test). @default 0 */
  featureNoise?: number;
  /** Shift of the test users' first two latent features (covariate shift between train and test). @default 0 */
  covariateShift?: number;
  /** Also simulate GMV (purchase value) as the extra outcome `gmv`. @default false */
  gmv?: boolean;
  /** @default 42 */
  seed?: number;
}

/**
 * Ground truth for the test users: expected response and expected cost of every arm for every user
 * (row-major `n * m`), and expected GMV when simulated.
 */
export interface TrialTruth {
  readonly n: number;
  readonly m: number;
  readonly response: Float64Array;
  readonly cost: Float64Array;
  readonly gmv?: Float64Array;
  readonly couponValues: readonly number[];
}

/** What {@link simulateCouponTrial} returns. */
export interface SimulatedTrial {
  readonly train: RCTDataset;
  readonly test: RCTDataset;
  readonly truth: TrialTruth;
  /** Ground truth for the training users too (for diagnostics; a real trial has none). */
  readonly trainTruth: TrialTruth;
}

export const defaultCouponTrialOptions = {
  nTrain: 20_000,
  nTest: 10_000,
  d: 10,
  couponValues: [1, 2, 3, 4] as readonly number[],
  segments: 6,
  labelNoise: 0,
  heavyTails: false,
  featureNoise: 0,
  covariateShift: 0,
  gmv: false,
  seed: DEFAULT_SEED,
} satisfies Required<CouponTrialOptions>;

/**
 * A seeded coupon trial with known ground truth. Users are drawn around latent segments; arm 0 is control and
 * arms 1..m-1 are coupons of increasing face value. A user's purchase probability rises with the coupon's value
 * (monotone, with diminishing returns) at a rate that depends nonlinearly on the user; the coupon's face value is
 * paid only when the user buys (cost on redemption). Arms are assigned by complete randomization (equal sizes).
 *
 * @example
 * ```ts
 * const { train, test, truth } = simulateCouponTrial({ nTrain: 50_000, seed: 1 });
 * const best = oracleAssign(truth, { perUser: 0.5 });
 * console.log(trueValue(truth, best));
 * ```
 */
export function simulateCouponTrial(options: CouponTrialOptions = {}): SimulatedTrial {
  checkOptionKeys(options, Object.keys(defaultCouponTrialOptions));
  const o = { ...defaultCouponTrialOptions, ...options };
  checkOptions(o);
  const rng = new RNG(o.seed);
  const d = o.d;
  const values = [0, ...o.couponValues];
  const m = values.length;
  // The world: segment centres and per-segment traits, fixed by the seed.
  const world = new RNG(rng.child('world'));
  const centres = Array.from({ length: o.segments }, () => Array.from({ length: d }, () => 1.6 * world.normal()));
  const segSensitivity = Array.from({ length: o.segments }, () => 0.3 + 1.4 * world.next());
  const segBase = Array.from({ length: o.segments }, () => -2.6 + 0.9 * world.normal());
  const segSaturation = Array.from({ length: o.segments }, () => 0.7 + 2.5 * world.next());
  const baseRate = 0.12;

  const make = (n: number, part: 'train' | 'test') => {
    const r = new RNG(rng.child(part));
    const latent = new Float64Array(n * d);
    const features = new Float32Array(n * d);
    const treatment = new Int32Array(n);
    const response = new Float32Array(n);
    const cost = new Float32Array(n);
    const gmvObs = o.gmv ? new Float32Array(n) : undefined;
    const tResp = new Float64Array(n * m);
    const tCost = new Float64Array(n * m);
    const tGmv = o.gmv ? new Float64Array(n * m) : undefined;
    const shift = part === 'test' ? o.covariateShift : 0;
    // Complete randomization: equal arm sizes (up to one row), in random order.
    const arms = new Int32Array(n);
    for (let i = 0; i < n; i++) arms[i] = i % m;
    new RNG(rng.child(`${part}:arms`)).shuffle(arms);
    for (let i = 0; i < n; i++) {
      const s = r.int(o.segments);
      const c = centres[s] as number[];
      for (let j = 0; j < d; j++) {
        const z = (c[j] as number) + r.normal() + (j < 2 ? shift : 0);
        latent[i * d + j] = z;
        features[i * d + j] = z + (o.featureNoise > 0 ? o.featureNoise * r.normal() : 0);
      }
      const x = latent.subarray(i * d, i * d + d);
      const x0 = x[0] as number;
      const x1 = x[1] as number;
      const x2 = x[2] as number;
      const x3 = x[3] as number;
      const x4 = x[4] as number;
      const x5 = x[5] as number;
      const base = (segBase[s] as number) + 0.35 * x0 + 0.25 * Math.tanh(x1 * x2) + 0.3 * Math.sin(1.5 * x3);
      const sens =
        (segSensitivity[s] as number) * (0.25 + 1.5 * sigmoid(1.2 * x1 - 0.8 * x0 + 0.6 * Math.abs(x4) - 0.4));
      const sat = (segSaturation[s] as number) * Math.exp(0.35 * Math.tanh(x5));
      const basket = Math.exp(3 + 0.3 * Math.tanh(x2) + 0.2 * x4 * 0.5);
      for (let j = 0; j < m; j++) {
        const v = values[j] as number;
        const p = sigmoid(base + sens * sat * Math.log1p(v / sat));
        tResp[i * m + j] = p;
        tCost[i * m + j] = v * p;
        if (tGmv !== undefined) tGmv[i * m + j] = p * basket * Math.exp(0.5 * 0.36);
      }
      const t = arms[i] as number;
      treatment[i] = t;
      const p = tResp[i * m + t] as number;
      const buy = r.next() < p ? 1 : 0;
      cost[i] = buy * (values[t] as number);
      let y = buy;
      if (part === 'train') {
        if (o.labelNoise > 0 && r.next() < o.labelNoise) y = r.next() < baseRate ? 1 : 0;
        if (o.heavyTails) y += 0.15 * r.studentT(3);
      }
      response[i] = y;
      if (gmvObs !== undefined) gmvObs[i] = buy * basket * Math.exp(0.6 * r.normal());
    }
    const propensity = new Float32Array(n).fill(1 / m);
    const data = createDataset({
      features,
      d,
      featureNames: Array.from({ length: d }, (_, j) => `x${j}`),
      treatment,
      treatmentNames: ['control', ...o.couponValues.map((v) => `coupon_${v}`)],
      response,
      cost,
      propensity,
      ...(gmvObs !== undefined ? { outcomes: { gmv: gmvObs } } : {}),
    });
    const truth: TrialTruth = {
      n,
      m,
      response: tResp,
      cost: tCost,
      ...(tGmv !== undefined ? { gmv: tGmv } : {}),
      couponValues: [...o.couponValues],
    };
    return { data, truth };
  };
  const train = make(o.nTrain, 'train');
  const test = make(o.nTest, 'test');
  return { train: train.data, test: test.data, truth: test.truth, trainTruth: train.truth };
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

function checkOptions(o: Required<CouponTrialOptions>): void {
  const issue = (key: string, message: string) => new ValidationError({ path: ['simulateCouponTrial', key], message });
  for (const key of ['nTrain', 'nTest', 'd', 'segments'] as const) {
    const v = o[key];
    if (!Number.isInteger(v) || v < 1) throw issue(key, `expected a positive integer, got ${v}`);
  }
  for (const key of ['nTrain', 'nTest'] as const) {
    if (o[key] < o.couponValues.length + 1)
      throw issue(key, `expected at least one row per arm (${o.couponValues.length + 1}), got ${o[key]}`);
  }
  if (o.d < 6) throw issue('d', `expected at least 6 feature columns, got ${o.d}`);
  const cv = o.couponValues;
  if (
    !Array.isArray(cv) ||
    cv.length < 1 ||
    cv.some((v, i) => !(Number.isFinite(v) && v > 0 && (i === 0 || v > (cv[i - 1] as number))))
  ) {
    throw issue('couponValues', `expected increasing positive values, got ${JSON.stringify(cv)}`);
  }
  if (!(o.labelNoise >= 0 && o.labelNoise < 1))
    throw issue('labelNoise', `expected a number in [0, 1), got ${o.labelNoise}`);
  if (!(o.featureNoise >= 0 && Number.isFinite(o.featureNoise)))
    throw issue('featureNoise', `expected a non-negative number, got ${o.featureNoise}`);
  if (!Number.isFinite(o.covariateShift))
    throw issue('covariateShift', `expected a finite number, got ${o.covariateShift}`);
  if (!Number.isFinite(o.seed)) throw issue('seed', `expected a finite number, got ${o.seed}`);
}
