import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { loadCSV, parseCSVText } from '../../src/data/csv.js';
import { hillstromSchema, starbucksSchema, type TrialSchema } from '../../src/data/schema.js';
import { fixture, itWithFiles, sharedData } from '../helpers/shared.js';

const HILLSTROM = sharedData('hillstrom_email/hillstrom.csv');
const STARBUCKS = sharedData('starbucks_promotion/training.csv');
const schema: TrialSchema = { treatment: 'arm', control: 'ctl', response: 'y', cost: 'c' };
const armSchema: TrialSchema = { treatment: 'arm', control: 'ctl', response: 'y', armCost: { ctl: 0, treat: 1 } };

function csv(text: string): Readable {
  return Readable.from([text]);
}

async function expectIssue(text: string, s: TrialSchema, pattern: RegExp, path?: (string | number)[]) {
  const err = await loadCSV(csv(text), s).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ValidationError);
  const ve = err as ValidationError;
  expect(ve.code).toBe('VALIDATION');
  expect(ve.message).toMatch(pattern);
  if (path !== undefined) expect(ve.issues[0]?.path).toEqual(path);
}

describe('loadCSV on the committed samples of the trials', () => {
  it('reads the Hillstrom sample (CRLF, quoted commas) with its arm counts', async () => {
    const data = await loadCSV(fixture('hillstrom-3k.csv'), hillstromSchema);
    expect(data.n).toBe(3000);
    expect(data.treatmentNames).toEqual(['No E-Mail', 'Mens E-Mail', 'Womens E-Mail']);
    const counts = [0, 0, 0];
    for (const t of data.treatment) counts[t] = (counts[t] as number) + 1;
    expect(counts.reduce((a, b) => a + b)).toBe(3000);
    expect(Math.min(...counts)).toBeGreaterThan(900);
    expect(data.featureNames).toContain('history_segment=7) $1,000 +');
    expect(data.outcomes?.visit?.length).toBe(3000);
    expect(data.d).toBe(18);
    for (let i = 0; i < 100; i++) expect(data.cost[i]).toBe(data.treatment[i] === 0 ? 0 : 1);
  });

  it('reads the Starbucks sample', async () => {
    const data = await loadCSV(fixture('starbucks-3k.csv'), starbucksSchema);
    expect(data.n).toBe(3000);
    expect(data.d).toBe(7);
    expect(data.ids?.[0]).toBe('1');
    expect(data.treatmentNames).toEqual(['No', 'Yes']);
  });
});

describe('loadCSV on the shared trials', () => {
  itWithFiles(HILLSTROM)('reads the Hillstrom e-mail test with its arm counts', async () => {
    const data = await loadCSV(HILLSTROM, hillstromSchema);
    expect(data.n).toBe(64_000);
    expect(data.treatmentNames).toEqual(['No E-Mail', 'Mens E-Mail', 'Womens E-Mail']);
    const counts = [0, 0, 0];
    for (const t of data.treatment) counts[t] = (counts[t] as number) + 1;
    expect(counts).toEqual([21_306, 21_307, 21_387]);
    // history_segment values contain quoted commas, e.g. "7) $1,000 +".
    expect(data.featureNames).toContain('history_segment=7) $1,000 +');
    expect(data.outcomes?.visit?.length).toBe(64_000);
    // Control costs 0 and each e-mail 1.
    for (let i = 0; i < 100; i++) expect(data.cost[i]).toBe(data.treatment[i] === 0 ? 0 : 1);
  });

  itWithFiles(STARBUCKS)('reads the Starbucks promotion file', async () => {
    const data = await loadCSV(STARBUCKS, starbucksSchema);
    expect(data.n).toBe(84_534);
    expect(data.d).toBe(7);
    expect(data.ids?.[0]).toBe('1');
    let bought = 0;
    for (let i = 0; i < data.n; i++) if (data.treatment[i] === 1 && data.response[i] === 1) bought++;
    expect(bought).toBe(721);
  });
});

