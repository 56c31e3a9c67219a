import { shownValue, ValidationError } from '../core/errors.js';

/** How one raw input column becomes encoded feature columns. */
export type ColumnEncoding =
  | {
      readonly name: string;
      readonly kind: 'numeric';
      /** Value used where the raw value is missing (set by the `mean`/`zero` missing-value policies). */
      readonly fill?: number;
    }
  | {
      readonly name: string;
      readonly kind: 'categorical';
      /** The vocabulary, sorted; each category becomes one 0/1 column `name=category`. */
      readonly categories: readonly string[];
      /**
       * Whether an extra 0/1 column `name=(other)`, after the categories, holds every other value: set when the
       * training data had more categories than `maxCategories` (the rare ones were pooled). Values never seen in
       * training then go to it too.
       */
      readonly other?: boolean;
    };

/** The label of the pooled column of rare categories in feature names (`city=(other)`). */
export const OTHER_CATEGORY = '(other)';

/** What to do with a categorical value the encoding does not know (and has no `(other)` column for). */
export type UnknownCategory = 'error' | 'zero';

/** Checks an `onUnknown` option (`undefined` is `'error'`). */
export function checkUnknownCategory(value: unknown, path: readonly (string | number)[]): UnknownCategory {
  if (value === undefined || value === 'error') return 'error';
  if (value === 'zero') return 'zero';
  throw new ValidationError({ path, message: `expected 'error' or 'zero', got ${JSON.stringify(value)}` });
}

/** Number of encoded columns of one raw column. */
export function columnWidth(c: ColumnEncoding): number {
  return c.kind === 'numeric' ? 1 : c.categories.length + (c.other === true ? 1 : 0);
}

/**
 * The recorded mapping from raw named columns to the encoded feature layout of an {@link RCTDataset}.
 * Stored in policies so the same encoding is applied at serving time.
 */
export interface FeatureEncoding {
  readonly columns: readonly ColumnEncoding[];
}

/** The encoded feature names of an encoding: numeric columns keep their name, categories become `name=value`. */
export function encodedNames(encoding: FeatureEncoding): string[] {
  const names: string[] = [];
  for (const c of encoding.columns) {
    if (c.kind === 'numeric') names.push(c.name);
    else {
      for (const cat of c.categories) names.push(`${c.name}=${cat}`);
      if (c.other === true) names.push(`${c.name}=${OTHER_CATEGORY}`);
    }
  }
  return names;
}

/** A raw record value: a number, a numeric or categorical string, a boolean, or missing. */
export type RawValue = string | number | boolean | null | undefined;

/** Options of {@link encodeRecord}. */
export interface EncodeRecordOptions {
  /**
   * A categorical value not in the encoding, in a column without an `(other)` column: `'error'` throws a
   * ValidationError naming the column and value; `'zero'` encodes it as all zeros (no known category).
   * @default 'error'
   */
  onUnknown?: UnknownCategory;
}

/**
 * Encodes one raw record (column name to value) into `out` (length = number of encoded features).
 * A categorical value the encoding does not know goes to the column's `(other)` column if it has one, else is an
 * error (or all zeros with `onUnknown: 'zero'`); a non-finite or missing numeric value uses the column's `fill` if
 * the training data had a missing-value policy, else it is an error.
 */
export function encodeRecord(
  encoding: FeatureEncoding,
  record: Readonly<Record<string, RawValue>>,
  out?: Float32Array,
  options: EncodeRecordOptions = {},
): Float32Array {
  const names = encoding.columns;
  const onUnknown = checkUnknownCategory(options.onUnknown, ['onUnknown']);
  let width = 0;
  for (const c of names) width += columnWidth(c);
  const x = out ?? new Float32Array(width);
  let k = 0;
  for (const c of names)
    k = encodeColumn(c, Object.hasOwn(record, c.name) ? record[c.name] : undefined, x, k, onUnknown);
  return x;
}

/**
 * The one value encoder, used by {@link encodeRecord} and the CSV scoring workers: writes the encoded columns of
 * one raw value of column `c` into `out` from `at` and returns the offset after them. A numeric value that is
 * missing or not a finite number takes the column's `fill`, else is a ValidationError; a categorical value (trimmed)
 * sets its category's column, else the `(other)` column, else is a ValidationError (all zeros with
 * `onUnknown: 'zero'`). Errors have the path `['record', column]`.
 */
export function encodeColumn(
  c: ColumnEncoding,
  raw: RawValue,
  out: Float32Array,
  at: number,
  onUnknown: UnknownCategory,
): number {
  let k = at;
  if (c.kind === 'numeric') {
    const v = toNumber(raw);
    if (v !== undefined) out[k++] = v;
    else if (c.fill !== undefined) out[k++] = c.fill;
    else
      throw new ValidationError({
        path: ['record', c.name],
        message: `expected a finite number, got ${raw === undefined || raw === null || raw === '' ? 'a missing value' : shownValue(raw)}`,
      });
    return k;
  }
  const s = raw === undefined || raw === null ? '' : String(raw).trim();
  let hit = false;
  for (const cat of c.categories) {
    const on = cat === s;
    hit ||= on;
    out[k++] = on ? 1 : 0;
  }
  if (c.other === true) out[k++] = hit ? 0 : 1;
  else if (!hit && onUnknown === 'error') throw unknownCategory(c.name, s, c.categories, ['record', c.name]);
  return k;
}

