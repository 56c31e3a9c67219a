import { SerializationError, ValidationError } from './errors.js';
import type { Budget } from './types.js';

/** Throws a ValidationError naming `name` unless `value` is a finite number (optionally within [min, max]). */
export function checkNumber(
  name: string,
  value: unknown,
  opts: { min?: number; max?: number; integer?: boolean } = {},
): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValidationError({ path: [name], message: `expected a finite number, got ${describe(value)}` });
  }
  if (opts.integer === true && !Number.isInteger(value)) {
    throw new ValidationError({ path: [name], message: `expected an integer, got ${value}` });
  }
  if (opts.min !== undefined && value < opts.min) {
    throw new ValidationError({ path: [name], message: `expected a value >= ${opts.min}, got ${value}` });
  }
  if (opts.max !== undefined && value > opts.max) {
    throw new ValidationError({ path: [name], message: `expected a value <= ${opts.max}, got ${value}` });
  }
  return value;
}

/** Checks the value of a unit of response in profit mode: a positive finite number. */
export function checkNetValue(value: unknown, name = 'netValue'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ValidationError({
      path: [name],
      message: `expected a positive finite number (the value of one unit of response in cost units), got ${describe(value)}`,
    });
  }
  return value;
}

/** Throws a ValidationError unless `value` is one of `allowed`. */
export function checkOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ValidationError({
      path: [name],
      message: `expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`,
    });
  }
  return value as T;
}

/** Validates a {@link Budget} and returns it. */
export function checkBudget(budget: unknown, name = 'budget'): Budget {
  if (typeof budget !== 'object' || budget === null) {
    throw new ValidationError({
      path: [name],
      message: `expected { perUser: number } or { total: number }, got ${describe(budget)}`,
    });
  }
  const b = budget as Record<string, unknown>;
  const hasPer = Object.hasOwn(b, 'perUser');
  const hasTotal = Object.hasOwn(b, 'total');
  if (hasPer === hasTotal) {
    throw new ValidationError({ path: [name], message: 'expected exactly one of perUser or total' });
  }
  if (hasPer) return { perUser: checkNumber(`${name}.perUser`, b.perUser, { min: 0 }) };
  return { total: checkNumber(`${name}.total`, b.total, { min: 0 }) };
}

/**
 * Checks a row-major feature matrix: a Float32Array whose length is a multiple of `d`, with only finite values.
 * Returns the number of rows.
 */
export function checkFeatures(features: unknown, d: number, name = 'features'): number {
  if (!(features instanceof Float32Array)) {
    throw new ValidationError({
      path: [name],
      message: `expected a Float32Array (row-major, ${d} columns), got ${describe(features)}`,
    });
  }
  if (d <= 0 || features.length % d !== 0) {
    throw new ValidationError({
      path: [name],
      message: `length ${features.length} is not a multiple of the ${d} feature columns the model was trained on`,
    });
  }
  checkFiniteCells(features, d, name);
  return features.length / d;
}

/** Throws a ValidationError naming the row and column of the first non-finite value of a row-major `cols`-wide array. */
export function checkFiniteCells(data: Float32Array, cols: number, name: string): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (!Number.isFinite(v)) {
      throw new ValidationError({
        path: [name, 'row', Math.floor(i / cols), 'column', i % cols],
        message: `expected a finite number, got ${v}`,
      });
    }
  }
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return `a ${typeof value}`;
}

/** Edit distance between two short strings (for "did you mean" suggestions). */
function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] as number;
      prev[j] = Math.min(up + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] as number;
}

/**
 * Rejects keys of an options object that are not options (a misspelt key would otherwise be ignored silently):
 * a ValidationError naming the key, the nearest known key and the known keys. `undefined`/`null` options pass;
 * anything else that is not a plain object is an error too.
 */
export function checkOptionKeys(
  options: unknown,
  known: readonly string[],
  path: readonly (string | number)[] = [],
): void {
  if (options === undefined || options === null) return;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new ValidationError({ path, message: `expected an options object, got ${describe(options)}` });
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    let best = '';
    let bestD = Number.POSITIVE_INFINITY;
    for (const k of known) {
      const dist = editDistance(key.toLowerCase(), k.toLowerCase());
      if (dist < bestD) {
        bestD = dist;
        best = k;
      }
    }
    // Keys the given one abbreviates ('n' for nTrain, nTest) come first, else the nearest by edit distance.
    const prefixed = key.length > 0 ? known.filter((k) => k.toLowerCase().startsWith(key.toLowerCase())) : [];
    const near = prefixed.length > 0 ? prefixed : bestD <= Math.max(2, Math.floor(key.length / 3)) ? [best] : [];
    const hint = near.length > 0 ? `did you mean ${near.map((k) => `'${k}'`).join(' or ')}? ` : '';
    throw new ValidationError({
      path: [...path, key],
      message: `unknown option '${key}'; ${hint}known options: ${known.join(', ')}`,
    });
  }
}

/**
 * Untrusted JSON given as an object or as a string: a string longer than `maxChars` or not valid JSON is a
 * {@link SerializationError} naming `what`; an object passes through unchanged for its schema to check.
 */
export function parseJSONInput(json: unknown, what: string, maxChars: number): unknown {
  if (typeof json !== 'string') return json;
  if (json.length > maxChars) {
    throw new SerializationError(`${what} JSON of ${json.length} characters exceeds the limit of ${maxChars}`);
  }
  try {
    return JSON.parse(json);
  } catch (e) {
    throw new SerializationError(`${what} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
}
