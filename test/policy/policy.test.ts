import { describe, expect, it } from 'vitest';
import { InfeasibleBudgetError, SerializationError, ValidationError } from '../../src/core/errors.js';
import { datasetFromRows } from '../../src/data/rows.js';
import { AllocationPolicy, POLICY_LIMITS, policyMetadata } from '../../src/policy/index.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';
import { GroupStats, StochasticBudgetSolver } from '../../src/solver/index.js';
import { linearPolicy } from '../helpers/policy.js';
import { linearStudent } from '../helpers/student.js';

const makePolicy = (budgets: number[], k = 6) => linearPolicy({ budgets, k });

describe('AllocationPolicy', () => {
  it('decides per row as in batch, and follows the table of the group', async () => {
    const { policy, test } = await makePolicy([0.1, 0.3, 0.6]);
    const budget = { perUser: 0.3 };
    const batch = policy.decideBatch(test.features, budget);
    const plan = policy.planFor(budget);
    for (let i = 0; i < 200; i++) {
      const x = test.features.subarray(i * test.d, (i + 1) * test.d);
      expect(policy.decide(x, budget)).toBe(batch[i]);
      expect(batch[i]).toBe(policy.table.armFor(plan, policy.groupOf(x)));
      const e = policy.explain(x, budget);
      expect(e.arm).toBe(batch[i]);
      expect(e.armName).toBe(policy.treatmentNames[e.arm]);
      expect(e.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      expect(e.group).toBe(policy.groupOf(x));
    }
  });

  it('uses the plan of the nearest lower grid budget between grid points, never a higher one', async () => {
    const { policy } = await makePolicy([0.1, 0.3, 0.6]);
    expect(policy.planFor({ perUser: 0.45 })).toBe(1);
    expect(policy.planFor({ perUser: 0.3 })).toBe(1);
    expect(policy.planFor({ perUser: 5 })).toBe(2);
    expect(policy.table.cost[policy.planFor({ perUser: 0.45 })]).toBeLessThanOrEqual(0.45 + 1e-9);
    expect(() => policy.planFor({ perUser: 0.05 })).toThrow(InfeasibleBudgetError);
    expect(() => policy.decide(new Float32Array(3), { perUser: 0.3 })).toThrow(ValidationError);
  });

  it('round-trips through JSON with identical decisions', async () => {
    const { policy, test } = await makePolicy([0.1, 0.3, 0.6]);
    const text = JSON.stringify(policy);
    const back = AllocationPolicy.fromJSON(JSON.parse(text));
    const fromString = AllocationPolicy.fromJSON(text);
    for (const b of [0.1, 0.3, 0.6]) {
      const a = policy.decideBatch(test.features, { perUser: b });
      expect(Array.from(back.decideBatch(test.features, { perUser: b }))).toEqual(Array.from(a));
      expect(Array.from(fromString.decideBatch(test.features, { perUser: b }))).toEqual(Array.from(a));
    }
    expect(back.metadata.libraryVersion).toBe(policy.metadata.libraryVersion);
  });

  it('rejects corrupted, foreign or oversized policies with SerializationError', async () => {
    const { policy } = await makePolicy([0.2]);
    const good = JSON.parse(JSON.stringify(policy));
    // biome-ignore lint/suspicious/noExplicitAny: the cases corrupt arbitrary paths of parsed JSON
    const cases: ((j: any) => void)[] = [
      (j) => {
        j.kind = 'Other';
      },
      (j) => {
        j.formatVersion = 99;
      },
      (j) => {
        j.state.student.layers[0].kernel[0] = 'NaN';
      },
      (j) => {
        j.state.student.layers[0].kernel.pop();
      },
      (j) => {
        j.params.treatmentNames = ['only-one'];
      },
      (j) => {
        j.state.table.state.arms[0] = 99;
      },
      (j) => {
        delete j.params.metadata;
      },
      (j) => {
        j.state.student.layers[0].outSize = 1e9;
      },
    ];
    for (const corrupt of cases) {
      const j = structuredClone(good);
      corrupt(j);
      expect(() => AllocationPolicy.fromJSON(j)).toThrow(SerializationError);
    }
    expect(() => AllocationPolicy.fromJSON('{not json')).toThrow(SerializationError);
    const saved = POLICY_LIMITS.maxJsonChars;
    POLICY_LIMITS.maxJsonChars = 100;
    try {
      expect(() => AllocationPolicy.fromJSON(JSON.stringify(good))).toThrow(/exceeds the limit/);
    } finally {
      POLICY_LIMITS.maxJsonChars = saved;
    }
  });

  it('rejects tampered policies that would otherwise change decisions, naming the path', async () => {
    const { policy } = await makePolicy([0.2, 0.4]);
    const good = JSON.parse(JSON.stringify(policy));
    expect(() => AllocationPolicy.fromJSON(structuredClone(good))).not.toThrow();
    // biome-ignore lint/suspicious/noExplicitAny: the cases corrupt arbitrary paths of parsed JSON
    const cases: [string, (j: any) => void, RegExp][] = [
      ['scale 0', (j) => (j.state.student.scale[0] = 0), /state\.student\.scale\.0: expected a positive number/],
      ['negative scale', (j) => (j.state.student.scale[1] = -2), /state\.student\.scale\.1/],
      [
        'duplicate treatment names',
        (j) => (j.params.treatmentNames[2] = j.params.treatmentNames[1]),
        /params\.treatmentNames: treatment '.*' appears more than once/,
      ],
      ['negative table cost', (j) => (j.state.table.state.cost[0] = -1), /state\.table\.state\.cost\.0/],
      ['an extra key', (j) => (j.params.extra = 1), /params\.extra/],
      ['a weight beyond float32', (j) => (j.state.student.layers[0].kernel[3] = 1e300), /kernel\.3/],
      [
        'replicates claimed but not stored',
        (j) => (j.state.stats.params.replicates = 2e7),
        /state\.stats.*(replicates|more than)/,
      ],
      [
        'feature names out of the encoding order',
        (j) => {
          j.params.encoding = { columns: j.params.featureNames.map((name: string) => ({ name, kind: 'numeric' })) };
          j.params.featureNames = [...j.params.featureNames].reverse();
        },
        /encoded names disagree with params\.featureNames/,
      ],
    ];
    for (const [what, corrupt, message] of cases) {
      const j = structuredClone(good);
      corrupt(j);
      const err = (() => {
        try {
          AllocationPolicy.fromJSON(j);
        } catch (e) {
          return e;
        }
        return new Error(`accepted: ${what}`);
      })();
      expect(err, what).toBeInstanceOf(SerializationError);
      expect((err as Error).message, what).toMatch(message);
    }
  });

  it('re-solves for new budgets from its GroupStats', async () => {
    const { policy, test } = await makePolicy([0.1, 0.6]);
    const finer = await policy.withBudgets([0.1, 0.2, 0.3, 0.45, 0.6]);
    expect(await policy.atBudget(0.6)).toBe(policy);
    expect(Array.from((await policy.atBudget(0.45)).table.budgets)).toEqual([0.45]);
    expect(Array.from(finer.table.budgets)).toEqual([0.1, 0.2, 0.3, 0.45, 0.6]);
    for (let i = 0; i < finer.table.size; i++)
      expect(finer.table.cost[i]).toBeLessThanOrEqual((finer.table.budgets[i] as number) + 1e-9);
    // Same student: same groups.
    expect(finer.groupOf(test.features, 0)).toBe(policy.groupOf(test.features, 0));
    // A finer grid never gives less value at a budget than the coarse one.
    expect(finer.table.value[finer.planFor({ perUser: 0.45 })]).toBeGreaterThanOrEqual(
      policy.table.value[policy.planFor({ perUser: 0.45 })] as number,
    );
  });

  it('drops its GroupStats on request: a smaller file, the same grid decisions, no re-solving', async () => {
    const { policy, test } = await makePolicy([0.1, 0.3, 0.6]);
    const slim = policy.withoutStats();
    expect(slim.stats).toBeUndefined();
    expect(policy.stats).toBeDefined();
    const fullText = JSON.stringify(policy);
    const slimText = JSON.stringify(slim);
    expect(slimText.length).toBeLessThan(fullText.length / 2);
    const back = AllocationPolicy.fromJSON(slimText);
    expect(back.stats).toBeUndefined();
    for (const b of [0.1, 0.3, 0.6, 0.45]) {
      expect(Array.from(back.decideBatch(test.features, { perUser: b }))).toEqual(
        Array.from(policy.decideBatch(test.features, { perUser: b })),
      );
    }
    // Off the grid: the plan of the nearest lower grid budget, where the full policy re-solves exactly.
    expect(await back.atBudget(0.45)).toBe(back);
    expect(Array.from((await policy.atBudget(0.45)).table.budgets)).toEqual([0.45]);
    await expect(back.withBudgets([0.45])).rejects.toThrow(ValidationError);
  });

  it('finds the break-even budget in profit mode', async () => {
    const { policy } = await makePolicy([0.1, 0.2, 0.3, 0.45, 0.6, 0.9]);
    for (const v of [0.5, 2, 10]) {
      const b = policy.profitBudget(v);
      const i = policy.planFor(b);
      for (let j = 0; j < policy.table.size; j++) {
        const pj = v * (policy.table.value[j] as number) - (policy.table.cost[j] as number);
        const pi = v * (policy.table.value[i] as number) - (policy.table.cost[i] as number);
        expect(pi).toBeGreaterThanOrEqual(pj - 1e-12);
      }
    }
    expect(() => policy.profitBudget(-1)).toThrow(ValidationError);
  });

  it('decides from raw records with the stored encoding', async () => {
    const rows = Array.from({ length: 400 }, (_, i) => ({
      arm: i % 2 === 0 ? 'none' : 'coupon',
      city: ['a', 'b', 'c'][i % 3] as string,
      age: 20 + (i % 40),
      y: (i * 7) % 5 === 0 ? 1 : 0,
    }));
    const data = datasetFromRows(rows, {
      treatment: 'arm',
      control: 'none',
      response: 'y',
      armCost: { none: 0, coupon: 1 },
      categorical: ['city'],
    });
    const k = 3;
    const student = linearStudent(data.d, k, 1);
    const groups = new Int32Array(data.n);
    const scratch = new Float32Array(k);
    for (let i = 0; i < data.n; i++) groups[i] = student.argmax(data.features, i * data.d, scratch);
    const stats = GroupStats.from(data, { groups, k });
    const table = await new StochasticBudgetSolver().solve(stats, { budgets: [0.5], armNames: data.treatmentNames });
    const policy = new AllocationPolicy({
      student,
      table,
      stats,
      ...(data.encoding !== undefined ? { encoding: data.encoding } : {}),
      featureNames: data.featureNames,
      treatmentNames: data.treatmentNames,
      metadata: policyMetadata(),
    });
    for (let i = 0; i < 30; i++) {
      const r = rows[i] as (typeof rows)[number];
      const x = data.features.subarray(i * data.d, (i + 1) * data.d);
      expect(policy.decideRecord({ city: r.city, age: r.age }, { perUser: 0.5 })).toBe(
        policy.decide(x, { perUser: 0.5 }),
      );
    }
    expect(() => policy.decideRecord({ city: 'a' }, { perUser: 0.5 })).toThrow(/record.age/);
    // An unseen category is an error naming the column, unless onUnknown: 'zero' is asked for.
    expect(() => policy.decideRecord({ city: 'zz', age: 30 }, { perUser: 0.5 })).toThrow(
      /record.city: unknown category "zz" of column 'city'/,
    );
    const zeros = Float32Array.from(policy.featureNames, (n) => (n === 'age' ? 30 : 0));
    expect(policy.decideRecord({ city: 'zz', age: 30 }, { perUser: 0.5 }, { onUnknown: 'zero' })).toBe(
      policy.decide(zeros, { perUser: 0.5 }),
    );
  });

  it('rejects rows with NaN, Infinity or the wrong number of features', async () => {
    const { policy, test } = await makePolicy([0.3]);
    const budget = { perUser: 0.3 };
    const x = Array.from(test.features.subarray(0, test.d));
    expect(() => policy.decide([...x, 1], budget)).toThrow(/expected \d+ features/);
    expect(() => policy.decide(x.slice(1), budget)).toThrow(ValidationError);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const y = [...x];
      y[2] = bad;
      expect(() => policy.decide(y, budget)).toThrow(/x\.2: feature '.*' must be a finite number/);
      const X = test.features.slice(0, 3 * test.d);
      X[test.d + 1] = bad;
      expect(() => policy.decideBatch(X, budget)).toThrow(/X, row 1, feature/);
    }
  });
});

