import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { createDataset } from '../../src/data/dataset.js';
import { qini } from '../../src/eval/qini.js';
import { aucc } from '../../src/eval/ranking.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';

/** A two-arm coupon trial and each test user's true ROI and uplift. */
function twoArm(seed: number, nTest = 20_000) {
  const sim = simulateCouponTrial({ nTrain: 10, nTest, couponValues: [2], seed });
  const roi = new Float64Array(nTest);
  const uplift = new Float64Array(nTest);
  for (let i = 0; i < nTest; i++) {
    const dr = (sim.truth.response[i * 2 + 1] as number) - (sim.truth.response[i * 2] as number);
    const dc = (sim.truth.cost[i * 2 + 1] as number) - (sim.truth.cost[i * 2] as number);
    roi[i] = dr / dc;
    uplift[i] = dr;
  }
  return { ...sim, roi, uplift };
}

describe('aucc', () => {
  const { test, roi } = twoArm(21);
  const random = Float64Array.from(
    { length: test.n },
    (() => {
      const r = new Rng(5);
      return () => r.next();
    })(),
  );

  it('scores a perfect ROI ranking well above a random one, which is about 0.5', () => {
    const perfect = aucc(roi, test);
    const rnd = aucc(random, test);
    expect(perfect.area).toBeGreaterThan(0.55);
    expect(Math.abs(rnd.area - 0.5)).toBeLessThan(0.02);
    expect(perfect.area).toBeGreaterThan(rnd.area + 0.04);
    // Reversing the ranking is worse than random.
    expect(
      aucc(
        roi.map((v) => -v),
        test,
      ).area,
    ).toBeLessThan(0.45);
  });

  it('estimates the area the ranking has on the true effects', () => {
    const { truth } = twoArm(21);
    const order = Array.from({ length: test.n }, (_, i) => i).sort((a, b) => (roi[b] as number) - (roi[a] as number));
    const dr = (i: number) => (truth.response[i * 2 + 1] as number) - (truth.response[i * 2] as number);
    const dc = (i: number) => (truth.cost[i * 2 + 1] as number) - (truth.cost[i * 2] as number);
    const totR = order.reduce((s, i) => s + dr(i), 0);
    const totC = order.reduce((s, i) => s + dc(i), 0);
    let x = 0;
    let y = 0;
    let area = 0;
    for (const i of order) {
      const nx = x + dc(i) / totC;
      const ny = y + dr(i) / totR;
      area += ((nx - x) * (ny + y)) / 2;
      x = nx;
      y = ny;
    }
    expect(Math.abs(aucc(roi, test).area - area)).toBeLessThan(0.015);
  });

  it('runs from (0, 0) to (1, 1), and gives exactly 0.5 when every score ties', () => {
    const r = aucc(roi, test, { points: 11 });
    expect(r.curve.length).toBe(11);
    expect(r.curve[0]).toEqual({ fraction: 0, x: 0, y: 0 });
    const last = r.curve[r.curve.length - 1];
    expect(last?.fraction).toBe(1);
    expect(last?.x).toBeCloseTo(1, 12);
    expect(last?.y).toBeCloseTo(1, 12);
    expect(aucc(new Float64Array(test.n), test).area).toBeCloseTo(0.5, 12);
  });

  it('needs the arm on multi-arm data and names bad scores', () => {
    const multi = simulateCouponTrial({ nTrain: 10, nTest: 200, seed: 1 }).test;
    expect(() => aucc(new Float64Array(200), multi)).toThrow(ValidationError);
    expect(() => aucc(new Float64Array(200), multi)).toThrow(/^arm:/);
    expect(aucc(new Float64Array(200), multi, { arm: 2 }).area).toBeCloseTo(0.5, 12);
    expect(() => aucc(new Float64Array(5), test)).toThrow(/^scores: expected 20000 scores/);
    const bad = new Float64Array(test.n);
    bad[3] = Number.NaN;
    expect(() => aucc(bad, test)).toThrow(/^scores\.3:/);
    expect(() => aucc(roi, multi, { arm: 7 })).toThrow(/^arm:/);
  });
});

describe('qini', () => {
  it('matches a hand-computed curve', () => {
    const data = createDataset({
      features: [[0], [0], [0], [0]],
      treatment: [1, 0, 1, 0],
      treatmentNames: ['control', 'treat'],
      response: [1, 0, 0, 1],
      cost: [1, 0, 1, 0],
    });
    const q = qini([3, 2, 1, 0], data);
    // Q(k) = Y_T - Y_C N_T / N_C: 1, 1, 1, 0 at k = 1..4 (no control term before the first control row); / n = 4.
    expect(q.curve.map((p) => p.y)).toEqual([0, 0.25, 0.25, 0.25, 0]);
    expect(q.area).toBeCloseTo(0.1875, 12);
  });

  it('orders perfect > true uplift > random, with random near 0', () => {
    const { test, uplift } = twoArm(22);
    const rng = new Rng(3);
    const random = Float64Array.from({ length: test.n }, () => rng.next());
    const model = qini(uplift, test);
    const rnd = qini(random, test);
    expect(model.coefficient).toBeGreaterThan(rnd.coefficient);
    expect(model.coefficient).toBeGreaterThan(0);
    expect(model.coefficient).toBeLessThan(1);
    expect(Math.abs(rnd.coefficient)).toBeLessThan(0.1);
  });
});
