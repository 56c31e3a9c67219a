import { describe, expect, it } from 'vitest';
import { simulateCouponTrial } from '../../src/sim/simulator.js';
import { oracleAssign, trueValue } from '../../src/sim/truth.js';

describe('simulateCouponTrial', () => {
  it('is reproducible by seed and differs across seeds', () => {
    const a = simulateCouponTrial({ nTrain: 2000, nTest: 500, seed: 11 });
    const b = simulateCouponTrial({ nTrain: 2000, nTest: 500, seed: 11 });
    const c = simulateCouponTrial({ nTrain: 2000, nTest: 500, seed: 12 });
    expect(Array.from(a.train.features)).toEqual(Array.from(b.train.features));
    expect(Array.from(a.train.response)).toEqual(Array.from(b.train.response));
    expect(Array.from(a.truth.response)).toEqual(Array.from(b.truth.response));
    expect(Array.from(a.train.features)).not.toEqual(Array.from(c.train.features));
  });

  it('has sampled per-arm means that agree with its truth within sampling error', () => {
    const { test, truth } = simulateCouponTrial({ nTrain: 10, nTest: 100_000, seed: 5 });
    const m = truth.m;
    for (let j = 0; j < m; j++) {
      let n = 0;
      let y = 0;
      let c = 0;
      let ey = 0;
      let ec = 0;
      for (let i = 0; i < test.n; i++) {
        if (test.treatment[i] !== j) continue;
        n++;
        y += test.response[i] as number;
        c += test.cost[i] as number;
        ey += truth.response[i * m + j] as number;
        ec += truth.cost[i * m + j] as number;
      }
      const p = ey / n;
      const seY = Math.sqrt((p * (1 - p)) / n);
      expect(Math.abs(y / n - p)).toBeLessThan(4 * seY);
      const v = truth.couponValues[j - 1] ?? 0;
      const seC = v * seY;
      expect(Math.abs(c / n - ec / n)).toBeLessThanOrEqual(4 * seC + 1e-12);
    }
  });

  it('is monotone in the incentive for every user', () => {
    const { truth } = simulateCouponTrial({ nTrain: 10, nTest: 2000, seed: 2 });
    for (let i = 0; i < truth.n; i++) {
      for (let j = 1; j < truth.m; j++) {
        expect(truth.response[i * truth.m + j]).toBeGreaterThan(truth.response[i * truth.m + j - 1] as number);
        expect(truth.cost[i * truth.m + j]).toBeGreaterThan(truth.cost[i * truth.m + j - 1] as number);
      }
    }
  });

  it('adds label noise to training labels only and keeps the truth clean', () => {
    const clean = simulateCouponTrial({ nTrain: 20_000, nTest: 100, seed: 9 });
    const noisy = simulateCouponTrial({ nTrain: 20_000, nTest: 100, seed: 9, labelNoise: 0.4 });
    expect(Array.from(noisy.truth.response)).toEqual(Array.from(clean.truth.response));
    let diff = 0;
    for (let i = 0; i < clean.train.n; i++) if (clean.train.response[i] !== noisy.train.response[i]) diff++;
    expect(diff / clean.train.n).toBeGreaterThan(0.05);
    expect(diff / clean.train.n).toBeLessThan(0.4);
  });

  it('rejects bad options with the option named', () => {
    expect(() => simulateCouponTrial({ labelNoise: 1.5 })).toThrow(/labelNoise/);
    expect(() => simulateCouponTrial({ couponValues: [2, 1] })).toThrow(/couponValues/);
    expect(() => simulateCouponTrial({ d: 3 })).toThrow(/at least 6/);
  });
});

describe('oracleAssign and trueValue', () => {
  const { truth } = simulateCouponTrial({ nTrain: 10, nTest: 5000, seed: 4 });
  it('stays within budget and gains value as the budget grows', () => {
    let last = -Infinity;
    for (const b of [0, 0.1, 0.3, 0.6, 1.0]) {
      const v = trueValue(truth, oracleAssign(truth, { perUser: b }));
      expect(v.cost).toBeLessThanOrEqual(b + 1e-9);
      expect(v.response).toBeGreaterThanOrEqual(last);
      last = v.response;
    }
  });
  it('beats any single arm given to everyone at that arm own cost (up to one user of rounding)', () => {
    for (let j = 1; j < truth.m; j++) {
      const uniform = new Int32Array(truth.n).fill(j);
      const u = trueValue(truth, uniform);
      const o = trueValue(truth, oracleAssign(truth, { perUser: u.cost }));
      expect(o.response).toBeGreaterThanOrEqual(u.response - 1 / truth.n);
    }
  });
});
