import { ValidationError, type ValidationIssue } from '../core/errors.js';
import { describe } from '../core/validate.js';
import type { FeatureEncoding } from './encoding.js';

/**
 * A randomized-trial dataset in columnar typed arrays.
 *
 * - `features`: row-major `n * d` matrix of encoded features (categoricals one-hot, see `encoding`).
 * - `treatment`: the arm each row received, an index into `treatmentNames`; index 0 is control.
 * - `response`, `cost`: the observed outcome and cost of each row.
 * - `propensity`: the probability that the row received the arm it did (empirical arm shares by default).
 * - `outcomes`: extra observed outcomes (e.g. GMV, visits), each of length `n`.
 */
export interface RCTDataset {
  readonly n: number;
  readonly d: number;
  readonly features: Float32Array;
  readonly featureNames: readonly string[];
  readonly treatment: Int32Array;
  readonly treatmentNames: readonly string[];
  readonly response: Float32Array;
  readonly cost: Float32Array;
  readonly propensity?: Float32Array;
  readonly outcomes?: Readonly<Record<string, Float32Array>>;
  /** Row identifiers from the source (e.g. a user id column), if any. */
  readonly ids?: readonly string[];
  /** How raw columns map to `features`, when the dataset was built from named columns. */
  readonly encoding?: FeatureEncoding;
}

/** The plain fields from which {@link createDataset} builds and validates a dataset. */
export interface DatasetInput {
  features: Float32Array | readonly (readonly number[])[];
  /** Feature columns; required when `features` is a flat Float32Array. */
  d?: number;
  featureNames?: readonly string[];
  treatment: Int32Array | readonly number[];
  treatmentNames: readonly string[];
  response: Float32Array | readonly number[];
  cost: Float32Array | readonly number[];
  propensity?: Float32Array | readonly number[];
  outcomes?: Readonly<Record<string, Float32Array | readonly number[]>>;
  ids?: readonly string[];
  encoding?: FeatureEncoding;
}

/**
 * Builds an {@link RCTDataset} from arrays and validates it: sizes agree, arms are valid indices with at least
 * one row each (control included), values are finite, costs are non-negative, propensities are in (0, 1].
 * When `propensity` is omitted, each row gets its arm's empirical share.
 *
 * @example
 * ```ts
 * const data = createDataset({
 *   features: [[0.1, 1], [0.4, 0], [0.3, 1], [0.9, 0]],
 *   treatment: [0, 1, 0, 1], treatmentNames: ['control', 'coupon'],
 *   response: [0, 1, 0, 0], cost: [0, 2, 0, 2],
 * });
 * ```
 */
