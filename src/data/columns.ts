import type { RawValue } from './encoding.js';
import type { Growable } from './growable.js';

/** The feature columns a `TableBuilder` (table.ts) accumulates, and the helpers that intern and order their values. */

export interface NumericColumn {
  kind: 'numeric';
  name: string;
  index: number;
  values: Growable<Float64Array>;
  missing: number;
}
export interface CategoricalColumn {
  kind: 'categorical';
  name: string;
  index: number;
  codes: Growable<Int32Array>;
  vocab: Map<string, number>;
  /** Rows per code. */
  counts: number[];
}
/**
 * A column of `categorical: 'auto'` not decided yet: numbers and text codes are both kept, and the column is
 * categorical at the end when most of its values are not numbers.
 */
export interface AutoColumn {
  kind: 'auto';
  name: string;
  index: number;
  values: Growable<Float64Array>;
  missing: number;
  codes: Growable<Int32Array>;
  vocab: Map<string, number>;
  counts: number[];
  numbers: number;
  texts: number;
  /** Where the first non-numeric value was, for the error if the column turns out numeric. */
  firstText?: { path: (string | number)[]; raw: string };
}
export type FeatureColumn = NumericColumn | CategoricalColumn | AutoColumn;

/** Default of {@link TrialSchema.maxCategories}. */
export const DEFAULT_MAX_CATEGORIES = 50;
/**
 * An auto column holding more distinct values than this while mostly numbers is decided numeric there and then,
 * so numeric columns do not keep a vocabulary of every value.
 */
export const AUTO_DECIDE_AT = 1000;

/** Whether a text value reads as a number for auto-detection (a leading zero, as in `02134`, marks a code). */
export function looksNumeric(s: string): boolean {
  if (/^[+-]?0\d/.test(s)) return false;
  return Number.isFinite(Number(s));
}

export interface CategoryLayout {
  readonly categories: string[];
  readonly other: boolean;
  /** Column offset of each vocabulary code. */
  readonly pos: Int32Array;
  readonly width: number;
}

export function intern(col: { vocab: Map<string, number>; counts: number[] }, s: string): number {
  let code = col.vocab.get(s);
  if (code === undefined) {
    code = col.vocab.size;
    col.vocab.set(s, code);
    col.counts.push(0);
  }
  col.counts[code] = (col.counts[code] as number) + 1;
  return code;
}

export function str(v: RawValue): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v.trim() : String(v);
}

/** Compares strings so that embedded numbers sort by value ('arm2' < 'arm10'). */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
