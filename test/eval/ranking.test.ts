import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { RNG } from '../../src/core/rng.js';
import { createDataset } from '../../src/data/dataset.js';
import { aucc } from '../../src/eval/aucc.js';
import { qini } from '../../src/eval/qini.js';
import { upliftAUC } from '../../src/eval/uplift.js';
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
      const r = new RNG(5);
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
    const rng = new RNG(3);
    const random = Float64Array.from({ length: test.n }, () => rng.next());
    const model = qini(uplift, test);
    const rnd = qini(random, test);
    expect(model.coefficient).toBeGreaterThan(rnd.coefficient);
    expect(model.coefficient).toBeGreaterThan(0);
    expect(model.coefficient).toBeLessThan(1);
    expect(Math.abs(rnd.coefficient)).toBeLessThan(0.1);
  });
});

/**
 * Six rows by decreasing score: treated responder, control non-responder, treated non-responder, control responder,
 * treated responder, control non-responder. Treated rows cost 1, control rows 0.
 */
const six = () =>
  createDataset({
    features: [[0], [0], [0], [0], [0], [0]],
    treatment: [1, 0, 1, 0, 1, 0],
    treatmentNames: ['control', 'treat'],
    response: [1, 0, 0, 1, 1, 0],
    cost: [1, 0, 1, 0, 1, 0],
  });
const sixScores = [6, 5, 4, 3, 2, 1];

describe('aucc definitions', () => {
  it("computes DFCL's figure by hand: cost-quantile points, sum over dR (Q + 1)", () => {
    // dC(k) = treated cost among the top k / 3, dR(k) = treated responders / 3 - control responders / 3; in total
    // dC = 1 and dR = 1/3. Q = 3: dC first reaches 1/3 at k = 1 (dR 1/3), 2/3 at k = 3 (dR 1/3); the end has dR 1/3. Sum 1, over
    // (1/3) x 4 = 0.75.
    const r = aucc(sixScores, six(), { definition: 'dfcl', quantiles: 3 });
    expect(r.definition).toBe('dfcl');
    expect(r.area).toBeCloseTo(0.75, 12);
    expect(r.curve.map((p) => p.fraction)).toEqual([0, 1 / 6, 3 / 6, 1]);
    expect(r.curve.map((p) => p.x)).toEqual([0, 1 / 3, 2 / 3, 1]);
    expect(r.curve.map((p) => p.y)).toEqual([0, 1, 1, 1]);
    expect(r.totalIncrementalResponse).toBeCloseTo(1 / 3, 12);
    expect(r.totalIncrementalCost).toBeCloseTo(1, 12);
    // The library's definition on the same ranking: every point, means x k, trapezoid: 19/36.
    const own = aucc(sixScores, six());
    expect(own.definition).toBe('library');
    expect(own.area).toBeCloseTo(19 / 36, 12);
    expect(aucc(sixScores, six(), { definition: 'library' }).area).toBe(own.area);
  });

  it('gives about 0.5 for random and tied rankings, more for the true ROI, and ignores row order within ties', () => {
    const { test, roi } = twoArm(21);
    const rng = new RNG(5);
    const random = Float64Array.from({ length: test.n }, () => rng.next());
    expect(Math.abs(aucc(random, test, { definition: 'dfcl' }).area - 0.5)).toBeLessThan(0.03);
    expect(Math.abs(aucc(new Float64Array(test.n), test, { definition: 'dfcl' }).area - 0.5)).toBeLessThan(0.002);
    expect(aucc(roi, test, { definition: 'dfcl' }).area).toBeGreaterThan(aucc(random, test).area + 0.04);
    // Coarse scores (10 tied levels): the same rows in reverse order give the same figure.
    const coarse = Float64Array.from(roi, (v) => Math.round(v * 10));
    const n = test.n;
    const rev = <T extends Float32Array | Int32Array>(a: T): T => a.slice().reverse() as T;
    const reversed = createDataset({
      features: rev(test.features),
      d: test.d,
      treatment: rev(test.treatment),
      treatmentNames: test.treatmentNames,
      response: rev(test.response),
      cost: rev(test.cost),
    });
    const a = aucc(coarse, test, { definition: 'dfcl' }).area;
    const b = aucc(coarse.slice().reverse(), reversed, { definition: 'dfcl' }).area;
    expect(b).toBeCloseTo(a, 10);
    expect(n).toBe(reversed.n);
  });

  it("matches DFCL's row-by-row rule on untied scores", () => {
    const { test, roi } = twoArm(24, 3000);
    const rng = new RNG(8);
    const scores = Float64Array.from(roi, (v) => v + 1e-3 * rng.next()); // distinct
    const order = Array.from({ length: test.n }, (_, i) => i).sort(
      (a, b) => (scores[b] as number) - (scores[a] as number),
    );
    let nT = 0;
    let nC = 0;
    for (const i of order) test.treatment[i] === 1 ? nT++ : nC++;
    const mean = (col: Float32Array, arm: number) =>
      order.filter((i) => test.treatment[i] === arm).reduce((s, i) => s + (col[i] as number), 0) /
      (arm === 1 ? nT : nC);
    const totR = mean(test.response, 1) - mean(test.response, 0);
    const totC = mean(test.cost, 1) - mean(test.cost, 0);
    for (const q of [5, 20]) {
      let cT = 0;
      let cC = 0;
      let rT = 0;
      let rC = 0;
      let j = 1;
      let sum = 0;
      order.forEach((i, r) => {
        if (test.treatment[i] === 1) {
          cT += test.cost[i] as number;
          rT += test.response[i] as number;
        } else {
          cC += test.cost[i] as number;
          rC += test.response[i] as number;
        }
        if (r === order.length - 1 || (j < q && cT / nT - cC / nC >= (totC / q) * j)) {
          sum += rT / nT - rC / nC;
          j++;
        }
      });
      expect(aucc(scores, test, { definition: 'dfcl', quantiles: q }).area).toBeCloseTo(sum / (totR * (q + 1)), 9);
    }
  });

  it('rejects a bad definition or number of quantiles', () => {
    expect(() => aucc(sixScores, six(), { definition: 'paper' as 'dfcl' })).toThrow(ValidationError);
    expect(() => aucc(sixScores, six(), { definition: 'paper' as 'dfcl' })).toThrow(/^definition: expected one of/);
    expect(() => aucc(sixScores, six(), { definition: 'dfcl', quantiles: 0 })).toThrow(/^quantiles:/);
    expect(() => aucc(sixScores, six(), { definition: 'dfcl', quantiles: 2.5 })).toThrow(/^quantiles:/);
  });
});

