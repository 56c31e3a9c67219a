import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import type { PathAllocator } from '../../src/baselines/allocator.js';
import { DFCL } from '../../src/baselines/dfcl.js';
import { DHCL } from '../../src/baselines/dhcl.js';
import { DRP } from '../../src/baselines/drp.js';
import { RDRP } from '../../src/baselines/rdrp.js';
import { RandomAllocator, UniformBest } from '../../src/baselines/references.js';
import { TPMSL, TPMTARNet } from '../../src/baselines/tpm.js';
import { NotFittedError, ValidationError } from '../../src/core/errors.js';
import type { RCTDataset } from '../../src/data/dataset.js';
import { simulateCouponTrial, type TrialTruth } from '../../src/sim/simulator.js';

// Coupons cost 1-4 per redemption; at 2 per order about half the users have an arm whose true net value is
// positive, at 5 nearly all (the oracle's share treated is 0.56 at 2.5 and 0.93 at 5 on this trial).
const netValues = [2.5, 3.5, 5];
const short = { epochs: 15, seed: 7 };

let train: RCTDataset;
let test: RCTDataset;
let truth: TrialTruth;

beforeAll(async () => {
  await useBackend('wasm');
  ({ train, test, truth } = simulateCouponTrial({ nTrain: 6000, nTest: 2000, seed: 21 }));
});

/** Users treated, and the mean true net value `v * uplift - incremental cost` of their arms. */
function trueNet(arms: Int32Array, v: number): { treated: number; meanNet: number } {
  const m = truth.m;
  let treated = 0;
  let net = 0;
  for (let i = 0; i < arms.length; i++) {
    const j = arms[i] as number;
    if (j === 0) continue;
    treated++;
    const r = (truth.response[i * m + j] as number) - (truth.response[i * m] as number);
    const c = (truth.cost[i * m + j] as number) - (truth.cost[i * m] as number);
    net += v * r - c;
  }
  return { treated, meanNet: treated > 0 ? net / treated : 0 };
}

const methods: [string, () => PathAllocator][] = [
  ['UniformBest', () => new UniformBest({ seed: 7 })],
  ['RandomAllocator', () => new RandomAllocator({ seed: 7 })],
  ['TpmSL', () => new TPMSL(short)],
  ['TpmTARNet', () => new TPMTARNet(short)],
  ['DRP', () => new DRP(short)],
  ['RDRP', () => new RDRP({ ...short, mcSamples: 10 })],
  ['DHCL', () => new DHCL(short)],
  ['DFCL', () => new DFCL({ ...short, fineTuneEpochs: 5 })],
];

describe('profit mode on the simulator (true net values known)', () => {
  it.each(methods)(
    '%s treats users whose arms pay on average, more of them as the net value rises',
    async (_, make) => {
      const a = await make().fit(train);
      let last = -1;
      for (const v of netValues) {
        const arms = await a.profitAssign(test.features, v);
        expect(arms.length).toBe(test.n);
        const { treated, meanNet } = trueNet(arms, v);
        expect(treated).toBeGreaterThanOrEqual(last);
        if (treated > 0) expect(meanNet).toBeGreaterThan(0);
        last = treated;
      }
      // At the highest value nearly every user's best arm pays: a method must treat someone.
      expect(last).toBeGreaterThan(0);
      a.dispose();
    },
  );
});

describe('profit mode is the path cut at key 1 / netValue', () => {
  it('equals budget mode at the budget the cut spends, and validates its input', async () => {
    const a = new TPMSL({ ...short, epochs: 3 });
    await expect(a.profitAssign(test.features, 2)).rejects.toThrow(NotFittedError);
    await a.fit(train);
    const arms = await a.profitAssign(test.features, 3);
    const spend = await a.expectedCost(test.features, arms);
    const atBudget = await a.assign(test.features, { total: spend });
    expect(Array.from(atBudget)).toEqual(Array.from(arms));
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(a.profitAssign(test.features, bad)).rejects.toThrow(ValidationError);
    }
    await expect(a.profitAssign(test.features, 0)).rejects.toThrow(/netValue/);
    expect((await a.profitAssign(new Float32Array(0), 3)).length).toBe(0);
    a.dispose();
  });
});
