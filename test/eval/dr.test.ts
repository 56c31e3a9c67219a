import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { createDataset } from '../../src/data/dataset.js';
import { evaluatePolicies, evaluatePolicy } from '../../src/eval/ipw.js';
import { crossFitOutcomes } from '../../src/eval/outcome-model.js';
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

/** Six rows, arms 0/1 alternating (propensity 1/2, weight 2). */
const six = () =>
  createDataset({
    features: [[0], [1], [2], [3], [4], [5]],
    treatment: [0, 1, 0, 1, 0, 1],
    treatmentNames: ['control', 'treat'],
    response: [1, 0, 0, 1, 1, 1],
    cost: [0, 2, 0, 2, 0, 3],
  });

describe("evaluatePolicy with estimator 'dr'", () => {
  it('reduces by hand with a constant outcome model', () => {
    // mu_0 = 0.5, mu_1 = 0.6 (response); nu_0 = 0, nu_1 = 2 (cost). Policy 1, 1, 0, 0, 1, 0; weight 2 on matched rows.
    // Response scores: 0.6; 0.6 + 2 (0 - 0.6) = -0.6; 0.5 + 2 (0 - 0.5) = -0.5; 0.5; 0.6; 0.5 -> 1.1 / 6.
    // Cost scores: 2; 2 + 2 (2 - 2) = 2; 0; 0; 2; 0 -> 1.
    // All-control: with a constant model the mu_0 terms cancel (the control weights sum to n), leaving the
    // Horvitz–Thompson value 2 (1 + 0 + 1) / 6 = 4/6, and cost 0.
    const outcomePredictions = {
      response: [0.5, 0.6, 0.5, 0.6, 0.5, 0.6, 0.5, 0.6, 0.5, 0.6, 0.5, 0.6],
      cost: [0, 2, 0, 2, 0, 2, 0, 2, 0, 2, 0, 2],
    };
    const policy = Int32Array.from([1, 1, 0, 0, 1, 0]);
    const ev = evaluatePolicy(policy, six(), { estimator: 'dr', outcomePredictions, resamples: 0 });
    expect(ev.estimator).toBe('dr');
    expect(ev.response.estimate).toBeCloseTo(1.1 / 6, 12);
    expect(ev.cost.estimate).toBeCloseTo(1, 12);
    expect(ev.control.response).toBeCloseTo(4 / 6, 12);
    expect(ev.control.cost).toBeCloseTo(0, 12);
    expect(ev.incrementalResponse.estimate).toBeCloseTo(-2.9 / 6, 12);
    expect(ev.matched).toBe(2);
  });

  it('equals Horvitz–Thompson, resample by resample, with a zero outcome model', () => {
    const { test } = simulateCouponTrial({ nTrain: 10, nTest: 2000, seed: 4 });
    const m = test.treatmentNames.length;
    const zero = { response: new Float64Array(test.n * m), cost: new Float64Array(test.n * m) };
    const arms = rulePolicy(test.features, test.d);
    const ipw = evaluatePolicies([arms], test, { estimator: 'ipw', resamples: 50, seed: 9 });
    const dr = evaluatePolicies([arms], test, { estimator: 'dr', outcomePredictions: zero, resamples: 50, seed: 9 });
    const a = ipw.evaluations[0];
    const b = dr.evaluations[0];
    for (const key of ['response', 'cost', 'incrementalResponse', 'incrementalCost'] as const) {
      expect(b?.[key].estimate).toBeCloseTo(a?.[key].estimate as number, 12);
      expect(b?.[key].lower).toBeCloseTo(a?.[key].lower as number, 12);
      expect(b?.[key].upper).toBeCloseTo(a?.[key].upper as number, 12);
    }
    const ri = ipw.incrementalReplicates[0] as Float64Array;
    const rd = dr.incrementalReplicates[0] as Float64Array;
    for (let r = 0; r < 50; r++) expect(rd[r]).toBeCloseTo(ri[r] as number, 12);
  });

  it('is close to the true value on the simulator, with narrower intervals than IPW on the same rows', () => {
    const reps = 10;
    const width = { hajek: [0, 0], ipw: [0, 0], dr: [0, 0] };
    let covered = 0;
    for (let s = 0; s < reps; s++) {
      const { test, truth } = simulateCouponTrial({ nTrain: 10, nTest: 4000, seed: 500 + s });
      const arms = rulePolicy(test.features, test.d);
      const tv = trueValue(truth, arms);
      for (const estimator of ['hajek', 'ipw', 'dr'] as const) {
        const ev = evaluatePolicy(arms, test, { estimator, resamples: 200, seed: s });
        const w = width[estimator];
        w[0] = (w[0] as number) + (ev.incrementalResponse.upper - ev.incrementalResponse.lower) / reps;
        w[1] = (w[1] as number) + (ev.incrementalCost.upper - ev.incrementalCost.lower) / reps;
        if (estimator !== 'dr') continue;
        const r = ev.incrementalResponse;
        expect(Math.abs(r.estimate - tv.incrementalResponse)).toBeLessThan(3 * r.se);
        expect(Math.abs(ev.incrementalCost.estimate - tv.incrementalCost)).toBeLessThan(3 * ev.incrementalCost.se);
        if (r.lower <= tv.incrementalResponse && tv.incrementalResponse <= r.upper) covered++;
      }
    }
    expect(covered).toBeGreaterThanOrEqual(8);
    // Measured: incremental response 0.062 (dr) vs 0.068 (hajek) and 0.073 (ipw); cost 0.135 vs 0.151 and 0.158.
    for (const q of [0, 1]) {
      expect(width.dr[q] as number).toBeLessThan(width.ipw[q] as number);
      expect(width.dr[q] as number).toBeLessThan(width.hajek[q] as number);
    }
  });

  it('is deterministic for a seed and evaluates an extra outcome', () => {
    const { test } = simulateCouponTrial({ nTrain: 10, nTest: 1500, gmv: true, seed: 6 });
    const arms = rulePolicy(test.features, test.d);
    const a = evaluatePolicy(arms, test, { estimator: 'dr', resamples: 20, seed: 3 });
    const b = evaluatePolicy(arms, test, { estimator: 'dr', resamples: 20, seed: 3 });
    expect(b).toEqual(a);
    const g = evaluatePolicy(arms, test, { estimator: 'dr', resamples: 0, outcome: 'gmv' });
    expect(g.response.estimate).not.toBe(a.response.estimate);
    expect(Number.isFinite(g.response.estimate)).toBe(true);
  });

  it('names bad options', () => {
    const data = six();
    const arms = Int32Array.from([1, 1, 0, 0, 1, 0]);
    const bad = (o: Parameters<typeof evaluatePolicy>[2], re: RegExp) => {
      expect(() => evaluatePolicy(arms, data, o)).toThrow(ValidationError);
      expect(() => evaluatePolicy(arms, data, o)).toThrow(re);
    };
    bad({ estimator: 'aipw' as 'dr' }, /^estimator: expected one of 'hajek', 'ipw', 'stratified', 'dr'/);
    bad({ estimator: 'dr', folds: 1 }, /^folds: expected a value >= 2, got 1/);
    bad({ estimator: 'dr', folds: 2.5 }, /^folds: expected an integer/);
    bad({ estimator: 'dr', ridge: -1 }, /^ridge: expected a value >= 0/);
    bad({ estimator: 'dr', folds: 4 }, /^folds: arm 'control' has 3 rows; 4 folds need at least 4 rows per arm/);
    bad(
      { estimator: 'dr', outcomePredictions: { response: [1, 2], cost: [] } },
      /^outcomePredictions\.response: expected 12 numbers/,
    );
    const nan = { response: new Float64Array(12), cost: new Float64Array(12).fill(Number.NaN) };
    bad(
      { estimator: 'dr', outcomePredictions: nan },
      /^outcomePredictions\.cost\.0: expected a finite number \(row 0, arm 0\)/,
    );
    bad({ estimator: 'dr', outcome: 'gmv' }, /^outcome: the test data has no outcome 'gmv'/);
  });
});

