import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import type { ProgressEvent } from '../../src/core/types.js';
import { trainTestSplit } from '../../src/data/split.js';
import { type CompareOptions, compare } from '../../src/eval/compare.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';
import { RandomFixture, UniformArmFixture } from './fixtures.js';

const sim = simulateCouponTrial({ nTrain: 4000, nTest: 6000, seed: 41 });
const methods = {
  hrc: () => new UniformArmFixture(1, 1, 'hrc'),
  'uniform-3': () => new UniformArmFixture(3),
  random: (seed: number) => new RandomFixture(seed),
};

describe('compare', () => {
  it('returns a tidy table over methods, seeds and budgets, with truth metrics and a summary', async () => {
    const events: ProgressEvent[] = [];
    const opts: CompareOptions = {
      methods,
      train: sim.train,
      test: sim.test,
      truth: sim.truth,
      budgets: [0.1, { perUser: 0.3 }],
      seeds: [1, 2, 3],
      evaluation: { resamples: 50 },
      onProgress: (e) => events.push(e),
    };
    const result = await compare(opts);
    expect(result.methods).toEqual(['hrc', 'uniform-3', 'random']);
    expect(result.budgets).toEqual([0.1, 0.3]);
    expect(result.reference).toBe('hrc');
    // 5 eom metrics + 6 truth metrics per run, plus the paired difference for the two non-reference methods.
    expect(result.rows.length).toBe(3 * 3 * 2 * 11 + 2 * 3 * 2);
    const row = result.rows.find(
      (r) => r.method === 'random' && r.seed === 2 && r.budget === 0.3 && r.metric === 'eom.cost',
    );
    expect(row?.lower).toBeLessThan(row?.value as number);
    const fractions = events.map((e) => e.fraction as number);
    expect(fractions.every((f, i) => i === 0 || f >= (fractions[i - 1] as number))).toBe(true);
    expect(fractions[fractions.length - 1]).toBe(1);
    expect(result.timings.length).toBe(9);
    expect(result.failures).toEqual([]);

    // Truth metrics are sane: uniform allocators spend about their budget and do worse than the oracle.
    for (const r of result.summary.metrics.filter((m) => m.metric === 'truth.oracleRatio')) {
      expect(r.mean).toBeGreaterThan(0);
      expect(r.mean).toBeLessThan(1);
      expect(r.n).toBe(3);
    }
    const spend = result.summary.metrics.find((m) => m.method === 'uniform-3' && m.metric === 'truth.spendRatio');
    expect(Math.abs((spend?.mean as number) - 1)).toBeLessThan(0.1);
    // Deterministic allocators have no spread over seeds; the random one does.
    const det = result.summary.metrics.find((m) => m.method === 'hrc' && m.budget === 0.3 && m.metric === 'eom.cost');
    expect(det?.sd).toBe(0);
    expect(det?.interval).toBe('seeds');
    const rnd = result.summary.metrics.find(
      (m) => m.method === 'random' && m.budget === 0.3 && m.metric === 'eom.cost',
    );
    expect(rnd?.sd).toBeGreaterThan(0);
    expect(rnd?.bootstrapLower).toBeLessThan(rnd?.mean as number);

    // Paired differences against the reference agree with the per-seed values.
    const d = result.summary.differences.find(
      (x) => x.method === 'uniform-3' && x.budget === 0.1 && x.metric === 'truth.incrementalResponse',
    );
    const v = (m: string) =>
      result.rows.find(
        (r) => r.method === m && r.seed === 1 && r.budget === 0.1 && r.metric === 'truth.incrementalResponse',
      )?.value as number;
    expect(d?.mean).toBeCloseTo(v('uniform-3') - v('hrc'), 12);
    expect(d?.reference).toBe('hrc');
    const paired = result.rows.find(
      (r) =>
        r.method === 'random' && r.seed === 1 && r.budget === 0.1 && r.metric === 'eom.incrementalResponseVsReference',
    );
    const eom = (m: string) =>
      result.rows.find(
        (r) => r.method === m && r.seed === 1 && r.budget === 0.1 && r.metric === 'eom.incrementalResponse',
      )?.value as number;
    expect(paired?.value).toBeCloseTo(eom('random') - eom('hrc'), 12);

    // Same options, same table.
    const again = await compare({ ...opts, onProgress: () => {} });
    expect(again.rows).toEqual(result.rows);
  });

  it('takes a trial per seed, records failures when asked, and uses bootstrap intervals for one seed', async () => {
    const result = await compare({
      methods: {
        'uniform-2': () => new UniformArmFixture(2),
        broken: () => ({
          name: 'broken',
          fit: async () => {
            throw new Error('no luck');
          },
          assign: async () => new Int32Array(0),
          toJSON: () => ({}),
          dispose: () => {},
        }),
      },
      trial: (seed) => simulateCouponTrial({ nTrain: 2000, nTest: 2139, seed }),
      budgets: [0.0075],
      seeds: [5],
      evaluation: { resamples: 40 },
      onFailure: 'record',
    });
    expect(result.reference).toBeUndefined();
    expect(result.failures).toEqual([{ method: 'broken', seed: 5, stage: 'fit', message: 'no luck' }]);
    expect(result.rows.every((r) => r.method === 'uniform-2')).toBe(true);
    // Per-user budgets are kept exactly as given (0.0075 * 2139 / 2139 is not 0.0075 in floating point).
    expect(result.budgets).toEqual([0.0075]);
    expect(result.rows.every((r) => r.budget === 0.0075)).toBe(true);
    const eom = result.summary.metrics.find((m) => m.metric === 'eom.incrementalResponse');
    expect(eom?.interval).toBe('bootstrap');
    expect(result.summary.differences).toEqual([]);
  });

  it('calibrates every method on held-out rows when calibration rows are given', async () => {
    const big = simulateCouponTrial({ nTrain: 16_000, nTest: 6000, seed: 42 });
    const { train, test: calibration } = trainTestSplit(big.train, { testFraction: 0.5, seed: 1 });
    const over = { 'uniform-3-biased': () => new UniformArmFixture(3, 0.7) };
    const base = {
      methods: over,
      train,
      test: big.test,
      truth: big.truth,
      budgets: [0.2],
      evaluation: { resamples: 0 },
    };
    const raw = await compare(base);
    const cal = await compare({ ...base, calibration });
    expect(raw.calibrated).toBe(false);
    expect(cal.calibrated).toBe(true);
    const spend = (r: typeof raw) => r.rows.find((x) => x.metric === 'truth.spendRatio')?.value as number;
    expect(spend(raw)).toBeGreaterThan(1.3);
    // Calibrated on 8,000 held-out rows: on budget up to the IPW noise of the spend estimate.
    expect(Math.abs(spend(cal) - 1)).toBeLessThan(0.06);
    await expect(compare({ ...base, calibrate: true, calibration: undefined as never })).rejects.toThrow(
      /^calibration:/,
    );
  });

  it('stops at the first failure by default and names bad options', async () => {
    const base = { methods, train: sim.train, test: sim.test, budgets: [0.1] };
    const short = {
      name: 'short',
      fit: async () => short,
      assign: async () => new Int32Array(3),
      toJSON: () => ({}),
      dispose: () => {},
    };
    await expect(compare({ ...base, methods: { short: () => short } })).rejects.toThrow(/^methods\.short\.assign:/);
    const path = async (o: CompareOptions) => {
      try {
        await compare(o);
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as ValidationError).issues[0]?.path;
      }
      throw new Error('expected a ValidationError');
    };
    expect(await path({ ...base, methods: {} })).toEqual(['methods']);
    expect(await path({ ...base, reference: 'dfcl' })).toEqual(['reference']);
    expect(await path({ ...base, seeds: [1, 1] })).toEqual(['seeds']);
    expect(await path({ ...base, seeds: [1.5] })).toEqual(['seeds.0']);
    expect(await path({ ...base, budgets: [-1] })).toEqual(['budgets.0.perUser']);
    expect(await path({ methods, test: sim.test, budgets: [0.1] })).toEqual(['train']);
    expect(await path({ ...base, truth: simulateCouponTrial({ nTrain: 10, nTest: 10, seed: 1 }).truth })).toEqual([
      'truth',
    ]);
  });
});