describe('loadCSV parsing', () => {
  it('handles quoted commas, CRLF, a BOM and blank lines', async () => {
    const text = '\uFEFFarm,y,c,seg\r\nctl,1,0,"a,b"\r\n\r\ntreat,0,2,"c"\r\nctl,0,0,"a,b"\r\n';
    const data = await loadCSV(csv(text), { ...schema, categorical: ['seg'] });
    expect(data.n).toBe(3);
    expect(data.featureNames).toEqual(['seg=a,b', 'seg=c']);
    expect(Array.from(data.features)).toEqual([1, 0, 0, 1, 1, 0]);
    expect(Array.from(data.treatment)).toEqual([0, 1, 0]);
    expect(data.encoding?.columns[0]).toEqual({ name: 'seg', kind: 'categorical', categories: ['a,b', 'c'] });
  });

  it('detects categorical columns with categorical: auto', async () => {
    const data = await loadCSV(csv('arm,y,c,x,z\nctl,1,0,1,u\ntreat,0,2,2,v\n'), { ...schema, categorical: 'auto' });
    expect(data.featureNames).toEqual(['x', 'z=u', 'z=v']);
  });

  it('auto-detects only columns that are mostly not numbers; a bad cell in a numeric column is an error', async () => {
    const rows = (cells: string[]) => cells.map((v, i) => `${i % 2 === 0 ? 'ctl' : 'treat'},1,0,${v}`).join('\n');
    const s = { ...schema, categorical: 'auto' as const };
    await expectIssue(
      `arm,y,c,x\n${rows(['1', '2', 'abc', '4', '5'])}\n`,
      s,
      /got "abc" \(column 'x' holds mostly numbers/,
      ['line', 4, 'column', 'x'],
    );
    await expectIssue(`arm,y,c,x\n${rows(['1', '2', '1e999', '4'])}\n`, s, /got "1e999"/, ['line', 4, 'column', 'x']);
    const text = await loadCSV(csv(`arm,y,c,x\n${rows(['a', 'b', '3', 'a'])}\n`), s);
    expect(text.featureNames).toEqual(['x=3', 'x=a', 'x=b']);
  });

  it('keeps a code with leading zeros as one category, as written', async () => {
    const zips = ['02134', '02134', '90210', '02134', 'n/a', '02134'];
    const text = `arm,y,c,zip\n${zips.map((z, i) => `${i % 2 === 0 ? 'ctl' : 'treat'},1,0,${z}`).join('\n')}\n`;
    const data = await loadCSV(csv(text), { ...schema, categorical: 'auto' });
    expect(data.featureNames).toEqual(['zip=02134', 'zip=90210', 'zip=n/a']);
    expect(Array.from(data.features.filter((_, i) => i % 3 === 0))).toEqual([1, 1, 0, 1, 0, 1]);
  });

  it('caps the categories of a column, pooling the rare ones into (other) with a warning', async () => {
    const lines = ['arm,y,c,user_id,seg'];
    for (let i = 0; i < 400; i++) lines.push(`${i % 2 === 0 ? 'ctl' : 'treat'},1,0,u${i},${i % 3 === 0 ? 'a' : 'b'}`);
    const warnings: string[] = [];
    const data = await loadCSV(
      csv(`${lines.join('\n')}\n`),
      { ...schema, categorical: 'auto' },
      {
        onWarning: (w) => warnings.push(w),
      },
    );
    expect(data.d).toBe(50 + 1 + 2);
    expect(data.featureNames).toContain('user_id=(other)');
    expect(data.encoding?.columns[0]).toMatchObject({ name: 'user_id', kind: 'categorical', other: true });
    expect(warnings).toEqual([
      "column 'user_id' has 400 categories; kept the 50 most frequent and pooled the other 350 (350 rows) into 'user_id=(other)' (maxCategories)",
    ]);
    const few = await loadCSV(csv(`${lines.join('\n')}\n`), {
      ...schema,
      categorical: ['user_id', 'seg'],
      maxCategories: 3,
    });
    expect(few.featureNames.slice(0, 4)).toEqual(['user_id=u0', 'user_id=u1', 'user_id=u2', 'user_id=(other)']);
    // Every row has exactly one 1 among the user_id columns; u3 and later are in (other).
    for (let i = 0; i < few.n; i++) {
      const row = Array.from(few.features.subarray(i * few.d, i * few.d + 4));
      expect(row).toEqual(i < 3 ? [0, 1, 2].map((j) => (j === i ? 1 : 0)).concat([0]) : [0, 0, 0, 1]);
    }
  });

  it('cuts a 1 MB single-line file in its error message', async () => {
    const line = 'x'.repeat(1_000_000);
    const err = await loadCSV(csv(line), schema).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message.length).toBeLessThan(400);
    expect((err as Error).message).toMatch(/columns seen: 'x{40}…' \(1000000 characters\)/);
    const dup = await loadCSV(csv(`${line},${line}\n1,2\n`), schema).catch((e: unknown) => e);
    expect((dup as Error).message.length).toBeLessThan(400);
  });

  it('cuts a long value in an error message', async () => {
    const long = 'z'.repeat(100_000);
    const err = await loadCSV(csv(`arm,y,c,x\nctl,1,0,${long}\n`), schema).catch((e: unknown) => e);
    expect((err as Error).message.length).toBeLessThan(400);
    expect((err as Error).message).toMatch(/\(100000 characters\)/);
  });

  it('applies armCost, responseScale and empirical propensities', async () => {
    const s: TrialSchema = {
      treatment: 'arm',
      control: 'ctl',
      response: 'y',
      armCost: { ctl: 0, treat: 0.5 },
      responseScale: 10,
    };
    const data = await loadCSV(csv('arm,y,x\nctl,1,1\ntreat,0,2\ntreat,1,3\n'), s);
    expect(Array.from(data.cost)).toEqual([0, 0.5, 0.5]);
    expect(Array.from(data.response)).toEqual([10, 0, 10]);
    expect(data.propensity?.[0]).toBeCloseTo(1 / 3);
    expect(data.propensity?.[1]).toBeCloseTo(2 / 3);
  });

  it('fills missing values by the mean when asked', async () => {
    const data = await loadCSV(csv('arm,y,c,x\nctl,1,0,1\ntreat,0,2,\nctl,0,0,3\n'), { ...schema, missing: 'mean' });
    expect(Array.from(data.features)).toEqual([1, 2, 3]);
    expect(data.encoding?.columns[0]).toEqual({ name: 'x', kind: 'numeric', fill: 2 });
  });
});

