import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { HiddenClusterer } from '../../src/clustering/index.js';
import { NotFittedError, ValidationError } from '../../src/core/errors.js';
import { matrix } from '../../src/core/matrix.js';
import type { Matrix } from '../../src/core/types.js';
import type { RCTDataset } from '../../src/data/dataset.js';
import {
  type GroupClusterer,
  HRCPaperPipeline,
  HRCPipeline,
  type HRCPipelineOptions,
  mergeSmallGroups,
  paperHRCOptions,
} from '../../src/pipeline/index.js';
import { AllocationPolicy } from '../../src/policy/index.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';
import { oracleAssign, trueValue } from '../../src/sim/truth.js';

const fast: HRCPipelineOptions = {
  representation: { hiddenUnits: [64, 32], epochs: 12, batchSize: 256 },
  clustering: { k: 10 },
  distiller: { epochs: 15 },
  seed: 5,
};

describe('HRCPipeline', () => {
  const sim = simulateCouponTrial({ nTrain: 10_000, nTest: 5000, seed: 21 });
  let hrc: HRCPipeline;
  const stages: string[] = [];
  beforeAll(async () => {
    await useBackend('wasm');
    hrc = await new HRCPipeline({ ...fast, onProgress: (e) => stages.push(e.stage) }).fit(sim.train);
  }, 300_000);

  it('runs every stage in order and exposes a distilled policy that agrees with its teacher', () => {
    expect([...new Set(stages)]).toEqual(['representation', 'clustering', 'distill', 'stats', 'solve', 'done']);
    expect(hrc.policy).toBeInstanceOf(AllocationPolicy);
    expect(hrc.policy.metadata.method).toBe('hrc');
    // The teacher's groups come from out-of-fold predictions (four networks, each blind to the rows it places), so
    // they are a noisier function of x than one network's; the student learns their common part and the plan is
    // solved on the student's own groups.
    expect(hrc.policy.metadata.distillAgreement).toBeGreaterThan(0.55);
    expect(hrc.policy.table.size).toBeGreaterThan(5);
  });

  it('allocates within budget and well above random and uniform allocation, close to the teacher', async () => {
    const { truth, test } = sim;
    for (const b of [0.15, 0.4]) {
      const arms = await hrc.assign(test.features, { perUser: b });
      const v = trueValue(truth, arms);
      const oracle = trueValue(truth, oracleAssign(truth, { perUser: b }));
      expect(v.cost).toBeLessThanOrEqual(b * 1.08);
      expect(v.incrementalResponse / oracle.incrementalResponse).toBeGreaterThan(0.75);
      // Random arms mixed with control at the same spend.
      let randomValue = 0;
      for (let j = 1; j < truth.m; j++) {
        const full = trueValue(truth, new Int32Array(truth.n).fill(j));
        randomValue = Math.max(randomValue, Math.min(1, b / full.incrementalCost) * full.incrementalResponse);
      }
      expect(v.incrementalResponse).toBeGreaterThan(randomValue * 1.1);
      const teacher = trueValue(truth, await hrc.assignTeacher(test.features, { perUser: b }));
      expect(Math.abs(v.incrementalResponse - teacher.incrementalResponse) / teacher.incrementalResponse).toBeLessThan(
        0.1,
      );
    }
  });

  it('round-trips through JSON with identical decisions', async () => {
    const back = HRCPipeline.fromJSON(JSON.parse(JSON.stringify(hrc)));
    for (const b of [0.15, 0.4]) {
      expect(Array.from(await back.assign(sim.test.features, { perUser: b }))).toEqual(
        Array.from(await hrc.assign(sim.test.features, { perUser: b })),
      );
    }
    await expect(back.assignTeacher(sim.test.features, { perUser: 0.4 })).rejects.toThrow(ValidationError);
  });

  it('spreads a total budget over the users assigned', async () => {
    const n = sim.test.n;
    const a = await hrc.assign(sim.test.features, { total: 0.4 * n });
    const b = await hrc.assign(sim.test.features, { perUser: 0.4 });
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('is reproducible by seed and frees its tensors on dispose', async () => {
    const before = tf.memory().numTensors;
    const small = simulateCouponTrial({ nTrain: 3000, nTest: 500, seed: 2 });
    const opts: HRCPipelineOptions = {
      ...fast,
      representation: { hiddenUnits: [32, 16], epochs: 4 },
      clustering: { k: 4 },
      distiller: { epochs: 4 },
    };
    const a = await new HRCPipeline(opts).fit(small.train);
    const b = await new HRCPipeline(opts).fit(small.train);
    expect(Array.from(await a.assign(small.test.features, { perUser: 0.3 }))).toEqual(
      Array.from(await b.assign(small.test.features, { perUser: 0.3 })),
    );
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('rejects use before fit and bad features', async () => {
    const p = new HRCPipeline();
    await expect(p.assign(sim.test.features, { perUser: 0.2 })).rejects.toThrow(NotFittedError);
    await expect(hrc.assign(new Float32Array(7), { perUser: 0.2 })).rejects.toThrow(ValidationError);
    await expect(hrc.assign(sim.test.features, { perUser: -1 })).rejects.toThrow(ValidationError);
  });

  it('cross-fits by default and keeps the paper design as hrc-paper', async () => {
    expect(hrc.representations).toHaveLength(4);
    expect(hrc.shrinkage.some((f) => f.outcome === 'response')).toBe(true);
    const small = simulateCouponTrial({ nTrain: 3000, nTest: 500, seed: 3 });
    const paper = await new HRCPaperPipeline({
      ...fast,
      representation: { hiddenUnits: [32, 16], epochs: 3 },
      clustering: { k: 4 },
      distiller: { epochs: 3 },
    }).fit(small.train);
    try {
      expect(paper.name).toBe('hrc-paper');
      expect(paper.policy.metadata.method).toBe('hrc-paper');
      expect(paper.representations).toHaveLength(1);
      expect(paper.shrinkage).toEqual([]);
    } finally {
      paper.dispose();
    }
    await expect(new HRCPipeline({ groupOn: 'hidden' }).fit(small.train)).rejects.toThrow(/crossFit 0 or 1/);
    await expect(new HRCPipeline({ crossFit: 2.5 }).fit(small.train)).rejects.toThrow(ValidationError);
    await expect(new HRCPipeline({ shrinkage: 'some' as never }).fit(small.train)).rejects.toThrow(ValidationError);
  }, 120_000);

  it('accepts a user clusterer, and a HiddenClusterer as one directly', async () => {
    // Groups by the first embedding column against 0.5: a deliberately crude clusterer.
    const seen: { rows: number; cols: number; data: RCTDataset }[] = [];
    const mine: GroupClusterer & { fitted: boolean } = {
      k: 2,
      fitted: false,
      fit(e: Matrix, opts: { data: RCTDataset }) {
        seen.push({ rows: e.rows, cols: e.cols, data: opts.data });
        this.fitted = true;
      },
      predict: (e) => Int32Array.from({ length: e.rows }, (_, i) => ((e.data[i * e.cols] as number) > 0.5 ? 1 : 0)),
      sqDistances: (e) => {
        const out = new Float32Array(e.rows * 2);
        for (let i = 0; i < e.rows; i++) {
          const v = e.data[i * e.cols] as number;
          out[i * 2] = (v - 0) ** 2;
          out[i * 2 + 1] = (v - 1) ** 2;
        }
        return matrix(out, 2);
      },
    };
    const small = simulateCouponTrial({ nTrain: 3000, nTest: 500, seed: 4 });
    const options = {
      ...fast,
      ...paperHRCOptions,
      representation: { hiddenUnits: [32, 32] as const, epochs: 3 },
      distiller: { epochs: 3 },
    };
    const p = await new HRCPipeline({ ...options, clusterer: mine }).fit(small.train);
    expect(mine.fitted).toBe(true);
    // The embedding has 32 columns (the second trunk layer of hiddenUnits [32, 32]), one row per trial row.
    expect(seen).toEqual([{ rows: 3000, cols: 32, data: small.train }]);
    expect(p.policy.table.k).toBeLessThanOrEqual(2);
    // The teacher's groups are the user clusterer's.
    const h = p.representation?.embed(matrix(small.train.features, small.train.d)) as Matrix;
    expect(Array.from(p.trainGroups)).toEqual(Array.from(mine.predict(h)));
    p.dispose();
    const own = new HiddenClusterer({ k: 3, seed: 2, engine: 'js' });
    const q = await new HRCPipeline({ ...options, clusterer: own }).fit(small.train);
    try {
      expect(own.k).toBe(3);
      expect(own.state.dim).toBe(32);
      expect(q.policy.table.k).toBeLessThanOrEqual(3);
      const hq = q.representation?.embed(matrix(small.train.features, small.train.d)) as Matrix;
      expect(Array.from(q.trainGroups).every((g, i) => g <= (own.predict(hq)[i] as number))).toBe(true);
    } finally {
      q.dispose();
    }
  }, 120_000);
});

describe('mergeSmallGroups', () => {
  it('folds groups without enough control rows into the nearest group', () => {
    // 3 groups; group 2 has no control rows and lies closest to centre 0.
    const groups = Int32Array.from([0, 0, 0, 1, 1, 1, 2, 2]);
    const treatment = Int32Array.from([0, 0, 1, 0, 0, 1, 1, 1]);
    const sq = new Float32Array(8 * 3);
    for (let i = 0; i < 8; i++) {
      const g = groups[i] as number;
      for (let h = 0; h < 3; h++) sq[i * 3 + h] = g === h ? 0 : g === 2 && h === 0 ? 1 : 5;
    }
    const sqDistances = matrix(sq, 3);
    expect(Array.from(mergeSmallGroups(groups, sqDistances, { treatment, minControl: 1 }))).toEqual([0, 1, 0]);
    expect(Array.from(mergeSmallGroups(groups, sqDistances, { treatment, minControl: 0 }))).toEqual([0, 1, 2]);
    expect(() => mergeSmallGroups(groups, matrix(sq.subarray(0, 9), 3), { treatment, minControl: 1 })).toThrow(
      ValidationError,
    );
  });
});
