import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { trainTestSplit } from '../../src/data/split.js';
import { calibrateSpend, withSpendCalibration } from '../../src/eval/calibrate.js';
import { costCurve, curveArea, meanResponseUpTo } from '../../src/eval/costcurve.js';
import { evaluatePolicy } from '../../src/eval/ipw.js';
import { truthMetrics } from '../../src/eval/truth.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';
import { oracleAssign } from '../../src/sim/truth.js';
import { UniformArmFixture } from './fixtures.js';

const sim = simulateCouponTrial({ nTrain: 20_000, nTest: 20_000, seed: 31 });

describe('costCurve', () => {
  it('traces rising spend and value over a budget sweep', async () => {
    const model = await new UniformArmFixture(2).fit(sim.train);
    const curve = await costCurve((b) => model.assign(sim.test.features, b), sim.test, {
      budgets: [0.05, 0.1, 0.2, 0.4],
      resamples: 100,
    });
    expect(curve.points.map((p) => p.budget)).toEqual([0.05, 0.1, 0.2, 0.4]);
    for (let q = 1; q < curve.points.length; q++) {
      expect(curve.points[q]?.incrementalCost.estimate).toBeGreaterThan(
        curve.points[q - 1]?.incrementalCost.estimate as number,
      );
    }
    for (const p of curve.points) expect(Math.abs(p.cost.estimate / p.budget - 1)).toBeLessThan(0.15);
    expect(curve.normalizedArea).toBeGreaterThan(0.4);
    expect(curve.normalizedArea).toBeLessThan(0.8);
  });

  it('normalizes a straight line from the origin to 0.5 and a concave curve above it', () => {
    expect(curveArea([1, 2, 3], [2, 4, 6]).normalizedArea).toBeCloseTo(0.5, 12);
    expect(curveArea([3, 1, 2], [4, 2, 3]).normalizedArea).toBeGreaterThan(0.5);
    expect(curveArea([1], [1]).area).toBeCloseTo(0.5, 12);
  });

  it('ranks curves by level on a shared spend range, where the normalized area only sees their shape', () => {
    // A method that stops spending at 0.3 with a concave start, and one below it at every spend that spends on.
    const short = { cost: [0.1, 0.25, 0.3], response: [0.1, 0.2, 0.22] };
    const long = { cost: [0.1, 0.3, 0.5], response: [0.12, 0.3, 0.5] };
    expect(curveArea(short.cost, short.response).normalizedArea).toBeGreaterThan(
      curveArea(long.cost, long.response).normalizedArea,
    );
    const upTo = 0.3;
    expect(meanResponseUpTo(long.cost, long.response, upTo)).toBeGreaterThan(
      meanResponseUpTo(short.cost, short.response, upTo),
    );
    expect(meanResponseUpTo([1, 2], [2, 4], 1)).toBeCloseTo(1, 12);
    expect(meanResponseUpTo([1, 2], [2, 4], 1.5)).toBeCloseTo(1.5, 12);
    expect(meanResponseUpTo([1], [1], 2)).toBeNaN();
    expect(meanResponseUpTo([1], [1], 0)).toBeNaN();
  });

  it('names bad budgets', async () => {
    const assign = async () => new Int32Array(sim.test.n);
    await expect(costCurve(assign, sim.test, { budgets: [] })).rejects.toThrow(/^budgets:/);
    await expect(costCurve(assign, sim.test, { budgets: [0.1, -1] })).rejects.toThrow(/^budgets\.1\.perUser:/);
  });
});

describe('truthMetrics', () => {
  it('gives the oracle a ratio of 1 and no overspend, and charges an overspending policy', () => {
    const budget = { perUser: 0.3 };
    const best = truthMetrics(sim.truth, oracleAssign(sim.truth, budget), budget);
    expect(best.oracleRatio).toBeCloseTo(1, 12);
    expect(best.overspend).toBe(0);
    expect(best.spendRatio).toBeLessThanOrEqual(1);
    const all = truthMetrics(sim.truth, new Int32Array(sim.truth.n).fill(2), 0.3);
    expect(all.spendRatio).toBeGreaterThan(1.2);
    expect(all.overspend).toBeCloseTo(all.spendRatio - 1, 12);
    // At matched spend the oracle may spend as much, so the ratio only falls.
    expect(all.oracleRatioMatched).toBeLessThan(all.oracleRatio);
    expect(all.oracleRatioMatched).toBeLessThan(1);
  });
});

describe('spend calibration', () => {
  const { train: calib, test: holdout } = trainTestSplit(sim.test, { testFraction: 0.5, seed: 2 });

  it('brings an allocator that underestimates cost back to the budget', async () => {
    // Believes coupons cost 70% of what they do: overspends by about 1 / 0.7.
    const biased = await new UniformArmFixture(3, 0.7).fit(sim.train);
    const nominal = evaluatePolicy(await biased.assign(holdout.features, { perUser: 0.3 }), holdout, { resamples: 0 });
    expect(nominal.cost.estimate / 0.3).toBeGreaterThan(1.25);
    const cal = await calibrateSpend((b) => biased.assign(calib.features, { perUser: b }), calib, 0.3, { hi: 2 });
    expect(cal.feasible).toBe(true);
    expect(cal.spend).toBeLessThanOrEqual(0.3);
    expect(cal.spend).toBeGreaterThan(0.3 * 0.99);
    expect(cal.parameter).toBeLessThan(0.25);
    const wrapped = await withSpendCalibration(biased, calib).fit(sim.train);
    expect(wrapped.name).toBe('uniform-3+cal');
    const arms = await wrapped.assign(holdout.features, { perUser: 0.3 });
    const held = evaluatePolicy(arms, holdout, { resamples: 200 });
    expect(held.cost.lower).toBeLessThan(0.3);
    expect(held.cost.upper).toBeGreaterThan(0.3);
    expect(wrapped.calibrations.size).toBe(1);
  });

  it('handles a decreasing parameter (a price on cost) and reports an infeasible range', async () => {
    const model = await new UniformArmFixture(1).fit(sim.train);
    const byPrice = (lambda: number) => model.assign(calib.features, { perUser: 1 / (1 + lambda) });
    const cal = await calibrateSpend(byPrice, calib, 0.08, { lo: 0, hi: 100, direction: 'decreasing' });
    expect(cal.spend).toBeLessThanOrEqual(0.08);
    expect(cal.spend).toBeGreaterThan(0.08 * 0.99);
    expect(cal.parameter).toBeGreaterThan(0);
    // Giving everyone the arm spends less than a target above it: the cheapest-price end is returned.
    const most = await calibrateSpend(byPrice, calib, 5, { lo: 0, hi: 100, direction: 'decreasing' });
    expect(most.parameter).toBe(0);
    const none = await calibrateSpend(byPrice, calib, 0.001, { lo: 0, hi: 1, direction: 'decreasing' });
    expect(none.feasible).toBe(false);
    await expect(calibrateSpend(byPrice, calib, 0.2, { hi: -1 })).rejects.toBeInstanceOf(ValidationError);
  });
});
