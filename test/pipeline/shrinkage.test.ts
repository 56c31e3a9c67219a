import { describe, expect, it } from 'vitest';
import { RNG } from '../../src/core/rng.js';
import { createDataset, type RCTDataset } from '../../src/data/dataset.js';
import { groupPredictedUplift, shrinkGroupUplift } from '../../src/pipeline/shrinkage.js';
import { GroupStats } from '../../src/solver/group-stats.js';

/** A two-arm trial of `k` groups of `size` rows: binary response, control rate 0.1, true uplift `uplift[g]`. */
function trial(uplift: number[], size: number, seed: number): { data: RCTDataset; groups: Int32Array } {
  const rng = new RNG(seed);
  const rows: { g: number; t: number; y: number }[] = [];
  uplift.forEach((u, g) => {
    for (let i = 0; i < size; i++) {
      const t = i % 2;
      rows.push({ g, t, y: rng.next() < 0.1 + t * u ? 1 : 0 });
    }
  });
  const data = createDataset({
    features: rows.map((r) => [r.g]),
    treatment: rows.map((r) => r.t),
    treatmentNames: ['control', 'promo'],
    response: rows.map((r) => r.y),
    cost: rows.map((r) => r.t * 0.5),
  });
  return { data, groups: Int32Array.from(rows, (r) => r.g) };
}

const upliftOf = (s: GroupStats, g: number) => s.uplift(g, 1).response;

describe('GroupStats.withPseudoRows', () => {
  it('moves a cell mean by the pseudo-rows weight and keeps real row counts', () => {
    const { data, groups } = trial([0.1, 0.2], 400, 1);
    const s = GroupStats.from(data, { groups, k: 2, ipw: false, replicates: 4 });
    const before = s.cell(1, 1);
    const out = s.withPseudoRows([{ group: 1, arm: 1, weight: before.weight, response: 1, cost: 0.5 }]);
    const after = out.cell(1, 1);
    expect(after.count).toBe(before.count);
    expect(after.response).toBeCloseTo((before.response + 1) / 2, 12);
    expect(after.cost).toBeCloseTo(0.5, 12);
    expect(out.cell(0, 1).response).toBe(s.cell(0, 1).response);
    // Every bootstrap replicate sees the same pseudo-rows.
    const r0 = s.replicateMeans(0).response[3] as number;
    expect(out.replicateMeans(0).response[3] as number).toBeGreaterThan(r0);
    expect(() => s.withPseudoRows([{ group: 0, arm: 1, weight: Number.NaN, response: 0, cost: 0 }])).toThrow(/finite/);
  });
});

/** Standard deviation over the bootstrap replicates of one cell's response and cost means. */
function replicateSd(s: GroupStats, g: number, j: number): { response: number; cost: number } {
  const c = g * s.m + j;
  const ys: number[] = [];
  const cs: number[] = [];
  for (let r = 0; r < s.replicates; r++) {
    const rep = s.replicateMeans(r);
    ys.push(rep.response[c] as number);
    cs.push(rep.cost[c] as number);
  }
  const sd = (xs: number[]) => {
    const mu = xs.reduce((a, b) => a + b, 0) / xs.length;
    return Math.sqrt(xs.reduce((a, b) => a + (b - mu) ** 2, 0) / (xs.length - 1));
  };
  return { response: sd(ys), cost: sd(cs) };
}

describe('GroupStats.withCellMeans', () => {
  it('recentres a cell, scales its sampling spread and leaves what it is not given alone', () => {
    const { data, groups } = trial([0.1, 0.2], 400, 4);
    // Treated rows pay 1 on a response, so cost varies within the arm.
    const d2 = { ...data, cost: Float32Array.from(data.response, (y, i) => (data.treatment[i] === 1 ? y : 0)) };
    const s = GroupStats.from(d2, { groups, k: 2, ipw: false, replicates: 50 });
    const out = s.withCellMeans([{ group: 1, arm: 1, response: 0.5, responseSpread: 0.5 }]);
    const a = s.cell(1, 1);
    const b = out.cell(1, 1);
    expect(b.response).toBeCloseTo(0.5, 12);
    expect(b.cost).toBeCloseTo(a.cost, 12);
    expect(b.weight).toBe(a.weight);
    expect(b.count).toBe(a.count);
    expect(b.seResponse).toBeCloseTo(0.5 * a.seResponse, 12);
    expect(b.seCost).toBeCloseTo(a.seCost, 12);
    expect(b.covResponseCost).toBeCloseTo(0.5 * a.covResponseCost, 12);
    const before = replicateSd(s, 1, 1);
    const after = replicateSd(out, 1, 1);
    expect(after.response).toBeCloseTo(0.5 * before.response, 10);
    expect(after.cost).toBeCloseTo(before.cost, 10);
    for (let r = 0; r < 50; r++)
      expect(out.replicateMeans(r).cost[3]).toBeCloseTo(s.replicateMeans(r).cost[3] as number, 12);
    expect(out.cell(0, 1).response).toBe(s.cell(0, 1).response);
    expect(() => s.withCellMeans([{ group: 0, arm: 1, response: Number.NaN }])).toThrow(/finite/);
    expect(() => s.withCellMeans([{ group: 0, arm: 1, costSpread: -1 }])).toThrow(/spreads >= 0/);
  });
});

