import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { RNG } from '../../src/core/rng.js';
import type { FeatureEncoding } from '../../src/data/encoding.js';
import { encodeRecord } from '../../src/data/encoding.js';
import { AllocationPolicy, policyMetadata, StudentNet } from '../../src/policy/index.js';
import { type SQL_DIALECTS, sqlNumber } from '../../src/policy/sql.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';
import { AllocationTable, GroupStats, StochasticBudgetSolver } from '../../src/solver/index.js';
import { ARMS, D, encoding, logits64, N, policyWith, type User, users } from './sql-fixture.js';

let instance: DuckDBInstance;
let db: DuckDBConnection;
let policy: AllocationPolicy;
let people: User[];
let X: Float32Array;

beforeAll(async () => {
  policy = await policyWith();
  people = users(N);
  X = new Float32Array(N * D);
  people.forEach((u, i) => {
    // SQL encodes an unknown city as all zeros; so does encodeRecord with onUnknown: 'zero'.
    encodeRecord(encoding, u as unknown as Record<string, number | string | null>, X.subarray(i * D, (i + 1) * D), {
      onUnknown: 'zero',
    });
  });
  instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  db = await instance.connect();
  await db.run('CREATE TABLE "my users" (user_id INTEGER, age DOUBLE, city VARCHAR, spend FLOAT, visits INTEGER)');
  const app = await db.createAppender('my users');
  for (const u of people) {
    app.appendInteger(u.id);
    if (u.age === null) app.appendNull();
    else app.appendDouble(u.age);
    if (u.city === null) app.appendNull();
    else app.appendVarchar(u.city);
    app.appendFloat(u.spend);
    app.appendInteger(u.visits);
    app.endRow();
  }
  app.closeSync();
}, 60_000);

afterAll(() => {
  db?.closeSync();
  instance?.closeSync();
});

async function runSql(budget: number): Promise<{ group: Int32Array; arm: Int32Array; name: string[] }> {
  const sql = policy.toSQL({
    table: ['my users'],
    idColumn: 'user_id',
    dialect: 'duckdb',
    budget: { perUser: budget },
    includeIndices: true,
  });
  const cols = (await db.runAndReadAll(`${sql} ORDER BY 1`)).getColumnsJS();
  const [ids, names, groups, armIdx] = cols as [number[], string[], number[], number[]];
  expect(ids.length).toBe(N);
  expect(ids.every((id, i) => id === i)).toBe(true);
  const group = Int32Array.from(groups);
  const arm = Int32Array.from(armIdx);
  const name = names;
  return { group, arm, name };
}

