import { describe, expect, it } from 'vitest';
import { NotFittedError, ValidationError } from '../../src/core/errors.js';
import { checkOptionKeys } from '../../src/core/validate.js';
import { datasetFromRows } from '../../src/data/rows.js';
import { HRCPipeline } from '../../src/pipeline/index.js';
import { AllocationPolicy, policyMetadata } from '../../src/policy/index.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';
import { GroupStats, StochasticBudgetSolver } from '../../src/solver/index.js';
import { linearStudent, studentGroups } from '../helpers/student.js';

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('unknown option keys', () => {
  it('are a ValidationError suggesting the nearest key', () => {
    const e = thrown(() => checkOptionKeys({ seeed: 1 }, ['seed', 'budgets'], ['options']));
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).issues[0]?.path).toEqual(['options', 'seeed']);
    expect((e as Error).message).toMatch(/unknown option 'seeed'; did you mean 'seed'\?/);
    expect(() => checkOptionKeys({ zzzzzz: 1 }, ['seed'])).toThrow(/unknown option 'zzzzzz'; known options: seed/);
    expect(() => checkOptionKeys(undefined, ['seed'])).not.toThrow();
    expect(() => checkOptionKeys(5, ['seed'])).toThrow(/expected an options object/);
  });

  it('are rejected by simulateCouponTrial', () => {
    expect(() => simulateCouponTrial({ n: 100 } as never)).toThrow(
      /unknown option 'n'; did you mean 'nTrain' or 'nTest'?/,
    );
  });

  it('are rejected by HRCPipeline.fit, nested options included, before any training', async () => {
    const { train } = simulateCouponTrial({ nTrain: 600, nTest: 10, seed: 2 });
    await expect(new HRCPipeline({ seeed: 1 } as never).fit(train)).rejects.toThrow(/did you mean 'seed'/);
    const err = await new HRCPipeline({ representation: { epoch: 1 } } as never).fit(train).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues[0]?.path).toEqual(['representation', 'epoch']);
    expect((err as Error).message).toMatch(/did you mean 'epochs'/);
    await expect(new HRCPipeline({ solver: { formulaton: 'robust' } } as never).fit(train)).rejects.toThrow(
      /solver\.formulaton: unknown option 'formulaton'; did you mean 'formulation'/,
    );
    await expect(new StochasticBudgetSolver({ kapa: 1 } as never).solve({} as never, { budgets: [1] })).rejects.toThrow(
      /did you mean 'kappa'/,
    );
    for (const assignShares of [0, 2.5, 'ten']) {
      const bad = await new HRCPipeline({ assignShares } as never).fit(train).catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(ValidationError);
      expect((bad as ValidationError).issues[0]?.path).toEqual(['assignShares']);
    }
  });
});

describe('HRCPipeline misuse', () => {
  it('fit(undefined) is a ValidationError, not a TypeError', async () => {
    const err = await new HRCPipeline().fit(undefined as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/expected an RCTDataset, got undefined/);
  });

  it('says a disposed pipeline was disposed, not that fit() was never called', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({
      arm: ['none', 'mail'][i % 2] as string,
      x: i % 7,
      y: i % 3 === 0 ? 1 : 0,
    }));
    const data = datasetFromRows(rows, {
      treatment: 'arm',
      control: 'none',
      response: 'y',
      armCost: { none: 0, mail: 1 },
    });
    const student = linearStudent(data.d, 2, 1);
    const stats = GroupStats.from(data, { groups: studentGroups(student, data.features, data.d), k: 2 });
    const table = await new StochasticBudgetSolver().solve(stats, { budgets: [1], armNames: data.treatmentNames });
    const policy = new AllocationPolicy({
      student,
      table,
      featureNames: data.featureNames,
      treatmentNames: data.treatmentNames,
      metadata: policyMetadata(),
    });
    const hrc = HRCPipeline.fromJSON({
      kind: 'HRCPipeline',
      formatVersion: 1,
      params: {},
      state: { policy: policy.toJSON() },
    });
    expect((await hrc.assign(data.features, { perUser: 1 })).length).toBe(300);
    hrc.dispose();
    const err = await hrc.assign(data.features, { perUser: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFittedError);
    expect((err as Error).message).toMatch(/HRCPipeline\.assign\(\) was called after dispose\(\)/);
    expect(() => new HRCPipeline().policy).toThrow(/before fit\(\)/);
  });
});

describe('baselines', () => {
  it('reject unknown option keys at fit, suggesting the nearest key', async () => {
    const { train } = simulateCouponTrial({ nTrain: 600, nTest: 10, seed: 2 });
    const { TPMSL, DFCL, UniformBest } = await import('../../src/baselines/index.js');
    await expect(new TPMSL({ epoch: 2 } as never).fit(train)).rejects.toThrow(
      /TpmSL\.epoch: unknown option 'epoch'; did you mean 'epochs'/,
    );
    await expect(new DFCL({ sed: 2 } as never).fit(train)).rejects.toThrow(/did you mean 'seed'/);
    await expect(new UniformBest({ spendCalibraton: true } as never).fit(train)).rejects.toThrow(
      /did you mean 'spendCalibration'/,
    );
    expect((await new UniformBest({ seed: 3 }).fit(train)).name).toBe('uniform-best');
  });
});
