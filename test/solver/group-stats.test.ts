import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SerializationError, ValidationError } from '../../src/core/errors.js';
import { createDataset, type RCTDataset } from '../../src/data/dataset.js';
import { GroupStats } from '../../src/solver/group-stats.js';

function dataset(rows: { t: number; y: number; c: number }[], m: number, propensity?: number[]): RCTDataset {
  return createDataset({
    features: rows.map(() => [0]),
    treatment: rows.map((r) => r.t),
    treatmentNames: Array.from({ length: m }, (_, j) => `arm${j}`),
    response: rows.map((r) => r.y),
    cost: rows.map((r) => r.c),
    ...(propensity === undefined ? {} : { propensity }),
  });
}

const shard = (m: number) =>
  fc.array(
    fc.record({
      t: fc.integer({ min: 0, max: m - 1 }),
      y: fc.integer({ min: 0, max: 5 }),
      c: fc.integer({ min: 0, max: 3 }),
      g: fc.integer({ min: 0, max: 2 }),
    }),
    { minLength: 1, maxLength: 30 },
  );

function statsOf(rows: { t: number; y: number; c: number; g: number }[], m: number): GroupStats {
  // Every arm needs a row in createDataset: pad with one row per arm in group 0.
  const all = [...rows, ...Array.from({ length: m }, (_, t) => ({ t, y: 0, c: 0, g: 0 }))];
  return GroupStats.from(dataset(all, m), { groups: Int32Array.from(all, (r) => r.g), k: 3, ipw: false });
}

describe('GroupStats', () => {
  it('computes per-cell means, standard errors and uplift', () => {
    const rows = [
      { t: 0, y: 1, c: 0 },
      { t: 0, y: 3, c: 0 },
      { t: 1, y: 4, c: 2 },
      { t: 1, y: 6, c: 2 },
      { t: 1, y: 8, c: 2 },
    ];
    const s = GroupStats.from(dataset(rows, 2), { groups: new Int32Array(5), k: 1, ipw: false });
    expect(s.cell(0, 0).response).toBeCloseTo(2);
    expect(s.cell(0, 1).response).toBeCloseTo(6);
    // sample variance of 4,6,8 is 4; se = sqrt(4/3)
    expect(s.cell(0, 1).seResponse).toBeCloseTo(Math.sqrt(4 / 3));
    const u = s.uplift(0, 1);
    expect(u.response).toBeCloseTo(4);
    expect(u.cost).toBeCloseTo(2);
    expect(u.seResponse).toBeCloseTo(Math.sqrt(4 / 3 + 2 / 2));
    expect(s.groupCount(0)).toBe(5);
    expect(() => s.cell(1, 0)).toThrow(ValidationError);
  });

  it('weights by inverse propensity (Hajek means)', () => {
    const rows = [
      { t: 0, y: 0, c: 0 },
      { t: 1, y: 1, c: 1 },
      { t: 1, y: 3, c: 1 },
    ];
    const s = GroupStats.from(dataset(rows, 2, [0.5, 0.25, 0.5]), { groups: new Int32Array(3), k: 1 });
    // weights 4 and 2: (4*1 + 2*3) / 6
    expect(s.cell(0, 1).response).toBeCloseTo(10 / 6);
    expect(s.cell(0, 1).weight).toBeCloseTo(6);
  });

  it('merge is associative and commutative and equals stats of the concatenated data', () => {
    fc.assert(
      fc.property(shard(3), shard(3), shard(3), (a, b, c) => {
        const [A, B, C] = [statsOf(a, 3), statsOf(b, 3), statsOf(c, 3)];
        const left = A.merge(B).merge(C).moments();
        const right = A.merge(B.merge(C)).moments();
        const swapped = C.merge(A).merge(B).moments();
        for (const key of Object.keys(left) as (keyof typeof left)[]) {
          expect(Array.from(right[key])).toEqual(Array.from(left[key]));
          expect(Array.from(swapped[key])).toEqual(Array.from(left[key]));
        }
        // Integer data: sums are exact, so the merge equals one pass over all rows (with the padding rows of 3 shards).
        const whole = statsOf(
          [
            ...a,
            ...b,
            ...c,
            ...[0, 1, 2].flatMap((t) => [
              { t, y: 0, c: 0, g: 0 },
              { t, y: 0, c: 0, g: 0 },
            ]),
          ],
          3,
        );
        expect(Array.from(whole.moments().sumY)).toEqual(Array.from(left.sumY));
      }),
      { numRuns: 100 },
    );
  });

  it('refuses to merge stats of another shape', () => {
    const a = statsOf([{ t: 0, y: 1, c: 0, g: 0 }], 2);
    const b = statsOf([{ t: 0, y: 1, c: 0, g: 0 }], 3);
    expect(() => a.merge(b)).toThrow(ValidationError);
  });

  it('accumulates seeded Poisson-bootstrap replicates', () => {
    const rows = Array.from({ length: 200 }, (_, i) => ({ t: i % 2, y: i % 7, c: i % 2 }));
    const d = dataset(rows, 2);
    const g = new Int32Array(200);
    const s1 = GroupStats.from(d, { groups: g, k: 1, replicates: 50, seed: 7 });
    const s2 = GroupStats.from(d, { groups: g, k: 1, replicates: 50, seed: 7 });
    expect(Array.from(s1.replicateMeans(3).response)).toEqual(Array.from(s2.replicateMeans(3).response));
    const means = Array.from({ length: 50 }, (_, r) => s1.replicateMeans(r).response[1] as number);
    const avg = means.reduce((x, y) => x + y, 0) / 50;
    const sd = Math.sqrt(means.reduce((x, y) => x + (y - avg) ** 2, 0) / 49);
    expect(avg).toBeCloseTo(s1.cell(0, 1).response, 0);
    // bootstrap sd close to the analytic standard error
    expect(sd / s1.cell(0, 1).seResponse).toBeGreaterThan(0.6);
    expect(sd / s1.cell(0, 1).seResponse).toBeLessThan(1.5);
  });

  it('round-trips through JSON and rejects corrupted JSON with SerializationError', () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ t: i % 3, y: i % 5, c: i % 3 }));
    const s = GroupStats.from(dataset(rows, 3), {
      groups: Int32Array.from(rows, (_, i) => i % 2),
      k: 2,
      replicates: 3,
    });
    const json = JSON.parse(JSON.stringify(s));
    const back = GroupStats.fromJSON(json);
    expect(back.cell(1, 2)).toEqual(s.cell(1, 2));
    expect(Array.from(back.replicateMeans(2).cost)).toEqual(Array.from(s.replicateMeans(2).cost));
    const bad = [
      { ...json, kind: 'Other' },
      { ...json, formatVersion: 99 },
      { ...json, params: { ...json.params, k: -1 } },
      { ...json, state: { ...json.state, sumY: json.state.sumY.slice(1) } },
      { ...json, state: { ...json.state, count: json.state.count.map(() => 'x') } },
      { ...json, state: { ...json.state, weight: json.state.weight.map(() => -1) } },
      null,
      42,
    ];
    for (const b of bad) expect(() => GroupStats.fromJSON(b)).toThrow(SerializationError);
    // A size claimed but not stored is rejected before it is allocated (2e7 replicates would reserve gigabytes).
    const t0 = performance.now();
    expect(() => GroupStats.fromJSON({ ...json, params: { ...json.params, replicates: 2e7 } })).toThrow(
      /GroupStats: params\.replicates|declares more than|replicates/,
    );
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(() => GroupStats.fromJSON({ ...json, extra: true })).toThrow(/GroupStats: extra/);
  });
});
