import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { checkMatrix, matrix } from '../../src/core/matrix.js';
import { matrix as rootMatrix } from '../../src/index.js';

/** The ValidationError thrown by `f`, for its issues' paths and messages. */
function issueOf(f: () => unknown): { path: readonly (string | number)[]; message: string } {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    const issue = (e as ValidationError).issues[0];
    if (issue === undefined) throw new Error('no issue');
    return issue;
  }
  throw new Error('expected a ValidationError');
}

describe('matrix', () => {
  it('wraps row-major data without copying and counts the rows', () => {
    const data = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const m = matrix(data, 3);
    expect(m).toEqual({ data, rows: 2, cols: 3 });
    expect(m.data).toBe(data);
    expect(matrix(new Float32Array(0), 4)).toEqual({ data: new Float32Array(0), rows: 0, cols: 4 });
    expect(rootMatrix).toBe(matrix);
  });

  it('names the value, the row and the column in its errors', () => {
    expect(issueOf(() => matrix(new Float32Array(7), 2, 'features'))).toEqual({
      path: ['features', 'data'],
      message: 'expected a length that is a multiple of 2 columns, got 7',
    });
    expect(issueOf(() => matrix(new Float32Array(4), 0)).path).toEqual(['matrix', 'cols']);
    expect(issueOf(() => matrix(new Float32Array(4), 1.5)).message).toMatch(/positive integer, got 1.5/);
    expect(issueOf(() => matrix([1, 2] as never, 1)).message).toMatch(/Float32Array of 1 columns, got an array/);
    expect(issueOf(() => matrix(Float32Array.from([0, 1, 2, Number.NaN]), 2, 'embeddings'))).toEqual({
      path: ['embeddings', 'row', 1, 'column', 1],
      message: 'expected a finite number, got NaN',
    });
    expect(issueOf(() => matrix(Float32Array.from([Number.POSITIVE_INFINITY]), 1)).path).toEqual([
      'matrix',
      'row',
      0,
      'column',
      0,
    ]);
  });
});

describe('checkMatrix', () => {
  it('returns the rows of a consistent Matrix and checks the expected width and row count', () => {
    const m = matrix(new Float32Array(12), 4);
    expect(checkMatrix(m, 'x')).toBe(3);
    expect(checkMatrix(m, 'x', { cols: 4, minRows: 3 })).toBe(3);
    expect(issueOf(() => checkMatrix(m, 'x', { cols: 5 }))).toEqual({
      path: ['x', 'cols'],
      message: 'expected 5 columns, got 4',
    });
    expect(issueOf(() => checkMatrix(m, 'x', { minRows: 4 })).path).toEqual(['x', 'rows']);
  });

  it('rejects a hand-made Matrix whose shape disagrees with its data, holds NaN, or is no Matrix', () => {
    expect(issueOf(() => checkMatrix({ data: new Float32Array(6), rows: 2, cols: 2 }, 'x'))).toEqual({
      path: ['x', 'data'],
      message: 'expected rows * cols = 4 values, got 6',
    });
    expect(issueOf(() => checkMatrix({ data: Float32Array.of(1, Number.NaN), rows: 1, cols: 2 }, 'x')).path).toEqual([
      'x',
      'row',
      0,
      'column',
      1,
    ]);
    expect(issueOf(() => checkMatrix({ data: new Float32Array(2), rows: 1, cols: 0 }, 'x')).message).toMatch(
      /cols >= 1/,
    );
    expect(issueOf(() => checkMatrix(new Float32Array(4), 'features')).message).toMatch(/expected a Matrix/);
    expect(issueOf(() => checkMatrix(null, 'features')).path).toEqual(['features']);
  });
});