describe('AllocationPolicy.toSQL on DuckDB', () => {
  it('gives decideBatch decisions on 100,000 users, but for float ties', async () => {
    for (const budget of [1, 1.7]) {
      const got = await runSql(budget);
      const arms = policy.decideBatch(X, { perUser: budget });
      const plan = policy.planFor({ perUser: budget });
      let ties = 0;
      const wrong: string[] = [];
      const groups = policy.student.argmaxBatch(X, new Int32Array(N));
      for (let i = 0; i < N; i += 997) expect(groups[i]).toBe(policy.groupOf(X.subarray(i * D, (i + 1) * D)));
      for (let i = 0; i < N; i++) {
        const jsGroup = groups[i] as number;
        const sqlGroup = got.group[i] as number;
        if (sqlGroup !== jsGroup) {
          // A float tie: the two groups' logits, recomputed in float64, are within float rounding of each other
          // (relative 1e-5). StudentNet evaluates in float64 in the query's order, so DuckDB gives none; an engine
          // that reorders sums could.
          const z = logits64(policy.student, X, i * D);
          const scale = 1 + Math.max(...z.map(Math.abs));
          if (Math.abs((z[sqlGroup] as number) - (z[jsGroup] as number)) < 1e-5 * scale) ties++;
          else wrong.push(`row ${i}: SQL group ${sqlGroup}, decideBatch group ${jsGroup}, logits ${z.join(' ')}`);
        } else if (got.arm[i] !== arms[i]) wrong.push(`row ${i}: SQL arm ${got.arm[i]}, decideBatch arm ${arms[i]}`);
        if (got.arm[i] !== policy.table.armFor(plan, sqlGroup) || got.name[i] !== ARMS[got.arm[i] as number])
          wrong.push(`row ${i}: arm ${got.arm[i]} named ${got.name[i]} is not the plan's arm of group ${sqlGroup}`);
        if (wrong.length > 5) break;
      }
      expect(wrong).toEqual([]);
      expect(ties).toBeLessThan(N / 1000);
      expect(new Set(got.arm).size).toBeGreaterThan(1);
    }
  }, 60_000);

  it('takes the plan of the nearest lower grid budget and reads missing values as the encoding does', async () => {
    const on = await runSql(1.5);
    const between = await runSql(2.4);
    expect(Array.from(between.arm)).toEqual(Array.from(on.arm));
    const missingAge = people.findIndex((u) => u.age === null);
    const unknownCity = people.findIndex((u) => u.city === 'mars');
    const nullCity = people.findIndex((u) => u.city === null);
    for (const i of [missingAge, unknownCity, nullCity]) {
      expect(i).toBeGreaterThanOrEqual(0);
      expect(on.group[i]).toBe(policy.groupOf(X, i * D));
    }
  });

  it('returns NULL for a user missing a numeric feature without a fill value', async () => {
    const sql = policy.toSQL({ table: 't', idColumn: 'id', dialect: 'duckdb', budget: { perUser: 1 } });
    await db.run(
      `CREATE TEMP TABLE t AS SELECT * FROM (VALUES (1, 30.0, 'south', NULL, 2), (2, 30.0, 'south', 5.0, 2)) v(id, age, city, spend, visits)`,
    );
    const rows = (await db.runAndReadAll(`${sql} ORDER BY id`)).getRowsJS();
    expect(rows[0]?.[1]).toBeNull();
    expect(ARMS).toContain(rows[1]?.[1]);
  });

  it('keeps untrusted metadata out of the query', () => {
    const sql = policy.toSQL({ table: 'u', idColumn: 'id', budget: { perUser: 1 } });
    expect(sql).not.toContain('DROP TABLE');
    expect(sql.split('\n')[0]).toMatch(/^-- hrc-budget [\w.+-]+ policy \(xDROPTABLEusers--\)/);
  });
});

describe('toSQL dialects and errors', () => {
  it('quotes and escapes per dialect', () => {
    const q = (dialect: (typeof SQL_DIALECTS)[number]) =>
      policy.toSQL({ table: 'analytics.users', idColumn: 'user id', dialect, budget: { perUser: 1 } });
    for (const d of ['bigquery', 'spark'] as const) {
      expect(q(d)).toContain('FROM `analytics`.`users`');
      expect(q(d)).toContain("'o\\'hare'");
      expect(q(d)).toContain("'back\\\\slash'");
    }
    for (const d of ['duckdb', 'postgres', 'trino', 'ansi'] as const) {
      expect(q(d)).toContain('FROM "analytics"."users"');
      expect(q(d)).toContain("'o''hare'");
      expect(q(d)).toContain("'back\\slash'");
    }
    expect(q('bigquery')).toContain('CAST(`age` AS FLOAT64)');
    expect(q('postgres')).toContain('CAST("age" AS DOUBLE PRECISION)');
    expect(q('trino')).toContain('CAST("age" AS DOUBLE)');
    expect(q('spark')).toContain('CAST(`city` AS STRING)');
  });

  it('writes numbers as double literals that round-trip', () => {
    for (const v of [0, 1, -2.5, 0.1, 1e-30, Math.fround(0.1), 123456789.123]) {
      const s = sqlNumber(v);
      expect(s).toMatch(/^-?\d(\.\d+)?E-?\d+$/);
      expect(Number(s)).toBe(v);
    }
  });

  it('rejects plans that split groups (shares), unknown dialects, empty names and infeasible budgets', async () => {
    const t = policy.table;
    const shares = new Float64Array(t.size * t.k * t.m);
    for (let b = 0; b < t.size; b++)
      for (let g = 0; g < t.k; g++) {
        const o = (b * t.k + g) * t.m;
        shares[o + (t.arms[b * t.k + g] as number)] = 1;
      }
    const oneHot = await policyWith(new AllocationTable({ ...t, shares }));
    expect(oneHot.toSQL({ table: 'u', idColumn: 'id', budget: { perUser: 1 } })).toBe(
      policy.toSQL({ table: 'u', idColumn: 'id', budget: { perUser: 1 } }),
    );
    const split = shares.slice();
    const o = (1 * t.k + 2) * t.m;
    split.fill(0, o, o + t.m);
    split[o] = 0.25;
    split[o + 1] = 0.75;
    const splitPolicy = await policyWith(new AllocationTable({ ...t, shares: split }));
    expect(() => splitPolicy.toSQL({ table: 'u', idColumn: 'id', budget: { perUser: 1 } })).toThrow(
      /splits group 2 between arms/,
    );
    expect(splitPolicy.toSQL({ table: 'u', idColumn: 'id', budget: { perUser: 0.5 } })).toContain('SELECT');
    const bad = [
      () => policy.toSQL({ table: 'u', idColumn: 'id', budget: { perUser: 1 }, dialect: 'mysql' as 'ansi' }),
      () => policy.toSQL({ table: 'a..b', idColumn: 'id', budget: { perUser: 1 } }),
      () => policy.toSQL({ table: 'u', idColumn: '', budget: { perUser: 1 } }),
    ];
    for (const f of bad) expect(f).toThrow(ValidationError);
    expect(() => policy.toSQL({ table: 'u', idColumn: 'id', budget: { perUser: 0.01 } })).toThrow(/below/);
  });
});

