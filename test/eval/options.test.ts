import { describe, expect, it } from 'vitest';
import { RandomAllocator } from '../../src/baselines/references.js';
import { ValidationError } from '../../src/core/errors.js';
import {
  aucc,
  calibrateSpend,
  compare,
  costCurve,
  crossFitOutcomes,
  evaluatePolicies,
  evaluatePolicy,
  qini,
  upliftAUC,
  withSpendCalibration,
} from '../../src/eval/index.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';

const { test } = simulateCouponTrial({ nTrain: 10, nTest: 400, seed: 4 });
const arms = new Int32Array(test.n);
const scores = Float64Array.from({ length: test.n }, (_, i) => i % 7);

/** Runs `f` and returns the ValidationError it throws (or rejects with). */
async function issue(f: () => unknown): Promise<{ path: readonly (string | number)[]; message: string }> {
  const err = await Promise.resolve()
    .then(f)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(ValidationError);
  return (err as ValidationError).issues[0] as { path: readonly (string | number)[]; message: string };
}

describe('evaluation options', () => {
  it.each([
    ['evaluatePolicy', () => evaluatePolicy(arms, test, { resample: 10 } as never), 'resample', /resamples/],
    ['evaluatePolicies', () => evaluatePolicies([arms], test, { sead: 1 } as never), 'sead', /seed/],
    ['aucc', () => aucc(scores, test, { quantile: 10 } as never), 'quantile', /quantiles/],
    ['qini', () => qini(scores, test, { negative: true } as never), 'negative', /negativeEffect/],
    ['upliftAUC', () => upliftAUC(scores, test, { pionts: 10 } as never), 'pionts', /points/],
    ['crossFitOutcomes', () => crossFitOutcomes(test, { fold: 3 } as never), 'fold', /folds/],
    ['costCurve', () => costCurve(() => arms, test, { budgets: [0.5], levle: 0.9 } as never), 'levle', /level/],
    [
      'calibrateSpend',
      () => calibrateSpend(() => arms, test, 0.5, { hi: 2, tolerence: 0.1 } as never),
      'tolerence',
      /tolerance/,
    ],
    [
      'withSpendCalibration',
      () => withSpendCalibration(new RandomAllocator(), test, { direction: 'increasing' } as never),
      'direction',
      /maxIterations/,
    ],
    [
      'compare',
      () => compare({ methods: { r: () => new RandomAllocator() }, test, budgets: [0.5], seed: [1] } as never),
      'seed',
      /seeds/,
    ],
    [
      'compare evaluation',
      () =>
        compare({
          methods: { r: () => new RandomAllocator() },
          test,
          budgets: [0.5],
          evaluation: { seed: 1 },
        } as never),
      'seed',
      /resamples/,
    ],
  ])('%s rejects an unknown option key, naming it and the known ones', async (_, f, key, known) => {
    const i = await issue(f);
    expect(i.path[i.path.length - 1]).toBe(key);
    expect(i.message).toMatch(new RegExp(`unknown option '${key}'`));
    expect(i.message).toMatch(known);
  });

  it('accepts every documented option', () => {
    expect(() =>
      evaluatePolicy(arms, test, { estimator: 'ipw', resamples: 5, level: 0.9, seed: 1, folds: 2, ridge: 1 }),
    ).not.toThrow();
    expect(() => aucc(scores, test, { arm: 1, points: 10, definition: 'dfcl', quantiles: 5 })).not.toThrow();
  });
});