describe('shrinkGroupUplift', () => {
  it('lowers the error of noisy group uplifts against the truth (pooled and model priors)', () => {
    // 24 groups whose true uplifts spread around 0.05; 300 rows each, so each group's estimate is noisy.
    const rng = new RNG(7);
    const truth = Array.from({ length: 24 }, () => 0.05 + 0.08 * (rng.next() - 0.5));
    let rawErr = 0;
    let pooledErr = 0;
    let modelErr = 0;
    let slope = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const { data, groups } = trial(truth, 600, seed);
      const s = GroupStats.from(data, { groups, k: truth.length, ipw: false });
      // A model that knows the ranking but not the scale: predicted uplift 2 x truth - 0.05.
      const pred = { response: new Float32Array(data.n * 2), cost: new Float32Array(data.n * 2) };
      for (let i = 0; i < data.n; i++) pred.response[i * 2 + 1] = 2 * (truth[groups[i] as number] as number) - 0.05;
      const predicted = groupPredictedUplift(pred, 2, groups, truth.length);
      const pooled = shrinkGroupUplift(s, predicted, 'pooled', 1);
      const model = shrinkGroupUplift(s, predicted, 'model', 1);
      slope += (model.fits.find((f) => f.outcome === 'response')?.slope as number) / 6;
      truth.forEach((u, g) => {
        rawErr += (upliftOf(s, g) - u) ** 2;
        pooledErr += (upliftOf(pooled.stats, g) - u) ** 2;
        modelErr += (upliftOf(model.stats, g) - u) ** 2;
      });
    }
    // The truth is (prediction + 0.05) / 2: the fitted line recovers the scale.
    expect(slope).toBeGreaterThan(0.3);
    expect(slope).toBeLessThan(0.7);
    expect(pooledErr).toBeLessThan(0.9 * rawErr);
    expect(modelErr).toBeLessThan(pooledErr);
  });

  it('leaves well-measured, truly different groups almost as they are', () => {
    const truth = [0, 0.1, 0.2, 0.3];
    const { data, groups } = trial(truth, 20_000, 3);
    const s = GroupStats.from(data, { groups, k: 4, ipw: false });
    const pred = { response: new Float32Array(data.n * 2), cost: new Float32Array(data.n * 2) };
    const { stats, fits } = shrinkGroupUplift(s, groupPredictedUplift(pred, 2, groups, 4), 'pooled', 1);
    expect(fits.find((f) => f.outcome === 'response')?.meanShrink).toBeLessThan(0.02);
    for (let g = 0; g < 4; g++) expect(Math.abs(upliftOf(stats, g) - upliftOf(s, g))).toBeLessThan(0.002);
  });

  it('keeps shrunk means within the range of the trial cell means (no negative cost)', () => {
    const { data, groups } = trial([0.02, 0.02, 0.02, 0.02], 200, 5);
    // Costs: 0 in control, 0 or 1 in treated cells by group, noisy enough to be shrunk.
    const cost = Float32Array.from(data.treatment, (t, i) =>
      t === 1 && (groups[i] as number) >= 2 && i % 3 === 0 ? 1 : 0,
    );
    const d2 = { ...data, cost };
    const s = GroupStats.from(d2, { groups, k: 4, ipw: false });
    // A model whose predicted cost uplift would pull groups 0 and 1 far below zero.
    const pred = { response: new Float32Array(data.n * 2), cost: new Float32Array(data.n * 2) };
    for (let i = 0; i < data.n; i++) pred.cost[i * 2 + 1] = (groups[i] as number) >= 2 ? 1 : -5;
    const { stats } = shrinkGroupUplift(s, groupPredictedUplift(pred, 2, groups, 4), 'model', 1, { cost: true });
    for (let g = 0; g < 4; g++) {
      for (let j = 0; j < 2; j++) expect(stats.cell(g, j).cost).toBeGreaterThanOrEqual(-1e-12);
      expect(stats.cell(g, 1).response).toBeGreaterThanOrEqual(0);
    }
  });

  it('keeps the bootstrap spread of the cost it does not shrink, and narrows the response to the posterior', () => {
    // Noisy groups (200 rows) are shrunk hard; each treated row pays 1 on a response, so cost is noisy too.
    const { data, groups } = trial([0.02, 0.05, 0.03, 0.04, 0.06, 0.01], 200, 6);
    const d2 = { ...data, cost: Float32Array.from(data.response, (y, i) => (data.treatment[i] === 1 ? y : 0)) };
    const s = GroupStats.from(d2, { groups, k: 6, ipw: false, replicates: 100 });
    const pred = { response: new Float32Array(data.n * 2), cost: new Float32Array(data.n * 2) };
    const { stats, fits } = shrinkGroupUplift(s, groupPredictedUplift(pred, 2, groups, 6), 'pooled', 1);
    const B = fits.find((f) => f.outcome === 'response')?.meanShrink as number;
    expect(B).toBeGreaterThan(0.5);
    let ratio = 0;
    for (let g = 0; g < 6; g++) {
      const raw = replicateSd(s, g, 1);
      const shrunk = replicateSd(stats, g, 1);
      // The cost keeps all of its sampling noise (pseudo-observations would have cut it by a factor 1 - B).
      expect(shrunk.cost).toBeCloseTo(raw.cost, 10);
      expect(stats.cell(g, 1).seCost).toBeCloseTo(s.cell(g, 1).seCost, 12);
      ratio += shrunk.response / raw.response / 6;
    }
    expect(ratio).toBeLessThan(1);
    expect(ratio).toBeGreaterThan(Math.sqrt(1 - Math.min(0.95, B + 0.2)) - 1e-9);
  });

  it("is the identity with 'none' and skips arms with fewer than three groups", () => {
    const { data, groups } = trial([0.1, 0.2], 400, 2);
    const s = GroupStats.from(data, { groups, k: 2, ipw: false });
    const pred = { response: new Float32Array(data.n * 2), cost: new Float32Array(data.n * 2) };
    const predicted = groupPredictedUplift(pred, 2, groups, 2);
    expect(shrinkGroupUplift(s, predicted, 'none', 1).stats).toBe(s);
    expect(shrinkGroupUplift(s, predicted, 'pooled', 1).fits).toEqual([]);
  });
});

