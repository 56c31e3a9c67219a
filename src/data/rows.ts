import { ValidationError } from '../core/errors.js';
import type { RCTDataset } from './dataset.js';
import type { RawValue } from './encoding.js';
import type { TrialSchema } from './schema.js';
import { TableBuilder } from './table.js';

/**
 * Builds an {@link RCTDataset} from row objects (e.g. parsed JSON or database rows) with the same schema, encoding
 * and checks as {@link loadCSV}. The columns are the keys of the first row; a key missing from a later row is a
 * missing value.
 *
 * @example
 * ```ts
 * const data = datasetFromRows(
 *   [{ arm: 'none', age: 31, bought: 0 }, { arm: 'coupon', age: 45, bought: 1 }],
 *   { treatment: 'arm', control: 'none', response: 'bought', armCost: { none: 0, coupon: 2 } },
 * );
 * ```
 */
export function datasetFromRows(
  rows: readonly Readonly<Record<string, RawValue>>[],
  schema: TrialSchema,
  options: { onWarning?: (message: string) => void } = {},
): RCTDataset {
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new ValidationError({ path: ['rows'], message: 'expected a non-empty array of row objects' });
  }
  const first = rows[0];
  if (typeof first !== 'object' || first === null) {
    throw new ValidationError({ path: ['rows', 0], message: 'expected an object' });
  }
  const header = Object.keys(first);
  const builder = new TableBuilder(header, schema, options.onWarning);
  rows.forEach((row, r) => {
    if (typeof row !== 'object' || row === null)
      throw new ValidationError({ path: ['row', r], message: 'expected an object' });
    builder.add(
      (i) => {
        const key = header[i] as string;
        return Object.hasOwn(row, key) ? row[key] : undefined;
      },
      { unit: 'row', at: r },
    );
  });
  return builder.finish();
}
