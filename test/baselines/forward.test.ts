import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { DRP } from '../../src/baselines/drp.js';
import { defaultNetOptions } from '../../src/baselines/nets.js';
import { RDRP } from '../../src/baselines/rdrp.js';
import { RoiNet } from '../../src/baselines/roinet.js';
import type { RCTDataset } from '../../src/data/dataset.js';
import { DenseNet } from '../../src/nn/net.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';

let train: RCTDataset;

beforeAll(async () => {
  await useBackend('cpu');
  ({ train } = simulateCouponTrial({ nTrain: 1500, nTest: 10, d: 6, seed: 8 }));
});

afterEach(() => {
  vi.restoreAllMocks();
});

// 1500 rows, a fifth held out for early stopping: 1200 training rows in 5 steps of 256, one validation batch.
const small = { hidden: [8], epochs: 1, batchSize: 256, validationFraction: 0.2 };

describe('one forward pass per training step', () => {
  it('RoiNet (rDRP, DHCL): the loss reads the step forward pass, with dropout, and validation runs without', async () => {
    const spy = vi.spyOn(DenseNet.prototype, 'apply');
    const net = await RoiNet.train(
      train,
      'control',
      { ...defaultNetOptions, ...small, costWeight: 1, dropout: 0.2 },
      1,
    );
    expect(spy).toHaveBeenCalledTimes(5 + 1);
    expect(spy.mock.calls.filter((c) => c[1]?.dropout?.rate === 0.2).length).toBe(5);
    // Monte Carlo dropout at prediction time goes through the same forward pass.
    spy.mockClear();
    const a = net.predict(train.features.subarray(0, 60), 0.2, 5).roi;
    const b = net.predict(train.features.subarray(0, 60), 0.2, 5).roi;
    const c = net.predict(train.features.subarray(0, 60), 0.2, 6).roi;
    expect(spy).toHaveBeenCalledTimes(3);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(c)).not.toEqual(Array.from(a));
    net.dispose();
  });

  it('DRP: one forward per step, one per validation batch, one to score the training rows', async () => {
    const spy = vi.spyOn(DenseNet.prototype, 'apply');
    const drp = await new DRP({ ...small, seed: 2 }).fit(train);
    expect(spy).toHaveBeenCalledTimes(5 + 1 + 1);
    drp.dispose();
  });

  it('RDRP: the training steps of its base model each run one forward pass with dropout', async () => {
    const spy = vi.spyOn(DenseNet.prototype, 'apply');
    const rdrp = await new RDRP({ ...small, dropout: 0.1, mcSamples: 3, seed: 2 }).fit(train);
    // Base model on 75% of the rows (1125; 900 training rows in 4 steps, one validation batch), then 3 Monte
    // Carlo draws and one deterministic pass (costs) over the 375 held-out rows.
    const training = spy.mock.calls.filter((c) => c[1]?.dropout?.rate === 0.1 && c[0].shape[0] <= 256);
    expect(training.length).toBe(4);
    expect(spy).toHaveBeenCalledTimes(4 + 1 + 3 + 1);
    rdrp.dispose();
  });
});