describe('shrinkGroupUplift variance', () => {
  /** Two arms, `k` groups, no true heterogeneity: spend is 0 but for rare Pareto-sized purchases (heavy tail). */
  function heavyTrial(k: number, size: number, seed: number): { data: RCTDataset; groups: Int32Array } {
    const rng = new RNG(seed);
    const rows: { g: number; t: number; y: number }[] = [];
    for (let g = 0; g < k; g++) {
      for (let i = 0; i < size; i++) {
        const t = i % 2;
        const buys = rng.next() < 0.01 + 0.003 * t;
        rows.push({ g, t, y: buys ? 20 / Math.max(1e-3, rng.next()) ** 0.8 : 0 });
      }
    }
    const data = createDataset({
      features: rows.map((r) => [r.g]),
      treatment: rows.map((r) => r.t),
      treatmentNames: ['control', 'promo'],
      response: rows.map((r) => r.y),
      cost: rows.map((r) => r.t),
    });
    return { data, groups: Int32Array.from(rows, (r) => r.g) };
  }

  it('pooled variance shrinks heavy-tailed group uplifts harder than their own variances do', () => {
    const k = 24;
    let groupErr = 0;
    let pooledErr = 0;
    let groupShrink = 0;
    let pooledShrink = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const { data, groups } = heavyTrial(k, 800, seed);
      const s = GroupStats.from(data, { groups, k, ipw: false });
      const zero = groupPredictedUplift(
        { response: new Float32Array(data.n * 2), cost: new Float32Array(data.n * 2) },
        2,
        groups,
        k,
      );
      const own = shrinkGroupUplift(s, zero, 'pooled', 1, { variance: 'group' });
      const pooled = shrinkGroupUplift(s, zero, 'pooled', 1, { variance: 'pooled' });
      groupShrink += (own.fits[0]?.meanShrink as number) / 6;
      pooledShrink += (pooled.fits[0]?.meanShrink as number) / 6;
      // Every group's true uplift is the same: the spread of the estimates around their mean is pure noise.
      const spread = (st: GroupStats) => {
        const u = Array.from({ length: k }, (_, g) => upliftOf(st, g));
        const mu = u.reduce((a, b) => a + b, 0) / k;
        return u.reduce((a, b) => a + (b - mu) ** 2, 0);
      };
      groupErr += spread(own.stats);
      pooledErr += spread(pooled.stats);
    }
    expect(pooledShrink).toBeGreaterThan(groupShrink);
    expect(pooledErr).toBeLessThan(groupErr);
  });

  it('rejects an unknown variance choice in the pipeline options', async () => {
    const { HRCPipeline } = await import('../../src/pipeline/pipeline.js');
    const { data } = heavyTrial(4, 50, 1);
    await expect(new HRCPipeline({ shrinkageVariance: 'robust' as unknown as 'group' }).fit(data)).rejects.toThrow(
      /shrinkageVariance/,
    );
  });
});