describe('AllocationPolicy with group shares', () => {
  it('splits a group between arms deterministically by the row', async () => {
    const { train } = simulateCouponTrial({ nTrain: 6000, nTest: 10, seed: 2 });
    const k = 4;
    const student = linearStudent(train.d, k, 9);
    const groups = new Int32Array(train.n);
    const scratch = new Float32Array(k);
    for (let i = 0; i < train.n; i++) groups[i] = student.argmax(train.features, i * train.d, scratch);
    const stats = GroupStats.from(train, { groups, k });
    const table = await new StochasticBudgetSolver({ shares: 10 }).solve(stats, {
      budgets: [0.3],
      armNames: train.treatmentNames,
    });
    expect(table.shares).toBeDefined();
    const policy = new AllocationPolicy({
      student,
      table,
      stats,
      featureNames: train.featureNames,
      treatmentNames: train.treatmentNames,
      metadata: policyMetadata(),
    });
    const a = policy.decideBatch(train.features, { perUser: 0.3 });
    const b = policy.decideBatch(train.features, { perUser: 0.3 });
    expect(Array.from(a)).toEqual(Array.from(b));
    // Within each group, the realised arm shares follow the plan's shares.
    for (let g = 0; g < k; g++) {
      const rows = [...groups.keys()].filter((i) => groups[i] === g);
      if (rows.length < 500) continue;
      for (let j = 0; j < train.treatmentNames.length; j++) {
        const share = table.shares?.[g * table.m + j] as number;
        const got = rows.filter((i) => a[i] === j).length / rows.length;
        expect(Math.abs(got - share)).toBeLessThan(0.06);
      }
    }
  });
});

describe('policyMetadata', () => {
  it('stamps SOURCE_DATE_EPOCH as the creation time when it is set (byte-identical policies)', () => {
    const before = process.env.SOURCE_DATE_EPOCH;
    try {
      process.env.SOURCE_DATE_EPOCH = '1700000000';
      expect(policyMetadata({ seed: 1 }).createdAt).toBe('2023-11-14T22:13:20.000Z');
      expect(JSON.stringify(policyMetadata({ seed: 1 }))).toBe(JSON.stringify(policyMetadata({ seed: 1 })));
      delete process.env.SOURCE_DATE_EPOCH;
      expect(Date.parse(policyMetadata().createdAt)).toBeGreaterThan(Date.parse('2024-01-01'));
    } finally {
      if (before === undefined) delete process.env.SOURCE_DATE_EPOCH;
      else process.env.SOURCE_DATE_EPOCH = before;
    }
  });
});
