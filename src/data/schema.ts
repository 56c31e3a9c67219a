import { ValidationError } from '../core/errors.js';

/**
 * How to read a randomized trial from named columns (a CSV file or row objects).
 *
 * @example
 * ```ts
 * const schema: TrialSchema = {
 *   treatment: 'segment', control: 'No E-Mail', response: 'spend',
 *   armCost: { 'No E-Mail': 0, 'Mens E-Mail': 1, 'Womens E-Mail': 1 },
 *   categorical: ['zip_code', 'channel'], exclude: ['visit', 'conversion'],
 * };
 * ```
 */
export interface TrialSchema {
  /** Column holding the arm each row received. */
  readonly treatment: string;
  /** The value of the treatment column that means control (no incentive). It becomes arm 0. */
  readonly control: string;
  /** Column holding the response to maximize (orders, GMV, purchase). */
  readonly response: string;
  /** Multiplies the response (e.g. 10 to count a purchase as $10). @default 1 */
  readonly responseScale?: number;
  /** Column holding each row's observed cost. Give this or `armCost`. */
  readonly cost?: string;
  /**
   * A fixed cost per arm, by arm name (e.g. `{ 'No E-Mail': 0, 'Mens E-Mail': 1 }`). Its keys are the trial's arms:
   * a treatment value not listed is an error. Arms not listed cost 0 only if `cost` is given instead.
   */
  readonly armCost?: Readonly<Record<string, number>>;
  /**
   * The treatment arms after control, in order. A treatment value not listed is an error. Defaults to the keys of
   * `armCost` (without control), else to the distinct values seen, sorted.
   */
  readonly arms?: readonly string[];
  /** Feature columns, in order. Defaults to every column not used otherwise and not in `exclude`. */
  readonly features?: readonly string[];
  /** Columns never used as features (e.g. other outcomes that are not in `outcomes`). */
  readonly exclude?: readonly string[];
  /**
   * Categorical feature columns, one-hot encoded with a recorded, sorted vocabulary; or `'auto'` to treat as
   * categorical every feature column whose values are mostly not numbers (a value with a leading zero, as in
   * `02134`, counts as text). A non-numeric value in a column that is mostly numbers is an error, as without
   * `'auto'`. @default []
   */
  readonly categorical?: readonly string[] | 'auto';
  /**
   * Most categories one categorical column keeps: the most frequent ones; the others are pooled into one more
   * column `name=(other)`, which also receives values never seen in training. A warning says so. @default 50
   */
  readonly maxCategories?: number;
  /** Column with a row identifier, kept as `ids`. */
  readonly id?: string;
  /** Column with the probability that the row received its arm. Defaults to the empirical arm shares. */
  readonly propensity?: string;
  /** Extra outcome columns kept in `outcomes` (not used as features). */
  readonly outcomes?: readonly string[];
  /**
   * What to do with an empty feature value: `'error'`, fill with `'zero'`, or with the column `'mean'`;
   * a missing categorical value becomes its own category `''` under `'zero'`/`'mean'`. @default 'error'
   */
  readonly missing?: 'error' | 'zero' | 'mean';
}

/**
 * The Hillstrom MineThatData e-mail test (64,000 rows; `segment` = No E-Mail / Mens E-Mail / Womens E-Mail).
 * Response is `spend`; each e-mail costs 1 and control costs 0; `visit` and `conversion` are kept as outcomes.
 */
export const hillstromSchema: TrialSchema = {
  treatment: 'segment',
  control: 'No E-Mail',
  response: 'spend',
  armCost: { 'No E-Mail': 0, 'Mens E-Mail': 1, 'Womens E-Mail': 1 },
  arms: ['Mens E-Mail', 'Womens E-Mail'],
  categorical: ['history_segment', 'zip_code', 'channel'],
  outcomes: ['visit', 'conversion'],
};

/**
 * The Starbucks promotion exercise (84,534 rows; `Promotion` = No / Yes). Response is `purchase` (0/1); a
 * promotion costs 0.15. Set `responseScale: 10` to count a purchase as its $10 value, as in net incremental revenue.
 */
export const starbucksSchema: TrialSchema = {
  treatment: 'Promotion',
  control: 'No',
  response: 'purchase',
  armCost: { No: 0, Yes: 0.15 },
  arms: ['Yes'],
  id: 'ID',
  features: ['V1', 'V2', 'V3', 'V4', 'V5', 'V6', 'V7'],
};

/** Checks a {@link TrialSchema}'s own fields (column names are checked against the data's header later). */
export function checkTrialSchema(schema: TrialSchema): void {
  if (typeof schema !== 'object' || schema === null) {
    throw new ValidationError({ path: ['schema'], message: 'expected a schema object' });
  }
  for (const key of ['treatment', 'control', 'response'] as const) {
    if (typeof schema[key] !== 'string' || schema[key] === '') {
      throw new ValidationError({ path: ['schema', key], message: 'expected a non-empty string' });
    }
  }
  if (schema.cost === undefined && schema.armCost === undefined) {
    throw new ValidationError({
      path: ['schema', 'cost'],
      message: 'give a cost column (cost) or a fixed cost per arm (armCost)',
    });
  }
  if (schema.armCost !== undefined) {
    for (const [arm, c] of Object.entries(schema.armCost)) {
      if (typeof c !== 'number' || !Number.isFinite(c) || c < 0) {
        throw new ValidationError({
          path: ['schema', 'armCost', arm],
          message: `expected a finite non-negative cost, got ${String(c)}`,
        });
      }
    }
    if (schema.cost === undefined && !Object.hasOwn(schema.armCost, schema.control)) {
      throw new ValidationError({
        path: ['schema', 'armCost'],
        message: `missing the control arm '${schema.control}'`,
      });
    }
  }
  if (schema.responseScale !== undefined && !(Number.isFinite(schema.responseScale) && schema.responseScale > 0)) {
    throw new ValidationError({
      path: ['schema', 'responseScale'],
      message: `expected a positive number, got ${schema.responseScale}`,
    });
  }
  if (
    schema.maxCategories !== undefined &&
    !(Number.isInteger(schema.maxCategories) && (schema.maxCategories as number) >= 1)
  ) {
    throw new ValidationError({
      path: ['schema', 'maxCategories'],
      message: `expected an integer >= 1, got ${String(schema.maxCategories)}`,
    });
  }
  if (schema.missing !== undefined && !['error', 'zero', 'mean'].includes(schema.missing)) {
    throw new ValidationError({
      path: ['schema', 'missing'],
      message: `expected 'error', 'zero' or 'mean', got ${JSON.stringify(schema.missing)}`,
    });
  }
}
