import { DuckDBInstance } from '@duckdb/node-api';
import type { AllocationPolicy } from '../src/policy/index.js';
import { median, time } from './harness.js';

/**
 * Loads the users of `X` (row-major, `policy.d` float columns) into an in-memory DuckDB table `users(id, x0, ...)`,
 * then runs the policy's SQL `runs` times into a table (`CREATE OR REPLACE TABLE decisions AS ...`) and returns the
 * median seconds of the query and the arm of each user. DuckDB runs on 2 threads.
 */
export async function duckdbScoring(
  policy: AllocationPolicy,
  X: Float32Array,
  budget: { perUser: number },
  runs: number,
): Promise<{ seconds: number; arms: Int32Array; loadSeconds: number; queryChars: number }> {
  const d = policy.d;
  const n = X.length / d;
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const db = await instance.connect();
  try {
    const cols = policy.featureNames.map((f) => `"${f.replaceAll('"', '""')}" FLOAT`).join(', ');
    const load = await time(async () => {
      await db.run(`CREATE TABLE users (id INTEGER, ${cols})`);
      const app = await db.createAppender('users');
      for (let i = 0; i < n; i++) {
        app.appendInteger(i);
        for (let j = 0; j < d; j++) app.appendFloat(X[i * d + j] as number);
        app.endRow();
      }
      app.closeSync();
    });
    const sql = policy.toSQL({ table: 'users', idColumn: 'id', dialect: 'duckdb', budget, includeIndices: true });
    const secs: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t = await time(() => db.run(`CREATE OR REPLACE TABLE decisions AS ${sql}`));
      secs.push(t.seconds);
    }
    const cols2 = (await db.runAndReadAll('SELECT id, hrc_arm FROM decisions')).getColumnsJS();
    const arms = new Int32Array(n).fill(-1);
    const ids = cols2[0] as number[];
    const a = cols2[1] as number[];
    for (let i = 0; i < ids.length; i++) arms[ids[i] as number] = a[i] as number;
    return { seconds: median(secs), arms, loadSeconds: load.seconds, queryChars: sql.length };
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}
