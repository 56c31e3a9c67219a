import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { DFCL } from '../../src/baselines/dfcl.js';
import { lagrangianPath } from '../../src/baselines/path.js';
import { incrementsOverControl, TPMTARNet } from '../../src/baselines/tpm.js';
import type { RCTDataset } from '../../src/data/dataset.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';

let train: RCTDataset;
let test: RCTDataset;

beforeAll(async () => {
  await useBackend('wasm');
  // Heavy tails make the response continuous, so it is fitted by MSE on labels scaled by their RMS.
  ({ train, test } = simulateCouponTrial({ nTrain: 4000, nTest: 1500, seed: 4, heavyTails: true }));
});

describe('DFCL', () => {
  it('decides the same whatever the unit of the response (dollars or cents)', async () => {
    // The dual decision loss is in response units and the prediction loss in RMS units; weighing them as given made
    // the decision loss 100 times heavier when the response was counted in cents, and its predictions drifted.
    const cents = { ...train, response: train.response.map((v) => 100 * v) };
    const arms: Int32Array[] = [];
    for (const data of [train, cents]) {
      const a = await new DFCL({ seed: 3, epochs: 10, fineTuneEpochs: 5 }).fit(data);
      arms.push(await a.assign(test.features, { perUser: 0.3 }));
      a.dispose();
    }
    let agree = 0;
    for (let i = 0; i < test.n; i++) if (arms[0]?.[i] === arms[1]?.[i]) agree++;
    expect(agree / test.n).toBeGreaterThan(0.97);
  }, 300_000);

  it('trains its decision down to the multiplier at which the pre-trained model spends its whole path', async () => {
    // Users whom no trained multiplier treats are pushed toward control without bound, below zero predicted uplift,
    // and leave the allocation path: the range must reach the end of the path, or DFCL cannot spend larger budgets.
    const o = { seed: 3, epochs: 4 };
    const pre = await new TPMTARNet(o).fit(train); // the same pre-trained model as DFCL's
    const inc = incrementsOverControl(await pre.predictOutcomes(train.features), train.treatmentNames.length);
    const path = lagrangianPath(inc.values, inc.costs, train.n, train.treatmentNames.length);
    pre.dispose();
    const a = await new DFCL({ ...o, fineTuneEpochs: 1 }).fit(train);
    const lambdas = a.fineTuning?.lambdas ?? [];
    expect(Math.min(...lambdas)).toBeCloseTo(path.key[path.key.length - 1] as number, 6);
    a.dispose();
  }, 300_000);
});
