import { afterAll, describe, expect, it } from 'vitest';
import { parseCSVText } from '../../src/data/csv.js';
import { encodeRecord } from '../../src/data/encoding.js';
import { type PgServer, startPostgres } from '../helpers/postgres.js';
import { ARMS, D, encoding, logits64, N, policyWith, users } from './sql-fixture.js';

const started = startPostgres();
const server: PgServer | undefined = typeof started === 'string' ? undefined : started;
const why = typeof started === 'string' ? ` (skipped: ${started})` : '';
if (typeof started === 'string') process.stderr.write(`postgres.test.ts: skipping, ${started}\n`);

afterAll(() => server?.stop());

describe.skipIf(server === undefined)(`AllocationPolicy.toSQL('postgres') on a PostgreSQL server${why}`, () => {
  it('gives decideBatch decisions on 100,000 users, but for float ties', async () => {
    const pg = server as PgServer;
    const policy = await policyWith();
    const people = users(N);
    const X = new Float32Array(N * D);
    people.forEach((u, i) => {
      // SQL encodes an unknown city as all zeros; so does encodeRecord with onUnknown: 'zero'.
      encodeRecord(encoding, u as unknown as Record<string, number | string | null>, X.subarray(i * D, (i + 1) * D), {
        onUnknown: 'zero',
      });
    });
    pg.psql('CREATE TABLE "my users" (user_id INTEGER, age DOUBLE PRECISION, city TEXT, spend REAL, visits INTEGER)');
    const csv = people
      .map((u) => {
        const city = u.city === null ? '' : `"${u.city.replaceAll('"', '""')}"`;
        return `${u.id},${u.age ?? ''},${city},${u.spend},${u.visits}`;
      })
      .join('\n');
    pg.psql(`COPY "my users" FROM STDIN WITH (FORMAT csv, NULL '')`, `${csv}\n`);
    expect(pg.psql('SELECT count(*) FROM "my users"').trim()).toMatch(new RegExp(`\\b${N}\\b`));
    for (const budget of [1, 1.7]) {
      const sql = policy.toSQL({
        table: 'my users',
        idColumn: 'user_id',
        dialect: 'postgres',
        budget: { perUser: budget },
        includeIndices: true,
      });
      const rows = parseCSVText(pg.psql(`COPY (${sql} ORDER BY 1) TO STDOUT WITH (FORMAT csv)`));
      expect(rows.length).toBe(N);
      const arms = policy.decideBatch(X, { perUser: budget });
      const groups = policy.student.argmaxBatch(X, new Int32Array(N));
      const plan = policy.planFor({ perUser: budget });
      let ties = 0;
      const wrong: string[] = [];
      for (let i = 0; i < N && wrong.length <= 5; i++) {
        const [id, name, g, a] = rows[i] as [string, string, string, string];
        expect(Number(id)).toBe(i);
        const sqlGroup = Number(g);
        const sqlArm = Number(a);
        if (sqlGroup !== groups[i]) {
          const z = logits64(policy.student, X, i * D);
          const scale = 1 + Math.max(...z.map(Math.abs));
          if (Math.abs((z[sqlGroup] as number) - (z[groups[i] as number] as number)) < 1e-5 * scale) ties++;
          else wrong.push(`row ${i}: SQL group ${sqlGroup}, decideBatch group ${groups[i]}`);
        } else if (sqlArm !== arms[i]) wrong.push(`row ${i}: SQL arm ${sqlArm}, decideBatch arm ${arms[i]}`);
        if (sqlArm !== policy.table.armFor(plan, sqlGroup) || name !== ARMS[sqlArm])
          wrong.push(`row ${i}: arm ${sqlArm} named ${name} is not the plan's arm of group ${sqlGroup}`);
      }
      expect(wrong).toEqual([]);
      expect(ties).toBeLessThan(N / 1000);
      expect(new Set(arms).size).toBeGreaterThan(1);
    }
  }, 300_000);
});