describe('AllocationPolicy.toSQL with an (other) column', () => {
  it('sends values the policy does not know to (other), as decideRecord does', async () => {
    const { train } = simulateCouponTrial({ nTrain: 3000, nTest: 10, seed: 5 });
    const r = new RNG(4);
    const k = 4;
    const enc: FeatureEncoding = {
      columns: [
        { name: 'city', kind: 'categorical', categories: ['a', 'b'], other: true },
        { name: 'age', kind: 'numeric' },
      ],
    };
    const layer = {
      inSize: 4,
      outSize: k,
      kernel: Float32Array.from({ length: 4 * k }, () => r.normal()),
      bias: new Float32Array(k),
      activation: 'linear' as const,
    };
    const s = new StudentNet([layer], new Float32Array(4), new Float32Array(4).fill(1));
    const stats = GroupStats.from(train, { groups: Int32Array.from({ length: train.n }, () => r.int(k)), k });
    const table = await new StochasticBudgetSolver().solve(stats, { budgets: [1, 2], armNames: train.treatmentNames });
    const p = new AllocationPolicy({
      student: s,
      table,
      encoding: enc,
      featureNames: ['city=a', 'city=b', 'city=(other)', 'age'],
      treatmentNames: train.treatmentNames,
      metadata: policyMetadata(),
    });
    const users = Array.from({ length: 200 }, (_, i) => ({
      id: i,
      city: ['a', 'b', 'zz', 'q'][i % 4] as string,
      age: (i % 37) / 10,
    }));
    await db.run('CREATE TABLE other_users (id INTEGER, city VARCHAR, age DOUBLE)');
    await db.run(`INSERT INTO other_users VALUES ${users.map((u) => `(${u.id}, '${u.city}', ${u.age})`).join(', ')}`);
    const sql = p.toSQL({
      table: 'other_users',
      idColumn: 'id',
      dialect: 'duckdb',
      budget: { perUser: 1 },
      includeIndices: true,
    });
    const cols = (await db.runAndReadAll(`${sql} ORDER BY 1`)).getColumnsJS() as [
      number[],
      string[],
      number[],
      number[],
    ];
    for (const u of users) {
      const x = p.encode(u);
      expect(x[2]).toBe(u.city === 'a' || u.city === 'b' ? 0 : 1);
      expect(cols[2][u.id]).toBe(p.groupOf(x));
    }
  });
});
