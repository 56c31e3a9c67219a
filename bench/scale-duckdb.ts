/**
 * Child process of the scale benchmark (`node --import tsx bench/scale-duckdb.ts POLICY CSV OUT BUDGET`): scores a
 * CSV of users with the policy's SQL on embedded DuckDB (2 threads), reading the CSV and writing `id,treatment`
 * with COPY, as a user would where the data lives. Prints `{ seconds, rows }`.
 */
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { AllocationPolicy } from '../src/policy/index.js';

const [policyPath, csv, out, budget] = process.argv.slice(2) as [string, string, string, string];
const policy = AllocationPolicy.fromJSON(readFileSync(policyPath, 'utf8'));
const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;
const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const db = await instance.connect();
const t0 = performance.now();
await db.run(`CREATE VIEW users AS SELECT * FROM read_csv(${lit(csv)}, header = true)`);
const sql = policy.toSQL({ table: 'users', idColumn: 'id', dialect: 'duckdb', budget: { perUser: Number(budget) } });
await db.run(`COPY (${sql}) TO ${lit(out)} (HEADER, DELIMITER ',')`);
const seconds = (performance.now() - t0) / 1000;
const rows = (await db.runAndReadAll(`SELECT count(*) FROM read_csv(${lit(out)}, header = true)`)).getRowsJS()[0]?.[0];
db.closeSync();
instance.closeSync();
process.stdout.write(`${JSON.stringify({ seconds, rows: Number(rows) })}\n`);
