import { SerializationError } from '../core/errors.js';

/** A feature column whose values are a few integer codes, each given its own indicator input. */
export interface CodeColumn {
  /** Column index in the features. */
  readonly column: number;
  /** The codes, ascending. */
  readonly values: readonly number[];
}

/**
 * The columns of a row-major `n x d` matrix that hold between 3 and `maxLevels` distinct integer values (small
 * integer codes such as a region or a segment number, stored as numbers). A net reading such a code only as a number
 * has to learn a non-monotone effect (code 1 and 3 good, 2 bad) through its ReLUs; an indicator per code gives it
 * directly. Binary columns need no indicator.
 */
export function detectCodeColumns(x: Float32Array, d: number, maxLevels: number): CodeColumn[] {
  if (maxLevels < 3) return [];
  const n = x.length / d;
  const out: CodeColumn[] = [];
  for (let j = 0; j < d; j++) {
    const seen = new Set<number>();
    let ok = true;
    for (let i = 0; i < n && ok; i++) {
      const v = x[i * d + j] as number;
      if (!Number.isInteger(v)) ok = false;
      else {
        seen.add(v);
        if (seen.size > maxLevels) ok = false;
      }
    }
    if (ok && seen.size >= 3) out.push({ column: j, values: [...seen].sort((a, b) => a - b) });
  }
  return out;
}

/** Width of the net's input: the `d` standardized columns, then one indicator per code. */
export function expandedWidth(d: number, codes: readonly CodeColumn[]): number {
  return d + codes.reduce((s, c) => s + c.values.length, 0);
}

/**
 * Appends the code indicators to standardized rows: `z` (standardized, `n x d`) and the raw rows `raw` give an
 * `n x expandedWidth` matrix. A code not seen in training sets no indicator.
 */
export function expandCodes(z: Float32Array, raw: Float32Array, d: number, codes: readonly CodeColumn[]): Float32Array {
  if (codes.length === 0) return z;
  const w = expandedWidth(d, codes);
  const n = z.length / d;
  const out = new Float32Array(n * w);
  const index = codes.map((c) => new Map(c.values.map((v, i) => [v, i])));
  for (let i = 0; i < n; i++) {
    out.set(z.subarray(i * d, i * d + d), i * w);
    let o = i * w + d;
    codes.forEach((c, ci) => {
      const at = index[ci]?.get(raw[i * d + c.column] as number);
      if (at !== undefined) out[o + at] = 1;
      o += c.values.length;
    });
  }
  return out;
}

/** Validates serialized code columns of a `d`-column input; throws {@link SerializationError}. */
export function checkCodeColumns(value: unknown, d: number, where: string): CodeColumn[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > d)
    throw new SerializationError(`${where}: expected at most ${d} code columns`);
  return value.map((c, i) => {
    const col = (c as CodeColumn)?.column;
    const values = (c as CodeColumn)?.values;
    if (
      !Number.isInteger(col) ||
      col < 0 ||
      col >= d ||
      !Array.isArray(values) ||
      values.length < 1 ||
      values.length > 1000 ||
      !values.every((v, k) => Number.isInteger(v) && (k === 0 || v > (values[k - 1] as number)))
    ) {
      throw new SerializationError(`${where}[${i}]: expected { column in 0..${d - 1}, values: ascending integers }`);
    }
    return { column: col, values: [...values] };
  });
}
