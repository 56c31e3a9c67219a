import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { DFCL } from '../../src/baselines/dfcl.js';
import { DHCL } from '../../src/baselines/dhcl.js';
import { DRP } from '../../src/baselines/drp.js';
import { RDRP } from '../../src/baselines/rdrp.js';
import { RandomAllocator, UniformBest } from '../../src/baselines/references.js';
import { TPMSL, TPMTARNet } from '../../src/baselines/tpm.js';
import { HiddenClusterer } from '../../src/clustering/index.js';
import { NotFittedError, SerializationError, ValidationError } from '../../src/core/errors.js';
import { type Budget, budgetTotal, type ProfitAllocator } from '../../src/core/types.js';
import type { RCTDataset } from '../../src/data/dataset.js';
import { HRCPipeline } from '../../src/pipeline/index.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';

/**
 * The contract every allocator meets (scikit-learn's check_estimator in spirit). To run it over another allocator,
 * add one line to `cases`; `fromJSON` only when it is serializable, `modelCost` when it has no `expectedCost`.
 */
type Allocator = ProfitAllocator & {
  expectedCost?(features: Float32Array, arms: Int32Array): Promise<number>;
};

interface AllocatorCase {
  readonly name: string;
  /** A fresh, unfitted allocator; `calibrate` turns spend calibration on where the allocator has it. */
  readonly make: (seed: number, calibrate?: boolean) => Allocator;
  readonly fromJSON?: (json: unknown) => Allocator;
  /** The allocator's own expected total cost of an assignment (default: its `expectedCost`). */
  readonly modelCost?: (a: Allocator, features: Float32Array, arms: Int32Array) => Promise<number>;
}

// Small and quick: the suite checks the contract, not quality (see quality.test.ts).
const net = { hidden: [16, 8], epochs: 3, patience: 2 };
const cases: AllocatorCase[] = [
  {
    name: 'RandomAllocator',
    make: (seed, c) => new RandomAllocator({ seed, spendCalibration: c === true }),
    fromJSON: RandomAllocator.fromJSON,
  },
  {
    name: 'UniformBest',
    make: (seed, c) => new UniformBest({ seed, spendCalibration: c === true }),
    fromJSON: UniformBest.fromJSON,
  },
  {
    name: 'TpmSL',
    make: (seed, c) => new TPMSL({ ...net, seed, spendCalibration: c === true }),
    fromJSON: TPMSL.fromJSON,
  },
  {
    name: 'TpmTARNet',
    make: (seed, c) => new TPMTARNet({ ...net, headHidden: [8], seed, spendCalibration: c === true }),
    fromJSON: TPMTARNet.fromJSON,
  },
  {
    name: 'DRP',
    make: (seed, c) => new DRP({ ...net, bins: 4, seed, spendCalibration: c === true }),
    fromJSON: DRP.fromJSON,
  },
  {
    name: 'RDRP',
    make: (seed, c) => new RDRP({ ...net, mcSamples: 4, conformalBins: 4, seed, spendCalibration: c === true }),
    fromJSON: RDRP.fromJSON,
  },
  {
    name: 'DHCL',
    make: (seed, c) => new DHCL({ ...net, seed, spendCalibration: c === true }),
    fromJSON: DHCL.fromJSON,
  },
  {
    name: 'DFCL',
    make: (seed, c) =>
      new DFCL({
        ...net,
        headHidden: [8],
        fineTuneEpochs: 2,
        decisionLoss: 'maxEntropy',
        seed,
        spendCalibration: c === true,
      }),
    fromJSON: DFCL.fromJSON,
  },
  {
    name: 'HRCPipeline',
    make: (seed) =>
      new HRCPipeline({
        seed,
        representation: { hiddenUnits: [16, 8], epochs: 3, patience: 2 },
        distiller: { epochs: 3 },
      }),
    fromJSON: HRCPipeline.fromJSON,
  },
  {
    name: 'HRCPipeline with a HiddenClusterer as its GroupClusterer',
    make: (seed) =>
      new HRCPipeline({
        seed,
        representation: { hiddenUnits: [16, 8], epochs: 3, patience: 2 },
        clusterer: new HiddenClusterer({ k: 4, seed }),
        distiller: { epochs: 3 },
      }),
    fromJSON: HRCPipeline.fromJSON,
  },
];

let train: RCTDataset;
let test: RCTDataset;
const budgets: Budget[] = [{ perUser: 0 }, { perUser: 0.05 }, { perUser: 0.25 }, { perUser: 100 }, { total: 20 }];

beforeAll(async () => {
  await useBackend('wasm');
  ({ train, test } = simulateCouponTrial({ nTrain: 1500, nTest: 300, d: 6, seed: 5 }));
});

async function ownCost(c: AllocatorCase, a: Allocator, features: Float32Array, arms: Int32Array): Promise<number> {
  if (c.modelCost !== undefined) return c.modelCost(a, features, arms);
  if (a.expectedCost === undefined) throw new Error(`${c.name}: give the case a modelCost`);
  return a.expectedCost(features, arms);
}

