import { describe, expect, it } from 'vitest';
import { effectAt, fitEffectMap } from '../../src/baselines/bins.js';
import { RandomAllocator, UniformBest } from '../../src/baselines/references.js';
import { RNG } from '../../src/core/rng.js';
import { createDataset } from '../../src/data/dataset.js';

/** A trial with three arms: arm 1 lifts response by 0.1 for cost 1, arm 2 by 0.15 for cost 3. */
function trial(n: number) {
  const rng = new RNG(3);
  const treatment = Array.from({ length: n }, (_, i) => i % 3);
  const response = treatment.map((t) => (rng.next() < ([0.2, 0.3, 0.35][t] as number) ? 1 : 0));
  const cost = treatment.map((t) => [0, 1, 3][t] as number);
  const features = Array.from({ length: n }, () => [rng.normal(), rng.normal()]);
  return createDataset({ features, treatment, treatmentNames: ['c', 'a', 'b'], response, cost });
}

describe('reference allocators', () => {
  it('UniformBest picks the arm with the best yield at each budget and mixes it with control', async () => {
    const data = trial(30_000);
    const ub = await new UniformBest({ seed: 1 }).fit(data);
    // Budget 0.5: arm 1 reaches half the users (0.05), arm 2 a sixth (0.025).
    expect(ub.bestArm(0.5)).toBe(1);
    // Budget 3: everyone can get arm 2 (0.15) or arm 1 (0.1).
    expect(ub.bestArm(3)).toBe(2);
    const arms = await ub.assign(data.features, { perUser: 0.5 });
    const share = arms.filter((a) => a === 1).length / data.n;
    expect(share).toBeGreaterThan(0.47);
    const armCost = (await ub.predictCosts(data.features))[1] as number;
    expect(share).toBeLessThanOrEqual(0.5 / armCost + 1e-9);
    expect(arms.every((a) => a === 0 || a === 1)).toBe(true);
  });

  it('RandomAllocator spreads treatment arms evenly and stops at the budget', async () => {
    const data = trial(3000);
    const ra = await new RandomAllocator({ seed: 2 }).fit(data);
    const arms = await ra.assign(data.features, { perUser: 1 });
    const cost = await ra.expectedCost(data.features, arms);
    expect(cost).toBeLessThanOrEqual(data.n);
    expect(cost).toBeGreaterThan(data.n - 3.5);
    const n1 = arms.filter((a) => a === 1).length;
    const n2 = arms.filter((a) => a === 2).length;
    expect(Math.abs(n1 - n2) / (n1 + n2)).toBeLessThan(0.15);
  });

  it('fitEffectMap recovers per-bin effects and keeps the ROI non-decreasing in the score', () => {
    const n = 20_000;
    const rng = new RNG(9);
    const score = Float64Array.from({ length: n }, () => rng.next());
    const treatment = Int32Array.from({ length: n }, (_, i) => i % 2);
    // Uplift rises with the score: 0.05 + 0.2 * score; cost 1 when treated.
    const response = Float32Array.from({ length: n }, (_, i) =>
      rng.next() < 0.2 + (treatment[i] === 1 ? 0.05 + 0.2 * (score[i] as number) : 0) ? 1 : 0,
    );
    const cost = Float32Array.from(treatment);
    const map = fitEffectMap({ score, treatment, response, cost, propensity: new Float32Array(n).fill(0.5) }, 1, 0, 8);
    for (let b = 1; b < map.roi.length; b++)
      expect(map.roi[b] as number).toBeGreaterThanOrEqual(map.roi[b - 1] as number);
    expect(effectAt(map, 0.9).roi).toBeGreaterThan(effectAt(map, 0.1).roi + 0.08);
    expect(effectAt(map, 0.5).cost).toBeCloseTo(1, 6);
    expect(effectAt(map, 0.5).roi).toBeCloseTo(0.15, 1);
  });
});
