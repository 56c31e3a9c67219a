import { beforeAll, describe, expect, it } from 'vitest';
import { type ReplayDay, replay, replayDay } from '../../bench/online-replay.js';
import { InfeasibleBudgetError, SerializationError, ValidationError } from '../../src/core/errors.js';
import { BudgetPacer, hashUniform, policyFingerprint } from '../../src/online/index.js';
import type { AllocationPolicy } from '../../src/policy/index.js';
import { onlinePolicy } from './fixture.js';

const N = 200_000;
let policy: AllocationPolicy;
let day: ReplayDay;
let total: number;

beforeAll(async () => {
  policy = await onlinePolicy();
  // Users drift away from the trial's mix over the day and redeem 20% more often than in the trial.
  day = replayDay(N, 3, 0.8, 1.2);
  total = (policy.table.budgets[14] as number) * N;
});

describe('BudgetPacer on a replayed day', () => {
  it('ends within 1% of the budget where the open-loop policy overspends by more than 10%', () => {
    const open = replay(policy, day, total, 'open', { delay: 5000, seed: 1 });
    const paced = replay(policy, day, total, 'pacer', { delay: 5000, seed: 1 });
    expect(open.spend / total).toBeGreaterThan(1.1);
    expect(Math.abs(paced.spend / total - 1)).toBeLessThan(0.01);
    const status = paced.pacer?.status();
    expect(status?.costRatio).toBeGreaterThan(1.1);
  });

  it('never exceeds a cap and holds out a stable share of ids within 0.2%', () => {
    const count = (arms: Int32Array) => {
      const c = new Array<number>(policy.table.m).fill(0);
      for (const a of arms) c[a] = (c[a] as number) + 1;
      return c;
    };
    // A cap that binds but leaves the budget reachable: the other arms take up the spend.
    const one = replay(policy, day, total, 'pacer', {
      delay: 5000,
      seed: 2,
      pacer: { caps: { coupon_4: 10_000 }, holdout: 0.05 },
    });
    const c1 = count(one.arms);
    expect(c1[4]).toBe(10_000);
    expect(Math.abs(one.spend / total - 1)).toBeLessThan(0.01);
    // Caps so tight that the budget cannot be spent: the pacer climbs to the top of the ladder and stays within caps.
    const caps = { coupon_4: 5000, coupon_3: 20_000 };
    const two = replay(policy, day, total, 'pacer', { delay: 5000, seed: 2, pacer: { caps, holdout: 0.05 } });
    const c2 = count(two.arms);
    expect(c2[4]).toBe(5000);
    expect(c2[3]).toBe(20_000);
    expect(two.spend).toBeLessThan(total);
    expect(two.pacer?.status().plan).toBe(policy.table.size - 1);
    let held = 0;
    for (let i = 0; i < N; i++) if (hashUniform(42, 1, i) < 0.05) held++;
    expect(Math.abs(held / N - 0.05)).toBeLessThan(0.002);
    // Held-out users get control: every one of them is in the control count.
    expect(c1[0]).toBeGreaterThanOrEqual(held);
  });

  it('logs propensities that sum to one over the arms and are positive for the arm given', () => {
    const pacer = new BudgetPacer({ policy, budget: { total }, arrivals: N, holdout: { share: 0.1, mode: 'uniform' } });
    for (let i = 0; i < 3000; i++) {
      const x = day.features.subarray(i * day.d, (i + 1) * day.d);
      const d = pacer.decision(x, `user-${i}`);
      expect(d.propensity).toBeGreaterThan(0);
      expect(d.propensity).toBeLessThanOrEqual(1);
      expect(d.seq).toBe(i);
      expect(d.id).toBe(`user-${i}`);
      if (!d.holdout) expect(policy.table.budgets).toContain(d.planBudget);
    }
  });
});

describe('BudgetPacer by the clock', () => {
  it('spends the budget on a day with 20% less traffic than expected, where pacing by count does not', () => {
    const actual = Math.round(0.8 * N);
    const short: ReplayDay = { ...day, n: actual, features: day.features.subarray(0, actual * day.d) };
    const budget = total * 0.8;
    let t = 0;
    const clock = { arrivals: N, period: { start: 0, end: 1 }, now: () => t };
    const byClock = replay(policy, short, budget, 'pacer', {
      delay: 5000,
      seed: 3,
      pacer: clock,
      onArrival: (i) => {
        t = i / actual;
      },
    });
    const byCount = replay(policy, short, budget, 'pacer', { delay: 5000, seed: 3, pacer: { arrivals: N } });
    expect(Math.abs(byClock.spend / budget - 1)).toBeLessThan(0.015);
    expect(byCount.spend / budget).toBeLessThan(0.9);
    // An hourly curve with a busy evening: the state round-trips with its curve.
    const curve = Array.from({ length: 24 }, (_, h) => (h >= 18 ? 3 : 1));
    const p = new BudgetPacer({
      policy,
      budget: { total },
      arrivals: N,
      period: { start: 0, end: 24, curve },
      now: () => 5,
    });
    const json = p.toJSON();
    expect(json.params.period?.curve).toEqual(curve);
    expect(BudgetPacer.fromJSON(json, policy, { now: () => 5 }).status()).toEqual(p.status());
    expect(() => new BudgetPacer({ policy, budget: { total }, arrivals: N, period: { start: 2, end: 1 } })).toThrow(
      /period\.end/,
    );
  });
});