export function createDataset(input: DatasetInput): RCTDataset {
  const issues: ValidationIssue[] = [];
  let features: Float32Array;
  let d: number;
  if (input.features instanceof Float32Array) {
    if (input.d === undefined) {
      throw new ValidationError({ path: ['d'], message: 'required when features is a flat Float32Array' });
    }
    d = input.d;
    features = input.features;
  } else if (Array.isArray(input.features)) {
    const rows = input.features as readonly (readonly number[])[];
    d = rows[0]?.length ?? input.d ?? input.featureNames?.length ?? 0;
    features = new Float32Array(rows.length * d);
    rows.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== d) {
        issues.push({ path: ['features', i], message: `expected ${d} values, got ${describe(row)}` });
        return;
      }
      for (let j = 0; j < d; j++) features[i * d + j] = row[j] as number;
    });
  } else {
    throw new ValidationError({
      path: ['features'],
      message: `expected a Float32Array or an array of rows, got ${describe(input.features)}`,
    });
  }
  if (!Number.isInteger(d) || d <= 0) {
    throw new ValidationError({
      path: ['d'],
      message: `expected a positive integer number of feature columns, got ${d}`,
    });
  }
  if (features.length % d !== 0) {
    throw new ValidationError({ path: ['features'], message: `length ${features.length} is not a multiple of d=${d}` });
  }
  const n = features.length / d;
  const featureNames = input.featureNames ?? Array.from({ length: d }, (_, j) => `x${j}`);
  if (featureNames.length !== d) {
    issues.push({ path: ['featureNames'], message: `expected ${d} names, got ${featureNames.length}` });
  }
  const treatment = toTyped(Int32Array, input.treatment, 'treatment', n, issues);
  const response = toTyped(Float32Array, input.response, 'response', n, issues);
  const cost = toTyped(Float32Array, input.cost, 'cost', n, issues);
  const names = input.treatmentNames;
  if (!Array.isArray(names) || names.length < 2 || !names.every((s) => typeof s === 'string')) {
    issues.push({
      path: ['treatmentNames'],
      message: `expected at least two arm names (control first), got ${describe(names)}`,
    });
  } else if (new Set(names).size !== names.length) {
    issues.push({ path: ['treatmentNames'], message: 'arm names must be distinct' });
  }
  if (issues.length > 0) throw new ValidationError(issues);

  const m = names.length;
  for (let i = 0; i < features.length; i++) {
    const v = features[i] as number;
    if (!Number.isFinite(v)) {
      const row = Math.floor(i / d);
      issues.push({
        path: ['features', 'row', row, 'column', featureNames[i % d] ?? i % d],
        message: `expected a finite number, got ${v}`,
      });
      if (issues.length >= 10) break;
    }
  }
  const counts = new Float64Array(m);
  for (let i = 0; i < n && issues.length < 10; i++) {
    const t = treatment[i] as number;
    if (!Number.isInteger(t) || t < 0 || t >= m) {
      issues.push({ path: ['treatment', i], message: `expected an arm index in 0..${m - 1}, got ${t}` });
      continue;
    }
    counts[t] = (counts[t] as number) + 1;
    if (!Number.isFinite(response[i] as number))
      issues.push({ path: ['response', i], message: `expected a finite number, got ${response[i]}` });
    const c = cost[i] as number;
    if (!Number.isFinite(c) || c < 0)
      issues.push({ path: ['cost', i], message: `expected a finite non-negative cost, got ${c}` });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  for (let j = 0; j < m; j++) {
    if (counts[j] === 0) {
      issues.push({
        path: ['treatment', names[j] as string],
        message: j === 0 ? `the control arm '${names[0]}' has no rows` : `arm '${names[j]}' has no rows`,
      });
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);

  let propensity: Float32Array;
  if (input.propensity !== undefined) {
    propensity = toTyped(Float32Array, input.propensity, 'propensity', n, issues);
    for (let i = 0; i < n && issues.length < 10; i++) {
      const p = propensity[i] as number;
      if (!(p > 0 && p <= 1))
        issues.push({ path: ['propensity', i], message: `expected a probability in (0, 1], got ${p}` });
    }
  } else {
    propensity = new Float32Array(n);
    for (let i = 0; i < n; i++) propensity[i] = (counts[treatment[i] as number] as number) / n;
  }
  let outcomes: Record<string, Float32Array> | undefined;
  if (input.outcomes !== undefined) {
    outcomes = Object.create(null) as Record<string, Float32Array>;
    for (const key of Object.keys(input.outcomes)) {
      const arr = toTyped(Float32Array, input.outcomes[key] as Float32Array, `outcomes.${key}`, n, issues);
      outcomes[key] = arr;
    }
  }
  if (input.ids !== undefined && input.ids.length !== n) {
    issues.push({ path: ['ids'], message: `expected ${n} ids, got ${input.ids.length}` });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return {
    n,
    d,
    features,
    featureNames: [...featureNames],
    treatment,
    treatmentNames: [...names],
    response,
    cost,
    propensity,
    ...(outcomes !== undefined ? { outcomes } : {}),
    ...(input.ids !== undefined ? { ids: input.ids } : {}),
    ...(input.encoding !== undefined ? { encoding: input.encoding } : {}),
  };
}

function toTyped<T extends Float32Array | Int32Array>(
  Ctor: { new (n: number): T; from(a: ArrayLike<number>): T },
  value: T | readonly number[],
  name: string,
  n: number,
  issues: ValidationIssue[],
): T {
  if (!(value instanceof Ctor) && !Array.isArray(value)) {
    issues.push({ path: [name], message: `expected an array of ${n} numbers, got ${describe(value)}` });
    return new Ctor(n);
  }
  if (value.length !== n) {
    issues.push({ path: [name], message: `expected ${n} values (one per row), got ${value.length}` });
    return new Ctor(n);
  }
  return value instanceof Ctor ? value : Ctor.from(value as readonly number[]);
}

/** Selects rows by index (in the given order) into a new dataset with copied arrays. */
export function subsetRows(data: RCTDataset, rows: ArrayLike<number>): RCTDataset {
  const k = rows.length;
  const d = data.d;
  const features = new Float32Array(k * d);
  const treatment = new Int32Array(k);
  const response = new Float32Array(k);
  const cost = new Float32Array(k);
  const propensity = data.propensity !== undefined ? new Float32Array(k) : undefined;
  const outcomes: Record<string, Float32Array> | undefined =
    data.outcomes !== undefined ? Object.create(null) : undefined;
  if (outcomes !== undefined && data.outcomes !== undefined) {
    for (const key of Object.keys(data.outcomes)) outcomes[key] = new Float32Array(k);
  }
  const ids = data.ids !== undefined ? new Array<string>(k) : undefined;
  for (let r = 0; r < k; r++) {
    const i = rows[r] as number;
    features.set(data.features.subarray(i * d, i * d + d), r * d);
    treatment[r] = data.treatment[i] as number;
    response[r] = data.response[i] as number;
    cost[r] = data.cost[i] as number;
    if (propensity !== undefined) propensity[r] = data.propensity?.[i] as number;
    if (outcomes !== undefined && data.outcomes !== undefined) {
      for (const key of Object.keys(data.outcomes))
        (outcomes[key] as Float32Array)[r] = data.outcomes[key]?.[i] as number;
    }
    if (ids !== undefined) ids[r] = data.ids?.[i] as string;
  }
  return {
    n: k,
    d,
    features,
    featureNames: data.featureNames,
    treatment,
    treatmentNames: data.treatmentNames,
    response,
    cost,
    ...(propensity !== undefined ? { propensity } : {}),
    ...(outcomes !== undefined ? { outcomes } : {}),
    ...(ids !== undefined ? { ids } : {}),
    ...(data.encoding !== undefined ? { encoding: data.encoding } : {}),
  };
}

/**
 * The same dataset with its arms renumbered to `names` (a model's treatment names, control first), matching arms
 * by name rather than by position. An arm of `names` with no rows in the data, or an arm of the data missing from
 * `names`, is a ValidationError naming both lists.
 */
export function alignTreatments(
  data: RCTDataset,
  names: readonly string[],
  path: readonly (string | number)[] = ['treatment'],
): RCTDataset {
  const index = new Map(names.map((n, i) => [n, i]));
  const missing = names.filter((n) => !data.treatmentNames.includes(n));
  const unknown = data.treatmentNames.filter((n) => !index.has(n));
  if (missing.length > 0 || unknown.length > 0 || data.treatmentNames[0] !== names[0]) {
    const q = (l: readonly string[]) => l.map((s) => `'${s}'`).join(', ');
    const parts = [
      ...(missing.length > 0 ? [`not in the data: ${q(missing)}`] : []),
      ...(unknown.length > 0 ? [`unknown to the model: ${q(unknown)}`] : []),
      ...(missing.length === 0 && unknown.length === 0
        ? [`control is '${names[0]}' in the model, '${data.treatmentNames[0]}' in the data`]
        : []),
    ];
    throw new ValidationError({
      path,
      message: `the model's arms are ${q(names)}; the data's arms are ${q(data.treatmentNames)} (${parts.join('; ')})`,
    });
  }
  if (data.treatmentNames.every((n, i) => names[i] === n) && data.treatmentNames.length === names.length) return data;
  const remap = data.treatmentNames.map((n) => index.get(n) as number);
  const treatment = new Int32Array(data.n);
  for (let i = 0; i < data.n; i++) treatment[i] = remap[data.treatment[i] as number] as number;
  return { ...data, treatment, treatmentNames: [...names] };
}
