import { SerializationError } from '../core/errors.js';
import { describe } from '../core/validate.js';

export function asRecord(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new SerializationError(`${where}: expected an object, got ${describe(v)}`);
  }
  return v as Record<string, unknown>;
}

/** A non-negative integer (optionally at least `min`). */
export function readInt(v: unknown, where: string, min = 0): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new SerializationError(`${where}: expected an integer >= ${min}, got ${describe(v)}`);
  }
  return v;
}

export function readNumber(v: unknown, where: string, finite = true): number {
  if (typeof v !== 'number' || (finite && !Number.isFinite(v)) || Number.isNaN(v)) {
    throw new SerializationError(`${where}: expected a ${finite ? 'finite ' : ''}number, got ${describe(v)}`);
  }
  return v;
}

/** An array of `length` finite numbers (NaN allowed when `allowNaN`, written as null). */
export function readNumbers(v: unknown, length: number, where: string, allowNaN = false): Float64Array {
  if (!Array.isArray(v) || v.length !== length) {
    throw new SerializationError(`${where}: expected an array of ${length} numbers, got ${describe(v)}`);
  }
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const x = v[i];
    if (x === null && allowNaN) out[i] = Number.NaN;
    else if (typeof x === 'number' && Number.isFinite(x)) out[i] = x;
    else throw new SerializationError(`${where}[${i}]: expected a finite number, got ${describe(x)}`);
  }
  return out;
}

/** An array of `length` integers in [min, max]. */
export function readInts(v: unknown, length: number, where: string, min: number, max: number): Int32Array {
  if (!Array.isArray(v) || v.length !== length) {
    throw new SerializationError(`${where}: expected an array of ${length} integers, got ${describe(v)}`);
  }
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) {
      throw new SerializationError(`${where}[${i}]: expected an integer in ${min}..${max}, got ${describe(x)}`);
    }
    out[i] = x;
  }
  return out;
}

export function readStrings(v: unknown, where: string): string[] {
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) {
    throw new SerializationError(`${where}: expected an array of strings, got ${describe(v)}`);
  }
  return v as string[];
}

/** Plain array for JSON; NaN becomes null. */
export function toPlain(a: ArrayLike<number>): (number | null)[] {
  return Array.from(a, (x) => (Number.isNaN(x) ? null : x));
}
