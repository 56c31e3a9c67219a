import { ValidationError } from './errors.js';
import type { Matrix } from './types.js';
import { checkFiniteCells, describe } from './validate.js';

/**
 * A {@link Matrix} over row-major `data` of `cols` columns, checked: `cols` a positive integer, `data` a
 * Float32Array whose length is a multiple of `cols`, every value finite. Throws a {@link ValidationError} naming
 * `name` (and the row and column of a non-finite value) otherwise. The data is not copied.
 *
 * @example
 * ```ts
 * const x = matrix(train.features, train.d, 'features');
 * const h = net.embed(x);              // Matrix: x.rows x net.embeddingDim
 * const clusterer = await new HiddenClusterer({ k: 8 }).fit(h);
 * ```
 */
export function matrix(data: Float32Array, cols: number, name = 'matrix'): Matrix {
  if (typeof cols !== 'number' || !Number.isInteger(cols) || cols < 1) {
    throw new ValidationError({ path: [name, 'cols'], message: `expected a positive integer, got ${describe(cols)}` });
  }
  if (!(data instanceof Float32Array)) {
    throw new ValidationError({
      path: [name, 'data'],
      message: `expected a row-major Float32Array of ${cols} columns, got ${describe(data)}`,
    });
  }
  if (data.length % cols !== 0) {
    throw new ValidationError({
      path: [name, 'data'],
      message: `expected a length that is a multiple of ${cols} columns, got ${data.length}`,
    });
  }
  checkFiniteCells(data, cols, name);
  return { data, rows: data.length / cols, cols };
}

/**
 * Checks a {@link Matrix} given to a component (built by {@link matrix} or by hand): `data` a Float32Array of
 * `rows * cols` finite values, `cols` as expected when `opts.cols` is given, at least `opts.minRows` rows.
 * Returns the number of rows; throws a {@link ValidationError} naming `name` otherwise.
 */
export function checkMatrix(value: unknown, name: string, opts: { cols?: number; minRows?: number } = {}): number {
  const m = value as Partial<Matrix> | null;
  if (typeof value !== 'object' || m === null || !(m.data instanceof Float32Array)) {
    throw new ValidationError({
      path: [name],
      message: `expected a Matrix { data: Float32Array, rows, cols } (see matrix()), got ${describe(value)}`,
    });
  }
  const { data, rows, cols } = m;
  if (!Number.isInteger(cols) || (cols as number) < 1 || !Number.isInteger(rows) || (rows as number) < 0) {
    throw new ValidationError({
      path: [name],
      message: `expected integer rows >= 0 and cols >= 1, got rows ${describe(rows)} and cols ${describe(cols)}`,
    });
  }
  if ((rows as number) * (cols as number) !== data.length) {
    throw new ValidationError({
      path: [name, 'data'],
      message: `expected rows * cols = ${(rows as number) * (cols as number)} values, got ${data.length}`,
    });
  }
  if (opts.cols !== undefined && cols !== opts.cols) {
    throw new ValidationError({
      path: [name, 'cols'],
      message: `expected ${opts.cols} column${opts.cols === 1 ? '' : 's'}, got ${cols}`,
    });
  }
  if (opts.minRows !== undefined && (rows as number) < opts.minRows) {
    throw new ValidationError({
      path: [name, 'rows'],
      message: `expected at least ${opts.minRows} rows, got ${rows}`,
    });
  }
  checkFiniteCells(data, cols as number, name);
  return rows as number;
}

/**
 * Checks that `X` is a row-major Float32Array of `d` columns (the bare-array form `decideBatch` and the pacer take)
 * and returns its row count; a ValidationError at `path` otherwise.
 */
export function rowCount(X: unknown, d: number, path = 'X'): number {
  if (!(X instanceof Float32Array) || X.length % d !== 0) {
    throw new ValidationError({
      path: [path],
      message: `expected a Float32Array whose length is a multiple of ${d}, got ${describe(X)}`,
    });
  }
  return X.length / d;
}
