import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DFCL } from '../../src/baselines/dfcl.js';
import type { RctDataset } from '../../src/data/dataset.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';

let train: RctDataset;
let test: RctDataset;

beforeAll(async () => {
  await tf.setBackend('cpu');
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
});
