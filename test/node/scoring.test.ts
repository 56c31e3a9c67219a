import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { RNG } from '../../src/core/rng.js';
import { parseCSVRecords } from '../../src/data/csv-grammar.js';
import { datasetFromRows } from '../../src/data/rows.js';
import { assignCSV, csvChunks, ParallelScorer } from '../../src/node.js';
import { AllocationPolicy, policyMetadata } from '../../src/policy/index.js';
import { GroupStats, StochasticBudgetSolver } from '../../src/solver/index.js';
import { linearStudent } from '../helpers/student.js';

const dir = mkdtempSync(join(tmpdir(), 'hrc-scoring-'));

/** A trial with a categorical column, a policy over it, and the rows as raw records. */
async function setup(n: number) {
  const r = new RNG(4);
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
  const stats = GroupStats.from(data, { groups, k });
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

function toCSV(rows: Record<string, string | number>[], crlf = false): string {
  const cols = Object.keys(rows[0] as object);
  const q = (v: string | number) =>
    typeof v === 'string' && /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : String(v);
  const eol = crlf ? '\r\n' : '\n';
  return `${cols.join(',')}${eol}${rows.map((r) => cols.map((c) => q(r[c] as string | number)).join(',')).join(eol)}${eol}`;
}

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

  it('cuts at the tokenizer’s record boundaries (LF, CRLF, lone CR, quotes), with its line numbers', async () => {
    const r = new RNG(9);
    const eols = ['\n', '\r\n', '\r'];
    for (let trial = 0; trial < 12; trial++) {
      const eol = trial < 3 ? (eols[trial] as string) : () => eols[r.int(3)] as string;
      const end = () => (typeof eol === 'string' ? eol : eol());
      let text = `a,b${end()}`;
      for (let i = 0; i < 400; i++) {
        const q = r.next() < 0.3 ? `"x${end()}""y"",${i}"` : `v${i}`;
        text += `${i},${q}${end()}`;
        if (r.next() < 0.05) text += end();
      }
      const file = join(dir, `grammar-${trial}.csv`);
      writeFileSync(file, text);
      const whole = parseCSVRecords(text);
      const got: { values: readonly string[]; line: number }[] = [];
      let joined = '';
      for await (const c of csvChunks(file, 64 + r.int(300))) {
        const s = new TextDecoder().decode('header' in c ? c.header : c.bytes);
        joined += s;
        got.push(...('header' in c ? parseCSVRecords(s) : parseCSVRecords(s, ',', c.line)));
      }
      expect(joined).toBe(text);
      expect(got).toEqual(whole);
    }
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

describe('assignCSV', () => {
  it('writes id,treatment in input order, matching decideRecord, with ids from a column', async () => {
    const { rows, policy } = await setup(4000);
    const input = join(dir, 'users.csv');
    writeFileSync(input, toCSV(rows, true));
    const output = join(dir, 'decisions.csv');
    const res = await assignCSV(policy, {
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
    writeFileSync(input, toCSV(rows));
    const output = join(dir, 'noid-out.csv');
    await assignCSV(policy, { input, output, budget: { perUser: 1 }, workers: 1, chunkBytes: 1000 });
    const lines = readFileSync(output, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('id,treatment');
    expect(lines[1]?.startsWith('0,')).toBe(true);
    expect(lines[500]?.startsWith('499,')).toBe(true);
  });

  it('names a missing column or a bad value and leaves no output behind', async () => {
    const { rows, policy } = await setup(300);
    const input = join(dir, 'bad.csv');
    writeFileSync(input, toCSV(rows.map(({ age: _, ...r }) => r)));
    const output = join(dir, 'bad-out.csv');
    await expect(assignCSV(policy, { input, output, budget: { perUser: 1 }, workers: 1 })).rejects.toThrow(
      /missing feature column 'age'/,
    );
    const bad = rows.map((r, i) => (i === 123 ? { ...r, age: 'old' } : r));
    writeFileSync(input, toCSV(bad));
    const err = await assignCSV(policy, { input, output, budget: { perUser: 1 }, workers: 2, chunkBytes: 500 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ValidationError);
    // Row 123 is on line 125 of the file (the header is line 1).
    expect((err as ValidationError).issues[0]?.path).toEqual(['line', 125, 'column', 'age']);
    expect(readdirSync(dir).filter((f) => f.includes('bad-out'))).toEqual([]);
  });

  it('names the line of a category the policy does not know, or encodes it as zeros with onUnknown zero', async () => {
    const { rows, policy } = await setup(400);
    const input = join(dir, 'unknown-city.csv');
    writeFileSync(input, toCSV(rows.map((r, i) => (i === 321 ? { ...r, city: 'atlantis' } : r))));
    const output = join(dir, 'unknown-out.csv');
    const err = await assignCSV(policy, { input, output, budget: { perUser: 1 }, workers: 2, chunkBytes: 900 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues[0]?.path).toEqual(['line', 323, 'column', 'city']);
    expect((err as Error).message).toMatch(/unknown category "atlantis" of column 'city'/);
    const res = await assignCSV(policy, { input, output, budget: { perUser: 1 }, workers: 2, onUnknown: 'zero' });
    expect(res.rows).toBe(400);
  });

  it('reads CR-only line ends as fit does', async () => {
    const { rows, policy } = await setup(600);
    const input = join(dir, 'cr.csv');
    writeFileSync(input, toCSV(rows).replaceAll('\n', '\r'));
    const output = join(dir, 'cr-out.csv');
    const res = await assignCSV(policy, { input, output, budget: { perUser: 0.5 }, workers: 2, chunkBytes: 700 });
    expect(res.rows).toBe(600);
    const lines = readFileSync(output, 'utf8').trimEnd().split('\n');
    rows.forEach((r, i) => {
      expect(lines[i + 1]).toBe(`${i},${policy.treatmentNames[policy.decideRecord(r, { perUser: 0.5 })]}`);
    });
  });

  it('rejects a header that names a column twice', async () => {
    const { rows, policy } = await setup(50);
    const input = join(dir, 'dup.csv');
    const text = toCSV(rows);
    writeFileSync(input, text.replace('\n', ',age\n').replaceAll(/\n(?!$)/g, ',1\n'));
    const err = await assignCSV(policy, { input, output: join(dir, 'dup-out.csv'), budget: { perUser: 1 } }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/column name "age" appears more than once/);
  });

  it('names the line of bytes that are not UTF-8, and reads them with encoding latin1', async () => {
    const { rows, policy } = await setup(300);
    const withIds = rows.map((r, i) => ({ ...r, uid: i === 200 ? 'caf\u00e9' : i === 201 ? 'caf\u00e8' : r.uid }));
    const text = toCSV(withIds);
    const bytes = Buffer.from(text, 'latin1');
    const input = join(dir, 'latin1.csv');
    writeFileSync(input, bytes);
    const output = join(dir, 'latin1-out.csv');
    const opts = { input, output, budget: { perUser: 1 }, idColumn: 'uid', workers: 2, chunkBytes: 600 } as const;
    const err = await assignCSV(policy, opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues[0]?.path).toEqual(['line', 202]);
    expect((err as Error).message).toMatch(/0xE9 is not valid UTF-8.*latin1/);
    await assignCSV(policy, { ...opts, encoding: 'latin1' });
    const lines = readFileSync(output, 'utf8').split('\n');
    expect(lines[201]?.startsWith('caf\u00e9,')).toBe(true);
    expect(lines[202]?.startsWith('caf\u00e8,')).toBe(true);
  });

  it('reports a worker’s malformed CSV as a ValidationError with the file’s line, not an unhandled rejection', async () => {
    const { rows, policy } = await setup(3000);
    const lines = toCSV(rows).split('\n');
    lines[2500] = `${lines[2500]},"open`;
    const input = join(dir, 'open-quote.csv');
    writeFileSync(input, lines.join('\n'));
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      for (let run = 0; run < 3; run++) {
        const err = await assignCSV(policy, {
          input,
          output: join(dir, 'open-out.csv'),
          budget: { perUser: 1 },
          workers: 2,
          chunkBytes: 2000,
        }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ValidationError);
        // The same line as a parse of the whole file gives (the quote closes on the next line, in its city).
        expect((err as ValidationError).issues[0]?.path).toEqual(['line', 2502]);
        expect(() => parseCSVRecords(lines.join('\n'))).toThrow(/^line 2502: /);
      }
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