describe('crossFitOutcomes', () => {
  it('recovers an exactly linear outcome per arm out of fold, and ignores a constant column', () => {
    const n = 400;
    const features: number[][] = [];
    const treatment: number[] = [];
    const response: number[] = [];
    const cost: number[] = [];
    for (let i = 0; i < n; i++) {
      const x0 = Math.sin(i * 1.3);
      const x1 = Math.cos(i * 0.7) * 3;
      const t = i % 3;
      features.push([x0, x1, 7]);
      treatment.push(t);
      response.push(1 + t + 2 * x0 - (t + 1) * x1);
      cost.push(t * (1.5 + x0));
    }
    const data = createDataset({ features, treatment, treatmentNames: ['c', 'a', 'b'], response, cost });
    const fit = crossFitOutcomes(data, { folds: 4, ridge: 1e-9, seed: 2 });
    for (let i = 0; i < n; i++) {
      const [x0, x1] = features[i] as number[];
      for (let t = 0; t < 3; t++) {
        expect(fit.response[i * 3 + t]).toBeCloseTo(1 + t + 2 * (x0 as number) - (t + 1) * (x1 as number), 4);
        expect(fit.cost[i * 3 + t]).toBeCloseTo(t * (1.5 + (x0 as number)), 4);
      }
    }
    // Folds are balanced within each arm and depend on the seed.
    const counts = new Float64Array(12);
    for (let i = 0; i < n; i++) {
      const cell = (fit.fold[i] as number) * 3 + (treatment[i] as number);
      counts[cell] = (counts[cell] as number) + 1;
    }
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    expect(crossFitOutcomes(data, { folds: 4, seed: 3 }).fold).not.toEqual(fit.fold);
  });

  it('shrinks toward the arm mean as the ridge penalty grows', () => {
    const data = six();
    const fit = crossFitOutcomes(data, { folds: 3, ridge: 1e12, seed: 1 });
    // Every prediction is the mean of that arm's training rows (two of its three rows).
    for (let i = 0; i < 6; i++) {
      for (let t = 0; t < 2; t++) {
        const rows = [0, 1, 2, 3, 4, 5].filter((r) => r % 2 === t && fit.fold[r] !== fit.fold[i]);
        const mean = rows.reduce((s, r) => s + (data.response[r] as number), 0) / rows.length;
        expect(fit.response[i * 2 + t]).toBeCloseTo(mean, 6);
      }
    }
  });
});
