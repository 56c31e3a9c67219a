import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { datasetFromRows } from '../../src/data/rows.js';
import { assignCsv, csvChunks, ParallelScorer } from '../../src/node.js';
import { AllocationPolicy, policyMetadata } from '../../src/policy/index.js';
import { GroupStats, StochasticBudgetSolver } from '../../src/solver/index.js';
import { buildDist } from '../helpers/build.js';
import { linearStudent } from '../helpers/student.js';

const dir = mkdtempSync(join(tmpdir(), 'hrc-scoring-'));

/** A trial with a categorical column, a policy over it, and the rows as raw records. */
async function setup(n: number) {
  const r = new Rng(4);
  const cities = ['north, east', 'south', 'west "x"'];
  const rows = Array.from({ length: n }, (_, i) => ({
    uid: `u${i}`,
    arm: ['none', 'small', 'big'][i % 3] as string,
    city: cities[r.int(3)] as string,
    age: Math.round(20 + 40 * r.next()),
    spend: Number((100 * r.next()).toFixed(2)),
    y: r.next() < 0.1 + (i % 3) * 0.05 ? 1 : 0,
  }));
  const data = datasetFromRows(rows, {
    treatment: 'arm',
    control: 'none',
    response: 'y',
    armCost: { none: 0, small: 1, big: 2 },
    categorical: ['city'],
    id: 'uid',
  });
  const k = 5;
  const s = linearStudent(data.d, k, 2);
  const groups = new Int32Array(data.n);
  const scratch = new Float32Array(k);
  for (let i = 0; i < data.n; i++) groups[i] = s.argmax(data.features, i * data.d, scratch);
  const stats = GroupStats.from(data, groups, k);
  const table = await new StochasticBudgetSolver().solve(stats, {
    budgets: [0.2, 0.5, 1.0],
    armNames: data.treatmentNames,
  });
  const policy = new AllocationPolicy({
    student: s,
    table,
    stats,
    ...(data.encoding !== undefined ? { encoding: data.encoding } : {}),
    featureNames: data.featureNames,
    treatmentNames: data.treatmentNames,
    metadata: policyMetadata(),
  });
  return { rows, data, policy };
}

function toCsv(rows: Record<string, string | number>[], crlf = false): string {
  const cols = Object.keys(rows[0] as object);
  const q = (v: string | number) =>
    typeof v === 'string' && /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : String(v);
  const eol = crlf ? '\r\n' : '\n';
  return `${cols.join(',')}${eol}${rows.map((r) => cols.map((c) => q(r[c] as string | number)).join(',')).join(eol)}${eol}`;
}

beforeAll(() => buildDist(), 180_000);

describe('csvChunks', () => {
  it('cuts only at record boundaries, quoted newlines included', async () => {
    let text = 'a,b\n';
    for (let i = 0; i < 3000; i++) text += `${i},"line\n""${i}"", more"\r\n`;
    const file = join(dir, 'chunks.csv');
    writeFileSync(file, text);
    let joined = '';
    let chunks = 0;
    for await (const c of csvChunks(file, 2000)) {
      const s = new TextDecoder().decode('header' in c ? c.header : c.bytes);
      if (!('header' in c)) {
        chunks++;
        expect(s.endsWith('\r\n')).toBe(true);
        expect((s.match(/"/g) ?? []).length % 2).toBe(0);
      }
      joined += s;
    }
    expect(joined).toBe(text);
    expect(chunks).toBeGreaterThan(10);
  });
});

describe('ParallelScorer', () => {
  it('gives the same arms as decideBatch on 2 workers', async () => {
    const { data, policy } = await setup(3000);
    const scorer = await ParallelScorer.create(policy, { workers: 2, taskRows: 700 });
    try {
      for (const b of [0.2, 0.5, 1.0]) {
        const got = await scorer.decideBatch(data.features, { perUser: b });
        expect(Array.from(got)).toEqual(Array.from(policy.decideBatch(data.features, { perUser: b })));
      }
    } finally {
      await scorer.close();
    }
  });
});

describe('assignCsv', () => {
  it('writes id,treatment in input order, matching decideRecord, with ids from a column', async () => {
    const { rows, policy } = await setup(4000);
    const input = join(dir, 'users.csv');
    writeFileSync(input, toCsv(rows, true));
    const output = join(dir, 'decisions.csv');
    const res = await assignCsv(policy, {
      input,
      output,
      budget: { perUser: 0.5 },
      idColumn: 'uid',
      workers: 2,
      chunkBytes: 8192,
    });
    expect(res.rows).toBe(rows.length);
    const lines = readFileSync(output, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('uid,treatment');
    expect(lines.length).toBe(rows.length + 1);
    const counts = [0, 0, 0];
    rows.forEach((r, i) => {
      const arm = policy.decideRecord(r, { perUser: 0.5 });
      counts[arm] = (counts[arm] as number) + 1;
      expect(lines[i + 1]).toBe(`${r.uid},${policy.treatmentNames[arm]}`);
    });
    expect(res.armCounts).toEqual(counts);
  });

  it('numbers rows when no id column is given', async () => {
    const { rows, policy } = await setup(500);
    const input = join(dir, 'noid.csv');
    writeFileSync(input, toCsv(rows));
    const output = join(dir, 'noid-out.csv');
    await assignCsv(policy, { input, output, budget: { perUser: 1 }, workers: 1, chunkBytes: 1000 });
    const lines = readFileSync(output, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('id,treatment');
    expect(lines[1]?.startsWith('0,')).toBe(true);
    expect(lines[500]?.startsWith('499,')).toBe(true);
  });

  it('names a missing column or a bad value and leaves no output behind', async () => {
    const { rows, policy } = await setup(300);
    const input = join(dir, 'bad.csv');
    writeFileSync(input, toCsv(rows.map(({ age: _, ...r }) => r)));
    const output = join(dir, 'bad-out.csv');
    await expect(assignCsv(policy, { input, output, budget: { perUser: 1 }, workers: 1 })).rejects.toThrow(
      /missing feature column 'age'/,
    );
    const bad = rows.map((r, i) => (i === 123 ? { ...r, age: 'old' } : r));
    writeFileSync(input, toCsv(bad));
    const err = await assignCsv(policy, { input, output, budget: { perUser: 1 }, workers: 2, chunkBytes: 500 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues[0]?.path).toEqual(['data row', 123, 'column', 'age']);
    expect(readdirSync(dir).filter((f) => f.includes('bad-out'))).toEqual([]);
  });
});
