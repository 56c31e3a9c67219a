import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { createDataset } from '../../src/data/dataset.js';
import { evaluatePolicies, evaluatePolicy } from '../../src/eval/ipw.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';
import { trueValue } from '../../src/sim/truth.js';

/** A fixed rule on the features: no model, so the policy is independent of the test outcomes. */
function rulePolicy(features: Float32Array, d: number): Int32Array {
  const n = features.length / d;
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const x0 = features[i * d] as number;
    const x1 = features[i * d + 1] as number;
    a[i] = x0 > 0 ? 3 : x1 > 0 ? 1 : 0;
  }
  return a;
}

describe('evaluatePolicy', () => {
  it('covers the true value of a fixed policy on a large simulated test set', () => {
    const { test, truth } = simulateCouponTrial({ nTrain: 10, nTest: 40_000, seed: 3 });
    const arms = rulePolicy(test.features, test.d);
    const tv = trueValue(truth, arms);
    for (const estimator of ['hajek', 'ipw', 'stratified'] as const) {
      const ev = evaluatePolicy(arms, test, { estimator, resamples: 300, seed: 1 });
      expect(ev.response.lower).toBeLessThan(tv.response);
      expect(ev.response.upper).toBeGreaterThan(tv.response);
      expect(ev.cost.lower).toBeLessThan(tv.cost);
      expect(ev.cost.upper).toBeGreaterThan(tv.cost);
      expect(ev.incrementalResponse.lower).toBeLessThan(tv.incrementalResponse);
      expect(ev.incrementalResponse.upper).toBeGreaterThan(tv.incrementalResponse);
      // The interval is informative: narrower than the effect itself.
      expect(ev.incrementalResponse.upper - ev.incrementalResponse.lower).toBeLessThan(tv.incrementalResponse);
    }
  });

  it('is unbiased and its 95% intervals cover about 95% of the time over repeated trials', () => {
    const reps = 60;
    for (const estimator of ['hajek', 'ipw', 'stratified'] as const) {
      let covered = 0;
      let coveredInc = 0;
      const errors: number[] = [];
      for (let r = 0; r < reps; r++) {
        const { test, truth } = simulateCouponTrial({ nTrain: 10, nTest: 3000, seed: 100 + r });
        const arms = rulePolicy(test.features, test.d);
        const tv = trueValue(truth, arms);
        const ev = evaluatePolicy(arms, test, { estimator, resamples: 200, seed: r });
        if (ev.response.lower <= tv.response && tv.response <= ev.response.upper) covered++;
        const inc = ev.incrementalResponse;
        if (inc.lower <= tv.incrementalResponse && tv.incrementalResponse <= inc.upper) coveredInc++;
        errors.push(ev.response.estimate - tv.response);
      }
      expect(covered / reps).toBeGreaterThanOrEqual(0.85);
      expect(coveredInc / reps).toBeGreaterThanOrEqual(0.85);
      const meanErr = errors.reduce((a, b) => a + b, 0) / reps;
      const sdErr = Math.sqrt(errors.reduce((a, b) => a + (b - meanErr) ** 2, 0) / (reps - 1));
      expect(Math.abs(meanErr)).toBeLessThan((3 * sdErr) / Math.sqrt(reps));
    }
  });

  it('weights by 1 / propensity when arms have unequal shares', () => {
    const sim = simulateCouponTrial({ nTrain: 10, nTest: 60_000, seed: 8 });
    // Keep every control row but only a fifth of the coupon-3 rows and half of the others: still randomized.
    const keep: number[] = [];
    for (let i = 0; i < sim.test.n; i++) {
      const t = sim.test.treatment[i] as number;
      const share = t === 0 ? 1 : t === 3 ? 0.2 : 0.5;
      if ((i * 0.6180339887) % 1 < share) keep.push(i);
    }
    const m = sim.truth.m;
    const pick = <T extends Float32Array | Int32Array>(a: T, w = 1) => {
      const out = new (a.constructor as new (n: number) => T)(keep.length * w);
      keep.forEach((i, r) => {
        out.set(a.subarray(i * w, i * w + w), r * w);
      });
      return out;
    };
    const test = createDataset({
      features: pick(sim.test.features, sim.test.d),
      d: sim.test.d,
      treatment: pick(sim.test.treatment),
      treatmentNames: sim.test.treatmentNames,
      response: pick(sim.test.response),
      cost: pick(sim.test.cost),
    });
    const arms = rulePolicy(test.features, test.d);
    let r = 0;
    for (let q = 0; q < keep.length; q++)
      r += sim.truth.response[(keep[q] as number) * m + (arms[q] as number)] as number;
    const truthMean = r / keep.length;
    const ev = evaluatePolicy(arms, test, { resamples: 300, seed: 2 });
    expect(ev.response.lower).toBeLessThan(truthMean);
    expect(ev.response.upper).toBeGreaterThan(truthMean);
  });

  it('gives all-control exactly the control arm mean, and the uniform policy its arm mean (Hajek)', () => {
    const data = createDataset({
      features: [[0], [1], [2], [3], [4], [5]],
      treatment: [0, 0, 0, 1, 1, 1],
      treatmentNames: ['control', 'treat'],
      response: [1, 0, 0, 1, 1, 0],
      cost: [0, 0, 0, 2, 2, 0],
    });
    const ctl = evaluatePolicy(new Int32Array(6), data, { resamples: 0 });
    expect(ctl.response.estimate).toBeCloseTo(1 / 3, 12);
    expect(ctl.incrementalResponse.estimate).toBe(0);
    expect(Number.isNaN(ctl.response.lower)).toBe(true);
    const all = evaluatePolicy(new Int32Array(6).fill(1), data, { resamples: 50 });
    expect(all.response.estimate).toBeCloseTo(2 / 3, 12);
    expect(all.cost.estimate).toBeCloseTo(4 / 3, 12);
    expect(all.incrementalResponse.estimate).toBeCloseTo(1 / 3, 12);
    expect(all.matched).toBe(3);
    expect(all.armShares).toEqual([0, 1]);
    // Matched rows 0, 3, 4, 5, each of weight 1 / 0.5: Horvitz-Thompson divides by n, Hajek by the weights.
    const mixed = Int32Array.from([0, 1, 1, 1, 1, 1]);
    const ht = evaluatePolicy(mixed, data, { estimator: 'ipw', resamples: 0 });
    expect(ht.response.estimate).toBeCloseTo((2 * 3) / 6, 12);
    const hajek = evaluatePolicy(mixed, data, { estimator: 'hajek', resamples: 0 });
    expect(hajek.response.estimate).toBeCloseTo(6 / 8, 12);
    // Only row 0 matches; about 30% of resamples miss it (no matched rows): they are dropped, not NaN.
    const single = evaluatePolicy(Int32Array.from([0, 1, 1, 0, 0, 0]), data, { resamples: 200 });
    expect(single.response.estimate).toBe(1);
    expect(single.response.lower).toBe(1);
    expect(single.response.upper).toBe(1);
    expect(Number.isFinite(single.incrementalResponse.lower)).toBe(true);
  });

  it('is reproducible by seed and pairs resamples across policies', () => {
    const { test } = simulateCouponTrial({ nTrain: 10, nTest: 2000, seed: 4 });
    const a = rulePolicy(test.features, test.d);
    const b = new Int32Array(test.n).fill(2);
    const e1 = evaluatePolicy(a, test, { seed: 9, resamples: 100 });
    const e2 = evaluatePolicy(a, test, { seed: 9, resamples: 100 });
    expect(e1).toEqual(e2);
    const both = evaluatePolicies([a, b], test, { seed: 9, resamples: 100 });
    expect(both.evaluations[0]).toEqual(e1);
    expect(both.incrementalReplicates[1]?.length).toBe(100);
  });

  it('rejects bad input with errors naming the field', () => {
    const { test } = simulateCouponTrial({ nTrain: 10, nTest: 100, seed: 1 });
    const good = new Int32Array(test.n);
    const issuePath = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as ValidationError).issues[0]?.path;
      }
      throw new Error('expected a ValidationError');
    };
    expect(issuePath(() => evaluatePolicy(new Int32Array(3), test))).toEqual(['assignment']);
    expect(issuePath(() => evaluatePolicy([0, 1] as unknown as Int32Array, test))).toEqual(['assignment']);
    expect(issuePath(() => evaluatePolicy(new Int32Array(test.n).fill(9), test))).toEqual(['assignment', 0]);
    expect(issuePath(() => evaluatePolicy(good, test, { level: 1.5 }))).toEqual(['level']);
    expect(issuePath(() => evaluatePolicy(good, test, { resamples: 2.5 }))).toEqual(['resamples']);
    expect(issuePath(() => evaluatePolicy(good, test, { estimator: 'aipw' as 'ipw' }))).toEqual(['estimator']);
    expect(issuePath(() => evaluatePolicy(good, test, { outcome: 'gmv' }))).toEqual(['outcome']);
    expect(() => evaluatePolicy(good, test, { outcome: 'gmv' })).toThrow(/no outcome 'gmv'/);
  });
});