/** The error for a categorical value not in the encoding. */
export function unknownCategory(
  column: string,
  value: string,
  categories: readonly string[],
  path: readonly (string | number)[],
): ValidationError {
  const shown = categories.slice(0, 8).map((c) => JSON.stringify(c));
  return new ValidationError({
    path,
    message: `unknown category ${shownValue(value)} of column '${column}'; expected one of ${shown.join(', ')}${categories.length > 8 ? ` (and ${categories.length - 8} more)` : ''}, or encode unknown values as zeros with onUnknown: 'zero' (--on-unknown zero)`,
  });
}

function toNumber(raw: RawValue): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw === 'boolean') return raw ? 1 : 0;
  if (typeof raw === 'string') {
    const t = raw.trim();
    if (t === '') return undefined;
    const v = Number(t);
    return Number.isFinite(v) ? v : undefined;
  }
  return undefined;
}

/** Checks a deserialized encoding's shape; throws ValidationError naming the first bad entry. */
export function checkEncoding(value: unknown, path: string): FeatureEncoding {
  const v = value as { columns?: unknown };
  if (typeof value !== 'object' || value === null || !Array.isArray(v.columns)) {
    throw new ValidationError({ path: [path], message: 'expected { columns: [...] }' });
  }
  v.columns.forEach((c: unknown, i: number) => {
    const col = c as Record<string, unknown>;
    if (typeof c !== 'object' || c === null || typeof col.name !== 'string') {
      throw new ValidationError({ path: [path, 'columns', i], message: 'expected an object with a string name' });
    }
    if (col.kind === 'numeric') {
      if (col.fill !== undefined && (typeof col.fill !== 'number' || !Number.isFinite(col.fill))) {
        throw new ValidationError({ path: [path, 'columns', i, 'fill'], message: 'expected a finite number' });
      }
    } else if (col.kind === 'categorical') {
      if (!Array.isArray(col.categories) || !col.categories.every((s) => typeof s === 'string')) {
        throw new ValidationError({
          path: [path, 'columns', i, 'categories'],
          message: 'expected an array of strings',
        });
      }
      if (col.other !== undefined && typeof col.other !== 'boolean') {
        throw new ValidationError({ path: [path, 'columns', i, 'other'], message: 'expected a boolean' });
      }
    } else {
      throw new ValidationError({ path: [path, 'columns', i, 'kind'], message: "expected 'numeric' or 'categorical'" });
    }
  });
  return value as FeatureEncoding;
}

/**
 * Re-encodes a feature matrix from one encoding to another by column name: numeric columns are copied,
 * one-hot columns are matched by category (a category the target does not know goes to the target's `(other)`
 * column, else is an error naming it, or sets no column with `onUnknown: 'zero'`; a target category absent from
 * the source stays 0). Used to score data loaded separately with a model's recorded encoding. Throws
 * ValidationError naming a target column the source lacks.
 */
export function reencodeFeatures(
  features: Float32Array,
  from: FeatureEncoding,
  to: FeatureEncoding,
  options: EncodeRecordOptions = {},
): Float32Array {
  const onUnknown = options.onUnknown ?? 'error';
  const srcOffset = new Map<string, { col: ColumnEncoding; at: number }>();
  let at = 0;
  for (const c of from.columns) {
    srcOffset.set(c.name, { col: c, at });
    at += columnWidth(c);
  }
  const dFrom = at;
  const dTo = encodedNames(to).length;
  const n = features.length / dFrom;
  const out = new Float32Array(n * dTo);
  let o = 0;
  for (const c of to.columns) {
    const src = srcOffset.get(c.name);
    if (src === undefined) {
      throw new ValidationError({
        path: ['column', c.name],
        message: `the model needs column '${c.name}', which the data does not have`,
      });
    }
    if (c.kind === 'numeric') {
      if (src.col.kind !== 'numeric') {
        throw new ValidationError({
          path: ['column', c.name],
          message: 'the model reads it as a number, the data holds categories',
        });
      }
      for (let i = 0; i < n; i++) out[i * dTo + o] = features[i * dFrom + src.at] as number;
      o += 1;
    } else {
      const srcCol = src.col.kind === 'categorical' ? src.col : undefined;
      if (srcCol === undefined) {
        throw new ValidationError({
          path: ['column', c.name],
          message: 'the model reads it as categories, the data holds numbers; list it in categorical',
        });
      }
      // Each source column goes to the target column of its category, else to the target's (other) column.
      const target = (cat: string | undefined): number => {
        const t = cat === undefined ? -1 : c.categories.indexOf(cat);
        return t >= 0 ? t : c.other === true ? c.categories.length : -1;
      };
      const sources = [...srcCol.categories, ...(srcCol.other === true ? [undefined] : [])];
      sources.forEach((cat, s) => {
        const t = target(cat);
        if (t < 0) {
          if (onUnknown === 'zero') return;
          for (let i = 0; i < n; i++) {
            if ((features[i * dFrom + src.at + s] as number) !== 0)
              throw unknownCategory(c.name, cat ?? OTHER_CATEGORY, c.categories, ['row', i, 'column', c.name]);
          }
          return;
        }
        for (let i = 0; i < n; i++) {
          const k = i * dTo + o + t;
          out[k] = (out[k] as number) + (features[i * dFrom + src.at + s] as number);
        }
      });
      o += columnWidth(c);
    }
  }
  return out;
}
