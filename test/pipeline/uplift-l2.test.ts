import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { RNG } from '../../src/core/rng.js';
import { createDataset } from '../../src/data/dataset.js';
import { crossFitNets, upliftLossRows } from '../../src/pipeline/crossfit.js';
import { HRCPipeline } from '../../src/pipeline/pipeline.js';

/**
 * A 2-arm trial with one informative feature x0 ~ N(0, 1) and three noise features: the response is
 * 1 + x0 + t * tau(x0) + N(0, noise^2), cost t. `tau` is either constant or strongly heterogeneous.
 */
function trial(n: number, seed: number, tau: (x0: number) => number, noise: number) {
  const rng = new RNG(seed);
  const features: number[][] = [];
  const treatment: number[] = [];
  const response: number[] = [];
  const cost: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
    const t = rng.next() < 0.5 ? 1 : 0;
    features.push(x);
    treatment.push(t);
    response.push(1 + (x[0] as number) + t * tau(x[0] as number) + noise * rng.normal());
    cost.push(t);
  }
  return createDataset({ features, treatment, treatmentNames: ['control', 'mail'], response, cost });
}

const small = { hiddenUnits: [16, 8] as const, epochs: 12, batchSize: 128 };

describe('upliftLossRows', () => {
  it("estimates the difference of two models' mean squared uplift errors without bias", () => {
    const n = 40_000;
    const data = trial(n, 3, (x0) => 0.5 * x0, 1);
    const rows = Array.from({ length: n }, (_, i) => i);
    const x0 = (i: number) => data.features[i * data.d] as number;
    // Model A predicts the true per-arm means; model B the same control mean and no uplift at all.
    const a = new Float32Array(n * 2);
    const b = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      a[i * 2] = 1 + x0(i);
      a[i * 2 + 1] = 1 + x0(i) + 0.5 * x0(i);
      b[i * 2] = 1 + x0(i);
      b[i * 2 + 1] = 1 + x0(i);
    }
    const share = Float64Array.from([0.5, 0.5]);
    const [la, lb] = upliftLossRows([a, b], 2, rows, data, share) as [Float64Array, Float64Array];
    let diff = 0;
    let truth = 0;
    for (let i = 0; i < n; i++) {
      diff += ((lb[i] as number) - (la[i] as number)) / n;
      truth += (0.5 * x0(i)) ** 2 / n;
    }
    // E[L(B) - L(A)] = E[(tau - 0)^2] - E[(tau - tau)^2] = E[tau^2] = 0.25 here.
    expect(truth).toBeGreaterThan(0.2);
    expect(Math.abs(diff - truth)).toBeLessThan(0.05);
  });

  it('gives one loss array per model, of the rows given, and rejects nothing silently', () => {
    const data = trial(10, 1, () => 1, 0.1);
    const p = new Float32Array(4 * 2).fill(1);
    const out = upliftLossRows([p, p], 2, [0, 3, 5, 9], data, Float64Array.from([0.5, 0.5]));
    expect(out).toHaveLength(2);
    expect(out[0]).toHaveLength(4);
    expect(Array.from(out[0] as Float64Array)).toEqual(Array.from(out[1] as Float64Array));
  });
});

describe('crossFitNets choosing upliftL2', () => {
  it('chooses the prior of homogeneous effects on a trial whose effect is constant and noisy', async () => {
    const data = trial(3000, 5, () => 0.2, 2);
    const cf = await crossFitNets(data, 4, small, 11, undefined, { candidates: [0, 3] });
    try {
      const c = cf.upliftL2;
      expect(c).toBeDefined();
      expect(c?.chosen).toBe(3);
      expect(cf.nets).toHaveLength(4);
      expect(c?.lossDifference[1]).toBe(0);
      expect(c?.lossDifference[0]).toBeGreaterThan(0);
      expect(c?.foldsCompared).toBeGreaterThanOrEqual(1);
      expect(c?.foldsCompared).toBeLessThanOrEqual(2);
      expect(cf.nets.every((n) => n.options.upliftL2 === 3)).toBe(true);
    } finally {
      for (const n of cf.nets) n.dispose();
    }
  });

  it('keeps the heads free on a trial whose effect varies strongly between users', async () => {
    const data = trial(3000, 6, (x0) => 2 * x0, 0.3);
    const cf = await crossFitNets(data, 4, small, 11, undefined, { candidates: [0, 3] });
    try {
      expect(cf.upliftL2?.chosen).toBe(0);
      expect(cf.upliftL2?.lossDifference[1]).toBeGreaterThan(0);
      // Every row's out-of-fold predictions come from the chosen strength's networks.
      expect(cf.response.every((v) => Number.isFinite(v))).toBe(true);
      expect(cf.nets.every((n) => n.options.upliftL2 === 0)).toBe(true);
    } finally {
      for (const n of cf.nets) n.dispose();
    }
  });

  it('compares nothing with one candidate, and is reproducible', async () => {
    const data = trial(1200, 7, () => 0.2, 1);
    const one = await crossFitNets(data, 2, small, 3, undefined, { candidates: [0.5] });
    const two = await crossFitNets(data, 2, small, 3);
    const three = await crossFitNets(data, 2, { ...small, upliftL2: 0.5 }, 3);
    try {
      expect(one.upliftL2).toBeUndefined();
      expect(Array.from(one.response)).toEqual(Array.from(three.response));
      expect(Array.from(one.response)).not.toEqual(Array.from(two.response));
    } finally {
      for (const n of [...one.nets, ...two.nets, ...three.nets]) n.dispose();
    }
  });
});

describe("HRCPipeline's upliftL2 option", () => {
  const data = trial(400, 2, () => 0.2, 1);
  it('rejects the strength given twice, a list without cross-fitting, and bad values, naming the option', async () => {
    const cases: [ConstructorParameters<typeof HRCPipeline>[0], RegExp][] = [
      [{ upliftL2: 0.1, representation: { upliftL2: 0.1 } }, /both/],
      [{ upliftL2: [0, 0.1], crossFit: 0 }, /crossFit/],
      [{ upliftL2: [0, 0] }, /distinct/],
      [{ upliftL2: [] }, /non-empty/],
      [{ upliftL2: -1 }, /upliftL2/],
      [{ upliftL2: [0, Number.NaN] }, /upliftL2\[1\]/],
    ];
    for (const [options, message] of cases) {
      const err = await new HRCPipeline(options)
        .fit(data)
        .then(() => undefined)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect(String((err as Error).message)).toMatch(message);
    }
  });

  it("reports the choice of 'auto' and none for a fixed strength", async () => {
    const fast = { representation: small, clustering: { k: 4 }, stats: { replicates: 20 }, crossFit: 2 };
    const auto = await new HRCPipeline({ ...fast, seed: 1 }).fit(trial(2000, 4, () => 0.2, 1));
    const fixed = await new HRCPipeline({ ...fast, seed: 1, upliftL2: 0 }).fit(trial(2000, 4, () => 0.2, 1));
    try {
      expect(auto.upliftL2Choice?.candidates).toEqual([0, 0.1]);
      expect([0, 0.1]).toContain(auto.upliftL2Choice?.chosen);
      expect(fixed.upliftL2Choice).toBeUndefined();
    } finally {
      auto.dispose();
      fixed.dispose();
    }
  });
});
