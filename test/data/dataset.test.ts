import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { alignTreatments, createDataset, subsetRows } from '../../src/data/dataset.js';
import { encodedNames, encodeRecord, reencodeFeatures } from '../../src/data/encoding.js';
import { datasetFromRows } from '../../src/data/rows.js';
import { trainTestSplit } from '../../src/data/split.js';
import { summarize } from '../../src/data/summary.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';

const base = {
  features: [
    [0.1, 1],
    [0.4, 0],
    [0.3, 1],
    [0.9, 0],
  ],
  treatment: [0, 1, 0, 1],
  treatmentNames: ['control', 'coupon'],
  response: [0, 1, 0, 0],
  cost: [0, 2, 0, 2],
};

describe('createDataset', () => {
  it('builds typed arrays and empirical propensities', () => {
    const data = createDataset(base);
    expect(data.n).toBe(4);
    expect(data.d).toBe(2);
    expect(data.features).toBeInstanceOf(Float32Array);
    expect(Array.from(data.propensity ?? [])).toEqual([0.5, 0.5, 0.5, 0.5]);
  });
  it('rejects mismatched lengths, bad arms, NaN features and negative costs', () => {
    expect(() => createDataset({ ...base, response: [0, 1] })).toThrow(/response: expected 4 values/);
    expect(() => createDataset({ ...base, treatment: [0, 1, 0, 2] })).toThrow(
      /treatment.3: expected an arm index in 0..1, got 2/,
    );
    expect(() =>
      createDataset({
        ...base,
        features: [
          [0, 1],
          [Number.NaN, 0],
          [0, 1],
          [0, 0],
        ],
      }),
    ).toThrow(ValidationError);
    expect(() => createDataset({ ...base, cost: [0, -1, 0, 2] })).toThrow(/non-negative cost/);
    expect(() => createDataset({ ...base, treatment: [1, 1, 1, 1] })).toThrow(/control arm 'control' has no rows/);
  });
});

describe('datasetFromRows', () => {
  it('encodes categoricals like the CSV loader and serves the same encoding', () => {
    const rows = [
      { arm: 'none', age: 31, city: 'b', bought: 0 },
      { arm: 'coupon', age: 45, city: 'a', bought: 1 },
      { arm: 'none', age: 22, city: 'a', bought: 1 },
    ];
    const data = datasetFromRows(rows, {
      treatment: 'arm',
      control: 'none',
      response: 'bought',
      armCost: { none: 0, coupon: 2 },
      categorical: ['city'],
    });
    expect(data.featureNames).toEqual(['age', 'city=a', 'city=b']);
    expect(Array.from(data.features.subarray(0, 3))).toEqual([31, 0, 1]);
    const enc = data.encoding;
    if (enc === undefined) throw new Error('no encoding');
    expect(Array.from(encodeRecord(enc, { age: 50, city: 'a' }))).toEqual([50, 1, 0]);
    expect(() => encodeRecord(enc, { age: 50, city: 'unseen' })).toThrow(
      /record.city: unknown category "unseen" of column 'city'; expected one of "a", "b"/,
    );
    expect(Array.from(encodeRecord(enc, { age: 50, city: 'unseen' }, undefined, { onUnknown: 'zero' }))).toEqual([
      50, 0, 0,
    ]);
    expect(() => encodeRecord(enc, { city: 'a' })).toThrow(/record.age: expected a finite number/);
  });
  it('names the row of a bad value', () => {
    expect(() =>
      datasetFromRows(
        [
          { arm: 'none', x: 1, y: 0, z: 1 },
          { arm: 'none', x: 'oops', y: 0, z: 1 },
        ],
        {
          treatment: 'arm',
          control: 'none',
          response: 'y',
          cost: 'x',
        },
      ),
    ).toThrow(/row 1, column x/);
  });
});

