import { RNG } from '../src/core/rng.js';
import { BudgetPacer, type BudgetPacerOptions } from '../src/online/index.js';
import type { AllocationPolicy } from '../src/policy/index.js';
import { simulateCouponTrial, type TrialTruth } from '../src/sim/index.js';

/** A period of arrivals with ground truth: features in arrival order and each user's expected response and cost per arm. */
export interface ReplayDay {
  readonly n: number;
  readonly d: number;
  readonly features: Float32Array;
  /** Truth of the day (costs already scaled by the redemption factor). */
  readonly truth: TrialTruth;
  /** Face value of each arm (0 for control). */
  readonly values: readonly number[];
}

/**
 * A day of `n` arrivals from the coupon-trial simulator's world (seed `seed`): the share of users drawn with the
 * covariate shift `shift` rises linearly from 0 to 1 over the day, and every purchase probability is `redemption`
 * times the trial's (capped at 1), so costs run above what the trial predicted.
 */
export function replayDay(n: number, seed: number, shift: number, redemption: number): ReplayDay {
  const a = simulateCouponTrial({ nTrain: 10, nTest: n, seed, covariateShift: 0 });
  const b = simulateCouponTrial({ nTrain: 10, nTest: n, seed, covariateShift: shift });
  const { m, couponValues } = a.truth;
  const d = a.test.d;
  const values = [0, ...couponValues];
  const features = new Float32Array(n * d);
  const response = new Float64Array(n * m);
  const cost = new Float64Array(n * m);
  const r = new RNG(seed + 1);
  for (let i = 0; i < n; i++) {
    const src = r.next() < i / n ? b : a;
    features.set(src.test.features.subarray(i * d, (i + 1) * d), i * d);
    for (let j = 0; j < m; j++) {
      const p = Math.min(1, redemption * (src.truth.response[i * m + j] as number));
      response[i * m + j] = src.truth.response[i * m + j] as number;
      cost[i * m + j] = (values[j] as number) * p;
    }
  }
  return { n, d, features, truth: { n, m, response, cost, couponValues }, values };
}

/** What one replay of a day gives. */
export interface ReplayResult {
  readonly arms: Int32Array;
  /** Realised spend (purchases drawn from the truth). */
  readonly spend: number;
  /** Expected incremental response over all-control, in total. */
  readonly value: number;
  /** Realised spend of each of `slots` equal stretches of the day. */
  readonly slotSpend: Float64Array;
  readonly seconds: number;
  readonly pacer?: BudgetPacer;
}

/**
 * Replays a day: each arrival gets an arm (open-loop `policy.decide` at the day's per-user budget, or a
 * {@link BudgetPacer}); its purchase is drawn from the truth and, for the pacer, reported `delay` arrivals later.
 */
export function replay(
  policy: AllocationPolicy,
  day: ReplayDay,
  total: number,
  mode: 'open' | 'pacer',
  options: {
    delay: number;
    seed: number;
    slots?: number;
    pacer?: Partial<BudgetPacerOptions>;
    /** Called before each arrival (e.g. to move a clock). */
    onArrival?: (i: number) => void;
  },
): ReplayResult {
  const { n, d, features, truth, values } = day;
  const m = truth.m;
  const slots = options.slots ?? 24;
  const arms = new Int32Array(n);
  const cost = new Float64Array(n);
  const slotSpend = new Float64Array(slots);
  const r = new RNG(options.seed);
  const delay = options.delay;
  const pacer =
    mode === 'pacer' ? new BudgetPacer({ policy, budget: { total }, arrivals: n, delay, ...options.pacer }) : undefined;
  const budget = { perUser: total / n };
  let spend = 0;
  let value = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    options.onArrival?.(i);
    const x = features.subarray(i * d, (i + 1) * d);
    const arm = pacer !== undefined ? pacer.decide(x, i) : policy.decide(x, budget);
    arms[i] = arm;
    const v = values[arm] as number;
    const c = v > 0 && r.next() * v < (truth.cost[i * m + arm] as number) ? v : 0;
    cost[i] = c;
    spend += c;
    const s = Math.floor((i * slots) / n);
    slotSpend[s] = (slotSpend[s] as number) + c;
    value += (truth.response[i * m + arm] as number) - (truth.response[i * m] as number);
    const j = i - delay;
    if (pacer !== undefined && j >= 0 && (cost[j] as number) > 0) {
      pacer.observe({ cost: cost[j] as number, at: j, arm: arms[j] as number });
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  return { arms, spend, value, slotSpend, seconds, ...(pacer !== undefined ? { pacer } : {}) };
}