describe('loadCSV bad input', () => {
  it('names line and column of an unparseable number', () =>
    expectIssue('arm,y,c,x\nctl,1,0,1\ntreat,0,2,abc\n', schema, /expected a finite number, got "abc"/, [
      'line',
      3,
      'column',
      'x',
    ]));
  it('names the line of a ragged row', () =>
    expectIssue('arm,y,c,x\nctl,1,0,1\ntreat,0,2\n', schema, /expected 4 fields as in the header, got 3/, ['line', 3]));
  it('names an unknown column and the columns seen', () =>
    expectIssue(
      'arm,y,c\nctl,1,0\n',
      { ...schema, features: ['nope'] },
      /column 'nope' not found; columns seen: 'arm', 'y', 'c'/,
    ));
  it('names a missing response column', () =>
    expectIssue('arm,yy,c,x\nctl,1,0,1\n', schema, /column 'y' not found/, ['schema', 'response']));
  it('rejects a treatment value not in the schema', () =>
    expectIssue('arm,y,x\nctl,1,1\nbogus,0,2\n', armSchema, /treatment value 'bogus' is not in the schema/));
  it('rejects a missing control arm', () =>
    expectIssue('arm,y,c,x\ntreat,1,0,1\nother,0,2,2\n', schema, /control arm 'ctl' has no rows/));
  it('rejects an arm with no rows', () =>
    expectIssue('arm,y,x\nctl,1,1\nctl,0,2\n', armSchema, /arm 'treat' has no rows/));
  it('rejects NaN and Infinity in features', async () => {
    await expectIssue('arm,y,c,x\nctl,1,0,NaN\ntreat,0,2,1\n', schema, /got "NaN"/, ['line', 2, 'column', 'x']);
    await expectIssue('arm,y,c,x\nctl,1,0,1\ntreat,0,2,Infinity\n', schema, /got "Infinity"/);
  });
  it('rejects negative costs', () =>
    expectIssue('arm,y,c,x\nctl,1,0,1\ntreat,0,-2,1\n', schema, /non-negative cost, got -2/, [
      'line',
      3,
      'column',
      'c',
    ]));
  it('rejects an empty file', async () => {
    await expectIssue('', schema, /the file is empty/);
    await expectIssue('arm,y,c,x\n', schema, /no data rows/);
  });
  it('rejects a missing value by default', () =>
    expectIssue('arm,y,c,x\nctl,1,0,\ntreat,0,2,1\n', schema, /missing value/, ['line', 2, 'column', 'x']));
  it('does not pollute prototypes through header names', async () => {
    const data = await loadCSV(csv('arm,y,c,__proto__,constructor\nctl,1,0,1,2\ntreat,0,2,3,4\n'), schema);
    expect(data.featureNames).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
  it('rejects duplicate header names', () =>
    expectIssue('arm,y,c,x,x\nctl,1,0,1,2\n', schema, /appears more than once/));
  it('names the line of bytes that are not UTF-8; reads them with encoding latin1', async () => {
    const bytes = Buffer.from('arm,y,c,city\nctl,1,0,caf\u00e9\ntreat,0,2,caf\u00e8\n', 'latin1');
    const err = await loadCSV(Readable.from([bytes]), { ...schema, categorical: ['city'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues[0]?.path).toEqual(['line', 2]);
    expect((err as Error).message).toMatch(/0xE9 is not valid UTF-8/);
    const data = await loadCSV(Readable.from([bytes]), { ...schema, categorical: ['city'] }, { encoding: 'latin1' });
    expect(new Set(data.featureNames)).toEqual(new Set(['city=caf\u00e8', 'city=caf\u00e9']));
  });
  it('reads CR-only line ends', async () => {
    const data = await loadCSV(csv('arm,y,c,x\rctl,1,0,1\rtreat,0,2,"a\rb"\r'), { ...schema, categorical: ['x'] });
    expect(data.n).toBe(2);
    expect(data.featureNames).toEqual(['x=1', 'x=a\rb']);
  });
  it('names a file that cannot be read', async () => {
    await expect(loadCSV('/nonexistent/trial.csv', schema)).rejects.toThrow(/cannot be read/);
  });
});

describe('parseCSVText (the Node scoring workers parse chunks with it)', () => {
  it('reads quoted fields, CRLF and LF, a BOM and blank lines, and keeps ragged records as they are', () => {
    const text = '\uFEFFid,note,x\r\n1,"a, ""b""\nc",2.5\r\n\n2,plain,3\n3,"",4,extra\n4,last,5';
    expect(parseCSVText(text)).toEqual([
      ['id', 'note', 'x'],
      ['1', 'a, "b"\nc', '2.5'],
      ['2', 'plain', '3'],
      ['3', '', '4', 'extra'],
      ['4', 'last', '5'],
    ]);
    expect(parseCSVText('a;b\n1;2\n', ';')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('rejects malformed quoting and bad delimiters with a ValidationError naming the line', () => {
    expect(() => parseCSVText('a,b\n1,x"y\n')).toThrow(/line 2|malformed/);
    expect(() => parseCSVText('a,b\n1,"open\n')).toThrow(ValidationError);
    expect(() => parseCSVText('a,b', '"')).toThrow(ValidationError);
  });
});
