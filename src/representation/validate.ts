import { ValidationError, type ValidationIssue } from '../core/errors.js';
import { describe } from '../core/validate.js';
import type { RCTDataset } from '../data/dataset.js';

/** Checks the fields RepresentationNet reads from a dataset; returns the number of arms. */
export function checkTrainingData(data: RCTDataset): number {
  if (typeof data !== 'object' || data === null) {
    throw new ValidationError({ path: ['data'], message: `expected an RCTDataset, got ${describe(data)}` });
  }
  const { n, d } = data;
  const issues: ValidationIssue[] = [];
  if (!Number.isInteger(n) || n < 2) issues.push({ path: ['data', 'n'], message: `expected >= 2 rows, got ${n}` });
  if (!Number.isInteger(d) || d < 1) issues.push({ path: ['data', 'd'], message: `expected >= 1 column, got ${d}` });
  if (issues.length > 0) throw new ValidationError(issues);
  if (!(data.features instanceof Float32Array) || data.features.length !== n * d) {
    issues.push({ path: ['data', 'features'], message: `expected a Float32Array of n*d = ${n * d} values` });
  }
  const m = Array.isArray(data.treatmentNames) ? data.treatmentNames.length : 0;
  if (m < 2) issues.push({ path: ['data', 'treatmentNames'], message: 'expected at least two arms (control first)' });
  for (const key of ['response', 'cost'] as const) {
    if (!(data[key] instanceof Float32Array) || data[key].length !== n) {
      issues.push({ path: ['data', key], message: `expected a Float32Array of ${n} values` });
    }
  }
  if (!(data.treatment instanceof Int32Array) || data.treatment.length !== n) {
    issues.push({ path: ['data', 'treatment'], message: `expected an Int32Array of ${n} arm indices` });
  }
  if (data.propensity !== undefined && (!(data.propensity instanceof Float32Array) || data.propensity.length !== n)) {
    issues.push({ path: ['data', 'propensity'], message: `expected a Float32Array of ${n} values` });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  for (let i = 0; i < n; i++) {
    const t = data.treatment[i] as number;
    if (!(t >= 0 && t < m)) {
      throw new ValidationError({
        path: ['data', 'treatment', i],
        message: `expected an arm index in 0..${m - 1}, got ${t}`,
      });
    }
    const p = data.propensity?.[i];
    if (p !== undefined && !(p > 0 && p <= 1)) {
      throw new ValidationError({
        path: ['data', 'propensity', i],
        message: `expected a probability in (0, 1], got ${p}`,
      });
    }
  }
  for (let i = 0; i < data.features.length; i++) {
    const v = data.features[i] as number;
    if (!Number.isFinite(v)) {
      throw new ValidationError({
        path: ['data', 'features', 'row', Math.floor(i / d), 'column', i % d],
        message: `expected a finite number, got ${v}`,
      });
    }
  }
  return m;
}

/** Inverse-propensity weights normalised to mean 1 (all ones when `ipw` is off). */
export function ipwWeights(data: RCTDataset, ipw: boolean): Float32Array {
  const w = new Float32Array(data.n);
  if (!ipw) return w.fill(1);
  const m = data.treatmentNames.length;
  const counts = new Float64Array(m);
  for (let i = 0; i < data.n; i++)
    counts[data.treatment[i] as number] = (counts[data.treatment[i] as number] as number) + 1;
  let sum = 0;
  for (let i = 0; i < data.n; i++) {
    const p = data.propensity?.[i] ?? (counts[data.treatment[i] as number] as number) / data.n;
    w[i] = 1 / p;
    sum += 1 / p;
  }
  const k = data.n / sum;
  for (let i = 0; i < data.n; i++) w[i] = (w[i] as number) * k;
  return w;
}
