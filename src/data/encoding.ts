import { ValidationError } from '../core/errors.js';

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
    };

/**
 * The recorded mapping from raw named columns to the encoded feature layout of an {@link RctDataset}.
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
    else for (const cat of c.categories) names.push(`${c.name}=${cat}`);
  }
  return names;
}

/** A raw record value: a number, a numeric or categorical string, a boolean, or missing. */
export type RawValue = string | number | boolean | null | undefined;

/**
 * Encodes one raw record (column name to value) into `out` (length = number of encoded features).
 * Unknown categories encode as all zeros (the user is treated like no known category); a missing numeric value
 * uses the column's `fill` if the training data had a missing-value policy, else it is an error.
 */
export function encodeRecord(
  encoding: FeatureEncoding,
  record: Readonly<Record<string, RawValue>>,
  out?: Float32Array,
): Float32Array {
  const names = encoding.columns;
  let width = 0;
  for (const c of names) width += c.kind === 'numeric' ? 1 : c.categories.length;
  const x = out ?? new Float32Array(width);
  let k = 0;
  for (const c of names) {
    const raw = Object.hasOwn(record, c.name) ? record[c.name] : undefined;
    if (c.kind === 'numeric') {
      const v = toNumber(raw);
      if (v === undefined) {
        if (c.fill === undefined) {
          throw new ValidationError({
            path: ['record', c.name],
            message: `expected a finite number, got ${raw === undefined || raw === null || raw === '' ? 'a missing value' : JSON.stringify(raw)}`,
          });
        }
        x[k++] = c.fill;
      } else x[k++] = v;
    } else {
      const s = raw === undefined || raw === null ? '' : String(raw);
      for (const cat of c.categories) x[k++] = cat === s ? 1 : 0;
    }
  }
  return x;
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
    } else {
      throw new ValidationError({ path: [path, 'columns', i, 'kind'], message: "expected 'numeric' or 'categorical'" });
    }
  });
  return value as FeatureEncoding;
}

/**
 * Re-encodes a feature matrix from one encoding to another by column name: numeric columns are copied,
 * one-hot columns are matched by category (a category the target does not know sets no column; a target category
 * absent from the source stays 0). Used to score data loaded separately with a model's recorded encoding.
 * Throws ValidationError naming a target column the source lacks.
 */
export function reencodeFeatures(features: Float32Array, from: FeatureEncoding, to: FeatureEncoding): Float32Array {
  const srcOffset = new Map<string, { col: ColumnEncoding; at: number }>();
  let at = 0;
  for (const c of from.columns) {
    srcOffset.set(c.name, { col: c, at });
    at += c.kind === 'numeric' ? 1 : c.categories.length;
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
      const srcCats = src.col.kind === 'categorical' ? src.col.categories : undefined;
      if (srcCats === undefined) {
        throw new ValidationError({
          path: ['column', c.name],
          message: 'the model reads it as categories, the data holds numbers; list it in categorical',
        });
      }
      c.categories.forEach((cat, t) => {
        const s = srcCats.indexOf(cat);
        if (s < 0) return;
        for (let i = 0; i < n; i++) out[i * dTo + o + t] = features[i * dFrom + src.at + s] as number;
      });
      o += c.categories.length;
    }
  }
  return out;
}
