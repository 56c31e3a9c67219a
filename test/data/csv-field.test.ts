import { describe, expect, it } from 'vitest';
import { csvField, parseCSVRecords } from '../../src/data/csv-grammar.js';
import { encodeColumn } from '../../src/data/encoding.js';

describe('csvField', () => {
  it('quotes a field with a comma, quote or line end and reads back through the grammar', () => {
    const values = ['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\rend', ''];
    expect(values.map(csvField)).toEqual(['plain', '"a,b"', '"say ""hi"""', '"two\nlines"', '"cr\rend"', '']);
    const text = `${values.map(csvField).join(',')}\n`;
    expect(parseCSVRecords(text)[0]?.values).toEqual(values);
  });
});

describe('encodeColumn', () => {
  it('encodes numbers with a fill, categories with an (other) column, and names the column of a bad value', () => {
    const out = new Float32Array(6);
    let k = encodeColumn({ name: 'x', kind: 'numeric', fill: 7 }, ' ', out, 0, 'error');
    k = encodeColumn({ name: 'c', kind: 'categorical', categories: ['a', 'b'], other: true }, 'z', out, k, 'error');
    k = encodeColumn({ name: 'y', kind: 'numeric' }, ' 2.5 ', out, k, 'error');
    expect(k).toBe(5);
    expect(Array.from(out)).toEqual([7, 0, 0, 1, 2.5, 0]);
    expect(() => encodeColumn({ name: 'y', kind: 'numeric' }, 'abc', out, 0, 'error')).toThrow(
      /expected a finite number, got "abc"/,
    );
    expect(() => encodeColumn({ name: 'c', kind: 'categorical', categories: ['a'] }, 'q', out, 0, 'error')).toThrow(
      /unknown category "q" of column 'c'/,
    );
    expect(encodeColumn({ name: 'c', kind: 'categorical', categories: ['a'] }, 'q', out, 0, 'zero')).toBe(1);
  });
});
