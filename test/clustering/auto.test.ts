import { describe, expect, it } from 'vitest';
import { HiddenClusterer, type KScorerContext } from '../../src/clustering/index.js';
import { ValidationError } from '../../src/core/errors.js';
import { matrix } from '../../src/core/matrix.js';
import { createDataset } from '../../src/data/dataset.js';
import { simulateCouponTrial } from '../../src/sim/index.js';
import { mixture } from './helpers.js';

/** A trial over mixture rows: arm by row index, response and cost irrelevant for a fake scorer. */
function trialFor(n: number, m: number) {
  return createDataset({
    features: new Float32Array(n),
    d: 1,
    treatment: Int32Array.from({ length: n }, (_, i) => i % m),
    treatmentNames: Array.from({ length: m }, (_, j) => `arm${j}`),
    response: Float32Array.from({ length: n }, (_, i) => ((i * 7) % 3 === 0 ? 1 : 0)),
    cost: Float32Array.from({ length: n }, (_, i) => i % m),
  });
}

describe("HiddenClusterer with k: 'auto'", () => {
  it('takes the smallest K within one standard error of the best score, or the best with selection: best', async () => {
    const { x } = mixture(3000, 4, 6, 3, 7);
    const data = trialFor(3000, 3);
    const table: Record<number, number> = { 2: 1.0, 4: 1.5, 8: 1.58, 16: 1.6 };
    const seen: number[] = [];
    const scoreK = (ctx: KScorerContext) => {
      seen.push(ctx.k);
      expect(ctx.trainGroups.length).toBe(ctx.train.n);
      expect(ctx.validGroups.length).toBe(ctx.valid.n);
      expect(ctx.train.n + ctx.valid.n).toBe(3000);
      expect(Math.max(...ctx.validGroups)).toBeLessThan(ctx.k);
      expect(ctx.budgets.length).toBe(3);
      return { score: table[ctx.k] as number, se: 0.05 };
    };
    const base = { k: 'auto' as const, candidates: [16, 2, 8, 4], minCellCount: 5, engine: 'js' as const, scoreK };
    const c = await new HiddenClusterer(base).fit(matrix(x, 4), { data });
    expect(seen).toEqual([2, 4, 8, 16]);
    expect(c.k).toBe(8);
    expect(c.selection?.rule).toBe('oneSE');
    expect(c.selection?.best).toBe(16);
    expect(c.selection?.candidates.map((k) => k.score)).toEqual([1.0, 1.5, 1.58, 1.6]);
    const best = await new HiddenClusterer({ ...base, selection: 'best' }).fit(matrix(x, 4), { data });
    expect(best.k).toBe(16);
  });

  it('skips candidates with a (group, arm) cell below minCellCount and falls back to the smallest K', async () => {
    const { x } = mixture(400, 3, 4, 3, 8);
    const data = trialFor(400, 4);
    const scored: number[] = [];
    const c = await new HiddenClusterer({
      k: 'auto',
      candidates: [2, 40],
      minCellCount: 10,
      engine: 'js',
      scoreK: (ctx) => {
        scored.push(ctx.k);
        return { score: ctx.k, se: 0 };
      },
    }).fit(matrix(x, 3), { data });
    const big = c.selection?.candidates.find((k) => k.k === 40);
    expect(big?.feasible).toBe(false);
    expect(big?.minCell).toBeLessThan(10);
    expect(scored).toEqual([2]);
    expect(c.k).toBe(2);
    const none = await new HiddenClusterer({ k: 'auto', candidates: [40, 60], minCellCount: 10, engine: 'js' }).fit(
      matrix(x, 3),
      {
        data,
      },
    );
    expect(none.selection?.rule).toBe('fallback-smallest');
    expect(none.k).toBe(40);
  });

  it('scores candidates by the held-out IPW value of group plans on the simulator (default scorer: GroupStats + StochasticBudgetSolver)', async () => {
    const { train } = simulateCouponTrial({ nTrain: 12_000, nTest: 10, seed: 4 });
    const c = await new HiddenClusterer({ k: 'auto', candidates: [1, 4, 8], engine: 'js', seed: 2 }).fit(
      matrix(train.features, train.d),
      { data: train },
    );
    const sel = c.selection;
    expect(sel).toBeDefined();
    console.log(JSON.stringify(sel?.candidates), sel?.selected, sel?.budgets);
    for (const cand of sel?.candidates ?? []) {
      expect(cand.feasible).toBe(true);
      expect(Number.isFinite(cand.score) && cand.se > 0).toBe(true);
    }
    // Segment-level plans beat one arm for everyone (K = 1) by more than the noise.
    const one = sel?.candidates[0] as { score: number; se: number };
    const topScore = Math.max(...(sel?.candidates ?? []).map((k) => k.score));
    expect(topScore).toBeGreaterThan(one.score + one.se);
    expect([1, 4, 8]).toContain(c.k);
  });

  it('requires the trial rows for auto and rejects bad options', async () => {
    const x = matrix(mixture(100, 2, 2, 3, 9).x, 2);
    await expect(new HiddenClusterer({ k: 'auto' }).fit(x)).rejects.toThrow(ValidationError);
    await expect(new HiddenClusterer({ k: 'auto' }).fit(x, { data: trialFor(99, 2) })).rejects.toThrow(ValidationError);
    await expect(new HiddenClusterer({ candidates: [] }).fit(x, { data: trialFor(100, 2) })).rejects.toThrow(
      ValidationError,
    );
    await expect(new HiddenClusterer({ selection: 'median' as never }).fit(x)).rejects.toThrow(ValidationError);
  });
});