describe('shrinkGroupUplift contrasts between treatment arms', () => {
  /** Control and two treatments; binary response, control rate 0.1, true uplifts `a[g]` and `b[g]`. */
  function threeArm(a: number[], b: number[], size: number, seed: number): { data: RCTDataset; groups: Int32Array } {
    const rng = new RNG(seed);
    const rows: { g: number; t: number; y: number }[] = [];
    a.forEach((ua, g) => {
      for (let i = 0; i < size; i++) {
        const t = i % 3;
        const u = t === 0 ? 0 : t === 1 ? ua : (b[g] as number);
        rows.push({ g, t, y: rng.next() < 0.1 + u ? 1 : 0 });
      }
    });
    const data = createDataset({
      features: rows.map((r) => [r.g]),
      treatment: rows.map((r) => r.t),
      treatmentNames: ['control', 'mail-a', 'mail-b'],
      response: rows.map((r) => r.y),
      cost: rows.map((r) => (r.t > 0 ? 1 : 0)),
    });
    return { data, groups: Int32Array.from(rows, (r) => r.g) };
  }
  const zeroPred = (n: number, k: number, groups: Int32Array) =>
    groupPredictedUplift({ response: new Float32Array(n * 3), cost: new Float32Array(n * 3) }, 3, groups, k);
  /** Groups whose better treatment (by stats) is not the one most groups prefer. */
  const againstMajority = (s: GroupStats, k: number) => {
    const prefersB = Array.from({ length: k }, (_, g) => s.cell(g, 2).response > s.cell(g, 1).response);
    const majority = prefersB.filter(Boolean).length * 2 > k;
    return prefersB.filter((p) => p !== majority).length;
  };

  it('gives every group the same order of arms where the difference does not vary between groups', () => {
    // 20 groups with different responsiveness; arm b is 0.02 better than arm a in every group.
    const a = Array.from({ length: 20 }, (_, g) => 0.02 + 0.004 * g);
    const b = a.map((u) => u + 0.02);
    let rawAgainst = 0;
    let shrunkAgainst = 0;
    let armOnlyAgainst = 0;
    for (let seed = 1; seed <= 4; seed++) {
      const { data, groups } = threeArm(a, b, 1200, seed);
      const s = GroupStats.from(data, { groups, k: 20, ipw: false });
      const predicted = zeroPred(data.n, 20, groups);
      const armOnly = shrinkGroupUplift(s, predicted, 'pooled', 1);
      const out = shrinkGroupUplift(s, predicted, 'pooled', 1, { contrast: 'pooled' });
      const fit = out.fits.find((f) => f.contrastTo !== undefined);
      expect(fit?.arm).not.toBe(fit?.contrastTo);
      expect(fit?.meanShrink).toBeGreaterThan(0.5);
      rawAgainst += againstMajority(s, 20);
      armOnlyAgainst += againstMajority(armOnly.stats, 20);
      shrunkAgainst += againstMajority(out.stats, 20);
      // The reference arm's uplifts are those of the per-arm shrinkage.
      const ref = fit?.contrastTo as number;
      for (let g = 0; g < 20; g++) {
        expect(out.stats.uplift(g, ref).response).toBeCloseTo(armOnly.stats.uplift(g, ref).response, 10);
      }
    }
    expect(rawAgainst).toBeGreaterThan(8);
    expect(shrunkAgainst).toBeLessThan(rawAgainst / 4);
    expect(shrunkAgainst).toBeLessThan(armOnlyAgainst);
  });

  it('keeps differences that are real and well measured', () => {
    // Half the groups prefer arm a by 0.1, half arm b by 0.1; 30,000 rows per group.
    const a = [0.2, 0.2, 0.2, 0.1, 0.1, 0.1];
    const b = [0.1, 0.1, 0.1, 0.2, 0.2, 0.2];
    const { data, groups } = threeArm(a, b, 30_000, 9);
    const s = GroupStats.from(data, { groups, k: 6, ipw: false });
    const out = shrinkGroupUplift(s, zeroPred(data.n, 6, groups), 'none', 1, { contrast: 'pooled' });
    expect(out.fits.find((f) => f.contrastTo !== undefined)?.meanShrink).toBeLessThan(0.05);
    for (let g = 0; g < 6; g++) {
      for (const j of [1, 2])
        expect(Math.abs(out.stats.uplift(g, j).response - s.uplift(g, j).response)).toBeLessThan(0.005);
      expect(out.stats.cell(g, 1).response > out.stats.cell(g, 2).response).toBe(g < 3);
    }
  });
});