describe('scikit-uplift metrics', () => {
  it('uplift AUC matches uplift_auc_score by hand', () => {
    // U(k) = (rate_T - rate_C) k, a rate of an empty arm = 0: 1, 2, 1.5, 0, 5/6, 2 (area 19/3, random 6).
    // Perfect: control responders (1) do not outnumber treated non-responders (1), so the score is 2 [y = t] + t:
    // blocks {TR, TR}, {CN, CN}, {TN}, {CR} give 2, 4, 10/3, 2 at k = 2, 4, 5, 6 (area 43/3). (1/3) / (25/3) = 0.04.
    const r = upliftAUC(sixScores, six());
    expect(r.score).toBeCloseTo(0.04, 12);
    expect(r.area).toBeCloseTo(1 / 3 / 36, 12);
    expect(r.curve.map((p) => p.y * 6)).toEqual([0, 1, 2, 1.5, 0, 5 / 6, 2].map((v) => expect.closeTo(v, 12)));
    // When control responders outnumber treated non-responders the perfect score is 2 [y = t] + y.
    const data = createDataset({
      features: [[0], [0], [0], [0], [0]],
      treatment: [1, 0, 0, 1, 0],
      treatmentNames: ['control', 'treat'],
      response: [1, 1, 1, 0, 0],
      cost: [0, 0, 0, 0, 0],
    });
    // Model scores rank: T1, C1, C1, T0, C0. U: 1, (1 - 1) 2 = 0, (1 - 1) 3 = 0, (1/2 - 1) 4 = -2, (1/2 - 2/3) 5 = -5/6.
    // Area: 0.5 + 0.5 + 0 - 1 - 17/12 = -17/12; random: 0.5 x 5 x (-5/6) = -25/12; actual - random = 8/12.
    // Perfect (2 [y = t] + y): T1 = 3, C0 = 2, C1 = C1 = 1, T0 = 0 -> k = 1: 1; k = 2: (1 - 0) 2 = 2;
    // k = 4: (1 - 2/3) 4 = 4/3; k = 5: -5/6.
    const perfectArea = 0.5 * 1 + 0.5 * (1 + 2) + (2 * (2 + 4 / 3)) / 2 + 0.5 * (4 / 3 - 5 / 6);
    const u = upliftAUC([5, 4, 3, 2, 1], data);
    expect(u.score).toBeCloseTo(8 / 12 / (perfectArea + 25 / 12), 12);
  });

  it('uplift AUC treats tied scores as one block and needs a binary response', () => {
    expect(upliftAUC([1, 1, 1, 1, 1, 1], six()).score).toBeCloseTo(0, 12);
    // Tied top pair: the block {TR, CN} enters at once, the curve skips k = 1.
    expect(upliftAUC([6, 6, 4, 3, 2, 1], six()).curve.map((p) => p.fraction)).toEqual(
      [0, 2, 3, 4, 5, 6].map((k) => k / 6),
    );
    const cont = createDataset({
      features: [[0], [0]],
      treatment: [1, 0],
      treatmentNames: ['control', 'treat'],
      response: [2.5, 0],
      cost: [0, 0],
    });
    expect(() => upliftAUC([1, 0], cont)).toThrow(ValidationError);
    expect(() => upliftAUC([1, 0], cont)).toThrow(/^test\.response\.0: upliftAUC needs a binary/);
    expect(() => qini([1, 0], cont, { negativeEffect: false })).toThrow(/^test\.response\.0:/);
    expect(qini([1, 0], cont).coefficient).toBeTypeOf('number'); // the default Qini takes any response
  });

  it('Qini AUC matches qini_auc_score with and without negative effects by hand', () => {
    // Q(k) = Y_T - Y_C N_T / N_C: 1, 1, 1, 0, 0.5, 1 (area 4, random 3).
    // negative_effect = False: perfect (0, 0) -> (1, 1) -> (6, 1), area 5.5: (4 - 3) / (5.5 - 3) = 0.4.
    const noNeg = qini(sixScores, six(), { negativeEffect: false });
    expect(noNeg.coefficient).toBeCloseTo(0.4, 12);
    expect(noNeg.area).toBeCloseTo(1 / 36, 12);
    // negative_effect = True: perfect score y (treated), -y (control): blocks {TR, TR}, {CN, TN, CN}, {CR} give
    // 2, 2, 1 at k = 2, 5, 6 (area 9.5): 1 / 6.5.
    expect(qini(sixScores, six()).coefficient).toBeCloseTo(2 / 13, 12);
    expect(qini(sixScores, six(), { negativeEffect: true }).coefficient).toBeCloseTo(2 / 13, 12);
    expect(() => qini(sixScores, six(), { negativeEffect: 'no' as unknown as boolean })).toThrow(/^negativeEffect:/);
  });

  it('orders the true uplift above random on the simulator and gives NaN without a positive total', () => {
    const sim = simulateCouponTrial({ nTrain: 10, nTest: 20_000, couponValues: [2], seed: 23 });
    const uplift = Float64Array.from({ length: sim.test.n }, (_, i) => {
      return (sim.truth.response[i * 2 + 1] as number) - (sim.truth.response[i * 2] as number);
    });
    const rng = new RNG(4);
    const random = Float64Array.from({ length: sim.test.n }, () => rng.next());
    const model = upliftAUC(uplift, sim.test).score;
    const rnd = upliftAUC(random, sim.test).score;
    expect(model).toBeGreaterThan(rnd + 0.02);
    expect(Math.abs(rnd)).toBeLessThan(0.05);
    expect(qini(uplift, sim.test, { negativeEffect: false }).coefficient).toBeGreaterThan(
      qini(random, sim.test, { negativeEffect: false }).coefficient + 0.02,
    );
    const hurt = createDataset({
      features: [[0], [0], [0], [0]],
      treatment: [1, 0, 1, 0],
      treatmentNames: ['control', 'treat'],
      response: [0, 1, 0, 1],
      cost: [0, 0, 0, 0],
    });
    expect(qini([4, 3, 2, 1], hurt, { negativeEffect: false }).coefficient).toBeNaN();
  });
});