describe('BudgetPacer.decideGroup', () => {
  it('gives the arms of decide when handed the student groups', () => {
    const opts = { policy, budget: { total }, arrivals: N, holdout: 0.05, caps: { coupon_4: 500 } };
    const a = new BudgetPacer(opts);
    const b = new BudgetPacer(opts);
    const groups = policy.student.argmaxBatch(day.features.subarray(0, 20_000 * day.d), new Int32Array(20_000));
    for (let i = 0; i < 20_000; i++) {
      expect(b.decideGroup(groups[i] as number, i)).toBe(
        a.decide(day.features.subarray(i * day.d, (i + 1) * day.d), i),
      );
    }
    expect(b.status()).toEqual(a.status());
    expect(() => b.decideGroup(policy.table.k)).toThrow(ValidationError);
  });
});

describe('BudgetPacer state', () => {
  it('restored from JSON makes the same decisions as the original', () => {
    const a = new BudgetPacer({
      policy,
      budget: { total },
      arrivals: N,
      delay: 2000,
      holdout: 0.05,
      caps: { coupon_4: 900 },
    });
    const run = (p: BudgetPacer, from: number, to: number) => {
      const out: number[] = [];
      for (let i = from; i < to; i++) {
        const arm = p.decide(day.features.subarray(i * day.d, (i + 1) * day.d), i);
        out.push(arm);
        if (i >= 2000 && i % 3 === 0) p.observe({ cost: 2, at: i - 2000, arm });
      }
      return out;
    };
    run(a, 0, 12_345);
    const json = JSON.stringify(a.toJSON());
    expect(json.length).toBeLessThan(20_000);
    const b = BudgetPacer.fromJSON(json, policy);
    expect(run(b, 12_345, 30_000)).toEqual(run(a, 12_345, 30_000));
    expect(b.status()).toEqual(a.status());
  });

  it('refuses a state written for another policy', async () => {
    const other = await onlinePolicy(4);
    expect(policyFingerprint(other)).not.toBe(policyFingerprint(policy));
    const json = new BudgetPacer({ policy, budget: { total }, arrivals: N }).toJSON();
    expect(() => BudgetPacer.fromJSON(json, other)).toThrow(/fingerprint/);
    expect(() => BudgetPacer.fromJSON({ ...json, formatVersion: 2 }, policy)).toThrow(SerializationError);
    expect(() => BudgetPacer.fromJSON({ ...json, state: { ...json.state, seq: -1 } }, policy)).toThrow(/state\.seq/);
    expect(() => BudgetPacer.fromJSON('{', policy)).toThrow(SerializationError);
  });
});

describe('BudgetPacer bad input', () => {
  const make = (extra: Record<string, unknown>) => () =>
    new BudgetPacer({ policy, budget: { total }, arrivals: N, ...extra });

  it('gives ValidationErrors for bad costs, unknown arms in caps and holdout shares outside [0, 1)', () => {
    const p = make({})();
    p.decide(day.features.subarray(0, day.d));
    for (const cost of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => p.observe({ cost })).toThrow(ValidationError);
    }
    expect(() => p.observe({ cost: 1, at: 5 })).toThrow(/sequence number/);
    expect(make({ caps: { coupon_9: 10 } })).toThrow(/caps\.coupon_9: unknown arm/);
    for (const holdout of [1, -0.1, Number.NaN, 2]) expect(make({ holdout })).toThrow(ValidationError);
    expect(() => p.decide(new Float32Array(2))).toThrow(ValidationError);
  });

  it('gives InfeasibleBudgetError naming the constraint for caps that cannot be met or a budget below the cheapest plan', () => {
    const allCapped = Object.fromEntries(policy.treatmentNames.map((t) => [t, 1000]));
    expect(make({ caps: allCapped })).toThrow(InfeasibleBudgetError);
    try {
      make({ caps: allCapped })();
    } catch (e) {
      expect((e as InfeasibleBudgetError).constraint).toBe('caps');
    }
    const low = () => new BudgetPacer({ policy, budget: { total: 1e-9 }, arrivals: N });
    const min = policy.table.budgets[0] as number;
    if (min > 0) expect(low).toThrow(InfeasibleBudgetError);
    expect(make({ caps: { control: 10 }, holdout: 0.05 })).toThrow(/control is capped/);
  });
});