describe('trainTestSplit and summarize', () => {
  const { train } = simulateCouponTrial({ nTrain: 5000, nTest: 10, seed: 3 });
  it('stratifies by arm and is reproducible', () => {
    const a = trainTestSplit(train, { testFraction: 0.25, seed: 1 });
    const b = trainTestSplit(train, { testFraction: 0.25, seed: 1 });
    const c = trainTestSplit(train, { testFraction: 0.25, seed: 2 });
    expect(Array.from(a.test.response)).toEqual(Array.from(b.test.response));
    expect(Array.from(a.test.features)).not.toEqual(Array.from(c.test.features));
    const all = summarize(train);
    const part = summarize(a.test);
    for (let j = 0; j < all.arms.length; j++) {
      expect(Math.abs((part.arms[j]?.count ?? 0) - 0.25 * (all.arms[j]?.count ?? 0))).toBeLessThanOrEqual(1);
    }
    expect(a.train.n + a.test.n).toBe(train.n);
  });
  it('reports naive uplift with standard errors', () => {
    const s = summarize(train);
    expect(s.arms[0]?.upliftResponse.estimate).toBe(0);
    for (const arm of s.arms.slice(1)) {
      expect(arm.upliftResponse.estimate).toBeGreaterThan(0);
      expect(arm.upliftResponse.se).toBeGreaterThan(0);
      expect(arm.upliftResponse.se).toBeLessThan(0.05);
    }
  });
  it('subsets rows in the given order', () => {
    const sub = subsetRows(train, [5, 2]);
    expect(sub.response[0]).toBe(train.response[5]);
    expect(Array.from(sub.features.subarray(0, train.d))).toEqual(
      Array.from(train.features.subarray(5 * train.d, 6 * train.d)),
    );
  });
});

describe('alignTreatments', () => {
  const data = createDataset({
    features: [[1], [2], [3], [4]],
    treatment: [0, 1, 2, 1],
    treatmentNames: ['none', 'a', 'c'],
    response: [0, 1, 0, 1],
    cost: [0, 1, 2, 1],
  });
  it('renumbers arms by name', () => {
    const got = alignTreatments(data, ['none', 'c', 'a']);
    expect(Array.from(got.treatment)).toEqual([0, 2, 1, 2]);
    expect(got.treatmentNames).toEqual(['none', 'c', 'a']);
  });
  it('names both lists when an arm is missing or unknown', () => {
    expect(() => alignTreatments(data, ['none', 'a', 'b'])).toThrow(
      /the model's arms are 'none', 'a', 'b'; the data's arms are 'none', 'a', 'c' \(not in the data: 'b'; unknown to the model: 'c'\)/,
    );
    expect(() => alignTreatments(data, ['a', 'none', 'c'])).toThrow(ValidationError);
  });
});

describe('encodeRecord with an (other) column', () => {
  it('sends values not in the categories, unseen ones included, to (other)', () => {
    const enc = { columns: [{ name: 'c', kind: 'categorical' as const, categories: ['a', 'b'], other: true }] };
    expect(encodedNames(enc)).toEqual(['c=a', 'c=b', 'c=(other)']);
    expect(Array.from(encodeRecord(enc, { c: 'b' }))).toEqual([0, 1, 0]);
    expect(Array.from(encodeRecord(enc, { c: 'never seen' }))).toEqual([0, 0, 1]);
  });
});

describe('reencodeFeatures', () => {
  const from = { columns: [{ name: 'c', kind: 'categorical' as const, categories: ['a', 'b', 'z'] }] };
  const X = Float32Array.from([1, 0, 0, 0, 0, 1]);
  it('names a category the model does not know, unless onUnknown zero or an (other) column takes it', () => {
    const to = { columns: [{ name: 'c', kind: 'categorical' as const, categories: ['a', 'b'] }] };
    expect(() => reencodeFeatures(X, from, to)).toThrow(/row 1, column c: unknown category "z" of column 'c'/);
    expect(Array.from(reencodeFeatures(X, from, to, { onUnknown: 'zero' }))).toEqual([1, 0, 0, 0]);
    const withOther = { columns: [{ name: 'c', kind: 'categorical' as const, categories: ['a'], other: true }] };
    expect(Array.from(reencodeFeatures(X, from, withOther))).toEqual([1, 0, 0, 1]);
  });
});
