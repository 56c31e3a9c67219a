import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { RNG } from '../../src/core/rng.js';
import { createDataset, type RCTDataset } from '../../src/data/dataset.js';
import { regressionAdjusted } from '../../src/pipeline/adjust.js';
import { HRCPipeline } from '../../src/pipeline/pipeline.js';
import { GroupStats } from '../../src/solver/group-stats.js';

/**
 * A 3-arm trial in `k` groups: each row has a baseline b(x) that varies a lot within its group, the response is
 * b(x) + arm effect + noise, and the cost of arm j is j * (1 + 0.1 |b(x)|) + uniform noise in [0, 0.2] (so it
 * varies within an arm).
 */
function trial(k: number, perGroup: number, seed: number) {
  const rng = new RNG(seed);
  const effect = [0, 0.3, 0.5];
  const n = k * perGroup;
  const features: number[][] = [];
  const treatment: number[] = [];
  const response: number[] = [];
  const cost: number[] = [];
  const groups = new Int32Array(n);
  const base = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const g = i % k;
    const b = g + 3 * rng.normal();
    const t = Math.floor(rng.next() * 3);
    groups[i] = g;
    base[i] = b;
    features.push([b]);
    treatment.push(t);
    response.push(b + (effect[t] as number) + 0.5 * rng.normal());
    cost.push(t * (1 + 0.1 * Math.abs(b)) + 0.2 * rng.next());
  }
  const data = createDataset({ features, treatment, treatmentNames: ['control', 'a', 'b'], response, cost });
  return { data, groups, base, effect };
}

/** Exact per-arm predictions of the trial's mean response and cost (what a perfect model would say). */
function oracle(data: RCTDataset, base: Float64Array, effect: number[]) {
  const m = 3;
  const response = new Float32Array(data.n * m);
  const cost = new Float32Array(data.n * m);
  for (let i = 0; i < data.n; i++) {
    for (let j = 0; j < m; j++) {
      response[i * m + j] = (base[i] as number) + (effect[j] as number);
      cost[i * m + j] = j * (1 + 0.1 * Math.abs(base[i] as number)) + 0.1;
    }
  }
  return { response, cost };
}

const cellMeans = (data: RCTDataset, groups: Int32Array, k: number) =>
  GroupStats.from(data, { groups, k, ipw: false, replicates: 0 });

describe('regressionAdjusted', () => {
  it('leaves every cell mean unchanged when the prediction of an arm is the same for every row', () => {
    const { data, groups } = trial(4, 300, 1);
    const pred = { response: new Float32Array(data.n * 3), cost: new Float32Array(data.n * 3) };
    for (let i = 0; i < data.n; i++) for (let j = 0; j < 3; j++) pred.response[i * 3 + j] = 5 + j;
    const raw = cellMeans(data, groups, 4);
    const adj = cellMeans(regressionAdjusted(data, groups, 4, pred, true), groups, 4);
    for (let g = 0; g < 4; g++)
      for (let j = 0; j < 3; j++) {
        expect(adj.cell(g, j).response).toBeCloseTo(raw.cell(g, j).response, 4);
        expect(adj.cell(g, j).cost).toBeCloseTo(raw.cell(g, j).cost, 4);
      }
    // The input is not changed, and the cost is left alone without adjustCost.
    expect(regressionAdjusted(data, groups, 4, pred, false).cost).toBe(data.cost);
  });

  it('is unbiased and several times less noisy than the plain cell means with a good model', () => {
    // The truth of cell (g, j): the group's mean baseline over all its rows plus the arm effect.
    const k = 3;
    let rawSq = 0;
    let adjSq = 0;
    let rawBias = 0;
    let adjBias = 0;
    let cells = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const { data, groups, base, effect } = trial(k, 240, seed);
      const pred = oracle(data, base, effect);
      const raw = cellMeans(data, groups, k);
      const adj = cellMeans(regressionAdjusted(data, groups, k, pred, true), groups, k);
      for (let g = 0; g < k; g++) {
        let sum = 0;
        let count = 0;
        for (let i = 0; i < data.n; i++) {
          if (groups[i] !== g) continue;
          sum += base[i] as number;
          count += 1;
        }
        for (let j = 0; j < 3; j++) {
          const truth = sum / count + (effect[j] as number);
          const r = raw.cell(g, j).response - truth;
          const a = adj.cell(g, j).response - truth;
          rawSq += r * r;
          adjSq += a * a;
          rawBias += r;
          adjBias += a;
          cells += 1;
        }
      }
    }
    // The baseline's spread (sd 3) is noise for the plain mean of ~80 rows and is removed by the adjustment.
    expect(adjSq).toBeLessThan(rawSq / 5);
    expect(Math.abs(adjBias / cells)).toBeLessThan(0.05);
    expect(Math.abs(rawBias / cells)).toBeLessThan(0.3);
  });
});

describe("HRCPipeline({ statsEstimator: 'aipw' })", () => {
  it('needs cross-fitted predictions and a known estimator', async () => {
    const { data } = trial(2, 50, 3);
    const err = await new HRCPipeline({ statsEstimator: 'aipw', crossFit: 0 }).fit(data).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).message).toMatch(/statsEstimator.*crossFit/s);
    const bad = await new HRCPipeline({ statsEstimator: 'median' as 'mean' }).fit(data).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).message).toMatch(/statsEstimator/);
  });
});
