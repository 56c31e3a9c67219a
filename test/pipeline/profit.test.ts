import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { NotFittedError, ValidationError } from '../../src/core/errors.js';
import { HRCPipeline } from '../../src/pipeline/index.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';

describe('HRCPipeline.profitAssign', () => {
  const sim = simulateCouponTrial({ nTrain: 5000, nTest: 2000, seed: 21 });
  let hrc: HRCPipeline;
  beforeAll(async () => {
    await useBackend('wasm');
    hrc = await new HRCPipeline({
      representation: { hiddenUnits: [32, 16], epochs: 8, batchSize: 256 },
      clustering: { k: 8 },
      distiller: { epochs: 8 },
      seed: 5,
    }).fit(sim.train);
  }, 300_000);

  it('decides at the break-even budget, treating more users as the net value rises', async () => {
    await expect(new HRCPipeline().profitAssign(sim.test.features, 3)).rejects.toThrow(NotFittedError);
    const { truth } = sim;
    const m = truth.m;
    let last = -1;
    for (const v of [2.5, 3.5, 5]) {
      const arms = await hrc.profitAssign(sim.test.features, v);
      const policy = hrc.policy;
      expect(Array.from(arms)).toEqual(Array.from(policy.decideBatch(sim.test.features, policy.profitBudget(v))));
      let treated = 0;
      let net = 0;
      for (let i = 0; i < arms.length; i++) {
        const j = arms[i] as number;
        if (j === 0) continue;
        treated++;
        net +=
          v * ((truth.response[i * m + j] as number) - (truth.response[i * m] as number)) -
          ((truth.cost[i * m + j] as number) - (truth.cost[i * m] as number));
      }
      expect(treated).toBeGreaterThanOrEqual(last);
      if (treated > 0) expect(net / treated).toBeGreaterThan(0);
      last = treated;
    }
    expect(last).toBeGreaterThan(0);
    await expect(hrc.profitAssign(sim.test.features, 0)).rejects.toThrow(ValidationError);
  });
});