describe.each(cases)('allocator contract: $name', (c) => {
  let fitted: Allocator;
  let before = 0;
  let afterFit = 0;

  beforeAll(async () => {
    before = tf.memory().numTensors;
    fitted = c.make(1);
    const ret = await fitted.fit(train);
    expect(ret).toBe(fitted);
    afterFit = tf.memory().numTensors;
  });

  afterAll(() => {
    fitted.dispose();
  });

  it('throws NotFittedError before fit', async () => {
    await expect(c.make(1).assign(test.features, { perUser: 0.1 })).rejects.toBeInstanceOf(NotFittedError);
  });

  it('gives valid arm indices whose expected cost under the model stays within budget', async () => {
    const m = train.treatmentNames.length;
    let treatedSomewhere = false;
    for (const b of budgets) {
      const arms = await fitted.assign(test.features, b);
      expect(arms).toBeInstanceOf(Int32Array);
      expect(arms.length).toBe(test.n);
      expect(arms.every((a) => Number.isInteger(a) && a >= 0 && a < m)).toBe(true);
      const total = budgetTotal(b, test.n);
      expect(await ownCost(c, fitted, test.features, arms)).toBeLessThanOrEqual(total + 1e-6 * Math.max(1, total));
      if (total === 0) expect(await ownCost(c, fitted, test.features, arms)).toBeLessThanOrEqual(1e-9);
      if (arms.some((a) => a !== 0)) treatedSomewhere = true;
    }
    expect(treatedSomewhere).toBe(true);
  });

  it('gives the same decisions for the same seed', async () => {
    const again = c.make(1);
    await again.fit(train);
    for (const b of budgets.slice(1, 3)) {
      expect(Array.from(await again.assign(test.features, b))).toEqual(
        Array.from(await fitted.assign(test.features, b)),
      );
    }
    again.dispose();
  });

  it('rejects bad input with a ValidationError', async () => {
    await expect(fitted.assign(new Float32Array(test.d + 1), { perUser: 0.1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(fitted.assign(test.features, { perUser: -1 })).rejects.toBeInstanceOf(ValidationError);
    const withNaN = test.features.slice();
    withNaN[3] = Number.NaN;
    await expect(fitted.assign(withNaN, { perUser: 0.1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(c.make(1).fit({ n: 3 } as unknown as RCTDataset)).rejects.toBeInstanceOf(ValidationError);
  });

  it('leaks no tensors in assign and frees its tensors on dispose', async () => {
    const n0 = tf.memory().numTensors;
    expect(n0).toBe(afterFit);
    await fitted.assign(test.features, { perUser: 0.2 });
    expect(tf.memory().numTensors).toBe(n0);
    const other = c.make(2);
    await other.fit(train);
    other.dispose();
    expect(tf.memory().numTensors).toBe(n0);
    expect(before).toBeLessThanOrEqual(n0);
  });

  it('keeps its decisions through a JSON round trip and rejects tampered JSON', async () => {
    if (c.fromJSON === undefined) return;
    const json = JSON.parse(JSON.stringify(fitted.toJSON()));
    const back = c.fromJSON(json);
    for (const b of budgets.slice(1, 3)) {
      expect(Array.from(await back.assign(test.features, b))).toEqual(
        Array.from(await fitted.assign(test.features, b)),
      );
    }
    back.dispose();
    expect(() => c.fromJSON?.({ ...json, kind: 'Other' })).toThrow(SerializationError);
    expect(() => c.fromJSON?.({ ...json, formatVersion: 99 })).toThrow(SerializationError);
    expect(() => c.fromJSON?.({ ...json, state: { ...json.state, model: null } })).toThrow(SerializationError);
  });

  it('has a profit mode: valid arms, more users treated at a higher net value, kept through JSON', async () => {
    await expect(c.make(1).profitAssign(test.features, 3)).rejects.toBeInstanceOf(NotFittedError);
    await expect(fitted.profitAssign(test.features, 0)).rejects.toBeInstanceOf(ValidationError);
    await expect(fitted.profitAssign(new Float32Array(test.d + 1), 3)).rejects.toBeInstanceOf(ValidationError);
    const m = train.treatmentNames.length;
    let last = -1;
    const byValue: Int32Array[] = [];
    for (const v of [1, 3, 10, 100]) {
      const arms = await fitted.profitAssign(test.features, v);
      expect(arms.length).toBe(test.n);
      expect(arms.every((a) => Number.isInteger(a) && a >= 0 && a < m)).toBe(true);
      const treated = arms.filter((a) => a !== 0).length;
      expect(treated).toBeGreaterThanOrEqual(last);
      last = treated;
      byValue.push(arms);
    }
    expect(last).toBeGreaterThan(0);
    if (c.fromJSON === undefined) return;
    const back = c.fromJSON(JSON.parse(JSON.stringify(fitted.toJSON())));
    expect(Array.from(await back.profitAssign(test.features, 3))).toEqual(Array.from(byValue[1] as Int32Array));
    back.dispose();
  });

  it('with spend calibration on, still respects the budget under the model', async () => {
    const cal = c.make(1, true);
    await cal.fit(train);
    for (const b of budgets) {
      const arms = await cal.assign(test.features, b);
      const total = budgetTotal(b, test.n);
      expect(await ownCost(c, cal, test.features, arms)).toBeLessThanOrEqual(total + 1e-6 * Math.max(1, total));
    }
    if (c.fromJSON !== undefined) {
      const back = c.fromJSON(JSON.parse(JSON.stringify(cal.toJSON())));
      expect(Array.from(await back.assign(test.features, { perUser: 0.1 }))).toEqual(
        Array.from(await cal.assign(test.features, { perUser: 0.1 })),
      );
      back.dispose();
    }
    cal.dispose();
  });
});
