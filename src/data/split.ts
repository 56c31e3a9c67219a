import { ValidationError } from '../core/errors.js';
import { DEFAULT_SEED, RNG } from '../core/rng.js';
import { type RCTDataset, subsetRows } from './dataset.js';

/** Options for {@link trainTestSplit}. */
export interface SplitOptions {
  /** Share of rows in the test part, in (0, 1). @default 0.3 */
  testFraction?: number;
  /** @default 42 */
  seed?: number;
}

/**
 * Splits a dataset into train and test parts, stratified by arm (each arm is split in the same proportion),
 * seeded. Rows keep their original order within each part.
 *
 * @example
 * ```ts
 * const { train, test } = trainTestSplit(data, { testFraction: 0.3, seed: 7 });
 * ```
 */
export function trainTestSplit(data: RCTDataset, options: SplitOptions = {}): { train: RCTDataset; test: RCTDataset } {
  const { trainRows, testRows } = splitIndices(data, options);
  return { train: subsetRows(data, trainRows), test: subsetRows(data, testRows) };
}

/** The row indices of a stratified split (see {@link trainTestSplit}), each sorted ascending. */
export function splitIndices(
  data: RCTDataset,
  options: SplitOptions = {},
): { trainRows: Int32Array; testRows: Int32Array } {
  const frac = options.testFraction ?? 0.3;
  if (!(frac > 0 && frac < 1)) {
    throw new ValidationError({ path: ['testFraction'], message: `expected a number in (0, 1), got ${frac}` });
  }
  const rng = new RNG(options.seed ?? DEFAULT_SEED);
  const m = data.treatmentNames.length;
  const byArm: number[][] = Array.from({ length: m }, () => []);
  for (let i = 0; i < data.n; i++) byArm[data.treatment[i] as number]?.push(i);
  const isTest = new Uint8Array(data.n);
  let nTest = 0;
  for (const rows of byArm) {
    const arr = Int32Array.from(rows);
    rng.shuffle(arr);
    const k = Math.round(arr.length * frac);
    for (let r = 0; r < k; r++) isTest[arr[r] as number] = 1;
    nTest += k;
  }
  const trainRows = new Int32Array(data.n - nTest);
  const testRows = new Int32Array(nTest);
  let a = 0;
  let b = 0;
  for (let i = 0; i < data.n; i++) {
    if (isTest[i] === 1) testRows[b++] = i;
    else trainRows[a++] = i;
  }
  return { trainRows, testRows };
}
