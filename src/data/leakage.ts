import { ValidationError } from '../core/errors.js';
import type { RCTDataset } from './dataset.js';
import { columnWidth } from './encoding.js';

/** Why a feature column looks recorded after the treatment was assigned. */
export type LeakageReason = 'constant-within-arms' | 'predicts-treatment';

/** A feature column that should not be a feature. */
export interface LeakageFinding {
  /** The raw column (for one-hot columns, the column they come from). */
  readonly column: string;
  readonly reason: LeakageReason;
  /**
   * For `predicts-treatment`: the largest |z| of a difference in means between an arm and control over the column's
   * encoded features (under randomization |z| rarely exceeds 4).
   */
  readonly z?: number;
  /** A sentence for people. */
  readonly message: string;
}

/** Options of {@link findLeakage}. */
export interface LeakageOptions {
  /** A column whose mean differs between an arm and control by more than this many standard errors is flagged. @default 5 */
  zThreshold?: number;
}

/**
 * Looks for feature columns that were recorded after the treatment was assigned, which would let a model "predict"
 * uplift from its own consequences (e.g. `visit` when the response is `spend`). In a randomized trial a
 * pre-treatment feature has the same distribution in every arm, so a column is flagged when it is constant within
 * every arm but differs between arms (a copy of the treatment), or when its mean differs between an arm and control
 * by more than `zThreshold` standard errors (it predicts the treatment far better than chance). Returns the
 * findings, most severe first; an empty list when nothing is flagged.
 *
 * @example
 * ```ts
 * const findings = findLeakage(data);
 * if (findings.length > 0) console.warn(findings.map((f) => f.message).join('\n'));
 * ```
 */
export function findLeakage(data: RCTDataset, options: LeakageOptions = {}): LeakageFinding[] {
  const zThreshold = options.zThreshold ?? 5;
  if (!(zThreshold > 0))
    throw new ValidationError({ path: ['zThreshold'], message: `expected a positive number, got ${zThreshold}` });
  const { n, d, features, treatment } = data;
  const m = data.treatmentNames.length;
  const sum = new Float64Array(m * d);
  const sq = new Float64Array(m * d);
  const lo = new Float64Array(m * d).fill(Number.POSITIVE_INFINITY);
  const hi = new Float64Array(m * d).fill(Number.NEGATIVE_INFINITY);
  const count = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const a = treatment[i] as number;
    count[a] = (count[a] as number) + 1;
    const base = a * d;
    const row = i * d;
    for (let j = 0; j < d; j++) {
      const v = features[row + j] as number;
      sum[base + j] = (sum[base + j] as number) + v;
      sq[base + j] = (sq[base + j] as number) + v * v;
      if (v < (lo[base + j] as number)) lo[base + j] = v;
      if (v > (hi[base + j] as number)) hi[base + j] = v;
    }
  }
  // Raw columns and the encoded features each one spans.
  const spans: { name: string; from: number; to: number }[] = [];
  if (data.encoding !== undefined) {
    let at = 0;
    for (const c of data.encoding.columns) {
      spans.push({ name: c.name, from: at, to: at + columnWidth(c) });
      at += columnWidth(c);
    }
  } else {
    for (const [j, name] of data.featureNames.entries()) spans.push({ name, from: j, to: j + 1 });
  }
  const findings: LeakageFinding[] = [];
  for (const s of spans) {
    let constantWithin = true;
    let variesOverall = false;
    let zMax = 0;
    let zArm = 0;
    for (let j = s.from; j < s.to; j++) {
      let glo = Number.POSITIVE_INFINITY;
      let ghi = Number.NEGATIVE_INFINITY;
      for (let a = 0; a < m; a++) {
        if ((count[a] as number) === 0) continue;
        const l = lo[a * d + j] as number;
        const h = hi[a * d + j] as number;
        if (h > l) constantWithin = false;
        glo = Math.min(glo, l);
        ghi = Math.max(ghi, h);
      }
      if (ghi > glo) variesOverall = true;
      const n0 = count[0] as number;
      const m0 = (sum[j] as number) / n0;
      const v0 = Math.max(0, (sq[j] as number) / n0 - m0 * m0);
      for (let a = 1; a < m; a++) {
        const na = count[a] as number;
        if (na < 2 || n0 < 2) continue;
        const ma = (sum[a * d + j] as number) / na;
        const va = Math.max(0, (sq[a * d + j] as number) / na - ma * ma);
        const se = Math.sqrt(va / na + v0 / n0);
        if (se > 0) {
          const z = Math.abs(ma - m0) / se;
          if (z > zMax) {
            zMax = z;
            zArm = a;
          }
        }
      }
    }
    if (constantWithin && variesOverall) {
      findings.push({
        column: s.name,
        reason: 'constant-within-arms',
        message: `column '${s.name}' is constant within every arm but differs between arms: it copies the treatment`,
      });
    } else if (zMax > zThreshold) {
      findings.push({
        column: s.name,
        reason: 'predicts-treatment',
        z: zMax,
        message: `column '${s.name}' differs between '${data.treatmentNames[zArm]}' and control by ${zMax.toFixed(1)} standard errors (randomization rarely gives more than 4): it looks recorded after the treatment, e.g. an outcome`,
      });
    }
  }
  return findings.sort((a, b) =>
    a.reason === b.reason ? (b.z ?? 0) - (a.z ?? 0) : a.reason === 'constant-within-arms' ? -1 : 1,
  );
}
