import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { ValidationError } from '../../src/core/errors.js';
import { matrix } from '../../src/core/matrix.js';
import { createDataset } from '../../src/data/dataset.js';
import {
  costVariesWithinArms,
  crossFitNets,
  ensemblePredict,
  stratifiedFolds,
  upliftSpace,
} from '../../src/pipeline/crossfit.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';

describe('stratifiedFolds', () => {
  it('deals every arm evenly over the folds, reproducibly', () => {
    const t = Int32Array.from({ length: 1003 }, (_, i) => (i % 7 === 0 ? 1 : 0));
    const f = stratifiedFolds(t, 2, 4, 9);
    for (const arm of [0, 1]) {
      const counts = [0, 0, 0, 0];
      t.forEach((a, i) => {
        if (a === arm) counts[f[i] as number] = (counts[f[i] as number] as number) + 1;
      });
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    }
    expect(Array.from(stratifiedFolds(t, 2, 4, 9))).toEqual(Array.from(f));
    expect(Array.from(stratifiedFolds(t, 2, 4, 10))).not.toEqual(Array.from(f));
    expect(() => stratifiedFolds(t, 2, 1, 9)).toThrow(ValidationError);
  });
});

describe('upliftSpace and costVariesWithinArms', () => {
  it('takes differences to control, with or without costs', () => {
    const pred = { response: Float32Array.from([1, 3, 6, 2, 2, 5]), cost: Float32Array.from([0, 1, 2, 0, 1, 4]) };
    expect(Array.from(upliftSpace(pred, 3, false).data)).toEqual([2, 5, 0, 3]);
    const w = upliftSpace(pred, 3, true);
    expect(w.cols).toBe(4);
    expect(w.rows).toBe(2);
    expect(Array.from(w.data)).toEqual([2, 1, 5, 2, 0, 1, 3, 4]);
  });

  it('tells fixed arm costs from costs that vary by user', () => {
    const base = {
      features: [[0], [1], [2], [3]],
      treatment: [0, 1, 0, 1],
      treatmentNames: ['c', 't'],
      response: [0, 1, 0, 1],
    };
    expect(costVariesWithinArms(createDataset({ ...base, cost: [0, 2, 0, 2] }))).toBe(false);
    expect(costVariesWithinArms(createDataset({ ...base, cost: [0, 2, 0, 3] }))).toBe(true);
  });
});

describe('crossFitNets', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('predicts every row by a network that did not see it, and the ensemble tracks the true uplift', async () => {
    const { train, test, truth } = simulateCouponTrial({ nTrain: 6000, nTest: 2000, seed: 4 });
    const cf = await crossFitNets(train, 3, { hiddenUnits: [32, 16], epochs: 15, batchSize: 256 }, 1);
    try {
      expect(cf.nets).toHaveLength(3);
      expect(new Set(cf.fold).size).toBe(3);
      // Out-of-fold predictions differ from what the fold's own training network says about the same rows.
      const m = train.treatmentNames.length;
      const rows = Array.from(cf.fold.keys())
        .filter((i) => cf.fold[i] === 0)
        .slice(0, 50);
      const other = cf.nets[1]?.predict(
        matrix(
          Float32Array.from(rows.flatMap((i) => Array.from(train.features.subarray(i * train.d, (i + 1) * train.d)))),
          train.d,
        ),
      );
      let diff = 0;
      rows.forEach((i, r) => {
        diff += Math.abs((cf.response[i * m + 1] as number) - (other?.response[r * m + 1] as number));
      });
      expect(diff).toBeGreaterThan(0);
      // The ensemble's predicted uplift of the most generous arm correlates with the truth on new users.
      const p = ensemblePredict(cf.nets, matrix(test.features, test.d));
      const j = m - 1;
      const a = Array.from(
        { length: test.n },
        (_, i) => (p.response[i * m + j] as number) - (p.response[i * m] as number),
      );
      const b = Array.from(
        { length: test.n },
        (_, i) => (truth.response[i * m + j] as number) - (truth.response[i * m] as number),
      );
      const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
      const ma = mean(a);
      const mb = mean(b);
      const cov = mean(a.map((x, i) => (x - ma) * ((b[i] as number) - mb)));
      const sd = (v: number[], mu: number) => Math.sqrt(mean(v.map((x) => (x - mu) ** 2)));
      const r = cov / (sd(a, ma) * sd(b, mb));
      expect(r).toBeGreaterThan(0.5);
    } finally {
      for (const n of cf.nets) n.dispose();
    }
  }, 180_000);
});
