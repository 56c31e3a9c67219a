import { beforeAll, describe, expect, it } from 'vitest';
import { replay, replayDay } from '../../bench/online-replay.js';
import { ValidationError } from '../../src/core/errors.js';
import { evaluatePolicy } from '../../src/eval/index.js';
import {
  BudgetPacer,
  type DriftEvent,
  DriftMonitor,
  datasetFromDecisions,
  type PacerDecision,
  populationStability,
} from '../../src/online/index.js';
import type { AllocationPolicy } from '../../src/policy/index.js';
import { onlinePolicy } from './fixture.js';

const N = 100_000;
let policy: AllocationPolicy;
let total: number;

beforeAll(async () => {
  policy = await onlinePolicy();
  total = (policy.table.budgets[14] as number) * N;
});

describe('DriftMonitor', () => {
  it('computes the population stability index', () => {
    expect(populationStability([0.5, 0.5], [0.5, 0.5])).toBe(0);
    const psi = populationStability([0.9, 0.1], [0.5, 0.5]);
    expect(psi).toBeCloseTo(0.4 * Math.log(0.9 / 0.5) - 0.4 * Math.log(0.1 / 0.5), 12);
  });

  it('fires group-shift and arm-cost events on a shifted day with dearer redemptions, none on a day like the trial', () => {
    const run = (shift: number, redemption: number) => {
      const events: DriftEvent[] = [];
      const day = replayDay(N, 3, shift, redemption);
      const res = replay(policy, day, total, 'pacer', {
        delay: 2000,
        seed: 1,
        pacer: { drift: { psiThreshold: 0.1, onEvent: (e) => events.push(e) } },
      });
      const summary = res.pacer?.drift();
      return { events, summary };
    };
    const shifted = run(2, 1.3);
    expect(shifted.events.some((e) => e.type === 'groupShift')).toBe(true);
    const cost = shifted.events.filter((e) => e.type === 'armCost');
    expect(cost.length).toBeGreaterThan(0);
    for (const e of cost) if (e.type === 'armCost') expect(e.ratio).toBeGreaterThan(1.1);
    expect(shifted.summary?.psi).toBeGreaterThan(0.1);
    const calm = run(0, 1);
    expect(calm.events).toEqual([]);
    expect(calm.summary?.psi).toBeLessThan(0.05);
    // Realised costs differ from the plan's only by the trial's estimation error and the draws' noise.
    for (const a of calm.summary?.armCost ?? [])
      if (a.decisions > 10_000) expect(Math.abs(a.ratio - 1)).toBeLessThan(0.1);
  });

  it('rejects bad reference shares and thresholds', () => {
    expect(() => new DriftMonitor([0, 0], ['a'])).toThrow(ValidationError);
    expect(() => new DriftMonitor([1, -1], ['a'])).toThrow(ValidationError);
    expect(() => new DriftMonitor([1], ['a'], { psiThreshold: -1 })).toThrow(/psiThreshold/);
  });
});

describe('decision log', () => {
  it('reads into an IPW evaluation of the policy that logged it', () => {
    const day = replayDay(40_000, 5, 0, 1);
    const pacer = new BudgetPacer({
      policy,
      budget: { total: (policy.table.budgets[8] as number) * day.n },
      arrivals: day.n,
      holdout: { share: 0.2, mode: 'uniform' },
    });
    const log: PacerDecision[] = [];
    const response = new Float32Array(day.n);
    const cost = new Float32Array(day.n);
    const m = day.truth.m;
    for (let i = 0; i < day.n; i++) {
      const d = pacer.decision(day.features.subarray(i * day.d, (i + 1) * day.d), `u${i}`);
      log.push(d);
      // Expected outcomes as labels: the IPW estimate then only carries the sampling of arms.
      response[i] = day.truth.response[i * m + d.arm] as number;
      cost[i] = day.truth.cost[i * m + d.arm] as number;
    }
    const ds = datasetFromDecisions(log, {
      features: day.features,
      d: day.d,
      treatmentNames: policy.treatmentNames,
      response,
      cost,
    });
    // Another plan of the policy and all-control, evaluated off the log, match their true values on these users.
    const truthOf = (arms: Int32Array) => {
      let r = 0;
      for (let i = 0; i < day.n; i++) r += (day.truth.response[i * m + (arms[i] as number)] as number) / day.n;
      return r;
    };
    for (const arms of [
      policy.decideBatch(ds.features, { perUser: policy.table.budgets[4] as number }),
      new Int32Array(day.n),
    ]) {
      const ev = evaluatePolicy(arms, ds, { resamples: 0 });
      expect(Math.abs(ev.response.estimate - truthOf(arms))).toBeLessThan(0.01);
    }
    expect(() => datasetFromDecisions(log, { ...ds, d: day.d, features: new Float32Array(3) })).toThrow(
      ValidationError,
    );
  });
});
