import { isotonic } from './calibration.js';
import { effectMapSchema, readModel } from './schema.js';

/**
 * A monotone map from a ranking score to effects, fitted on trial rows: rows are cut into score quantile bins; in
 * each bin the incremental response and cost of one arm over control are differences of inverse-propensity
 * weighted means; the bin ROI (response per cost) is made non-decreasing in the score by isotonic regression, so
 * the map keeps the score's order. Between bin centres both are interpolated linearly.
 */
export interface EffectMap {
  /** Score at each bin's centre (its median), increasing. */
  readonly centre: readonly number[];
  /** Isotonic ROI per bin. */
  readonly roi: readonly number[];
  /** Incremental cost per bin (at least a small positive floor). */
  readonly cost: readonly number[];
}

/** The inputs of {@link fitEffectMap}: one score per row and the rows' arm, response, cost and propensity. */
export interface EffectRows {
  readonly score: ArrayLike<number>;
  readonly treatment: Int32Array;
  readonly response: ArrayLike<number>;
  readonly cost: ArrayLike<number>;
  readonly propensity: ArrayLike<number>;
}

/** Fits an {@link EffectMap} of arm `arm` against `base` (usually control) with `bins` quantile bins. */
export function fitEffectMap(rows: EffectRows, arm: number, base: number, bins: number): EffectMap {
  const idx: number[] = [];
  for (let i = 0; i < rows.treatment.length; i++) {
    const t = rows.treatment[i];
    if (t === arm || t === base) idx.push(i);
  }
  idx.sort((a, b) => (rows.score[a] as number) - (rows.score[b] as number));
  const k = Math.max(1, Math.min(bins, Math.floor(idx.length / 20)));
  const centre: number[] = [];
  const rawRoi: number[] = [];
  const cost: number[] = [];
  const floor = 1e-6;
  for (let b = 0; b < k; b++) {
    const lo = Math.floor((b * idx.length) / k);
    const hi = Math.floor(((b + 1) * idx.length) / k);
    const s = [0, 0, 0, 0, 0, 0]; // weight, y, c for arm; weight, y, c for base
    for (let r = lo; r < hi; r++) {
      const i = idx[r] as number;
      const w = 1 / (rows.propensity[i] as number);
      const o = rows.treatment[i] === arm ? 0 : 3;
      s[o] = (s[o] as number) + w;
      s[o + 1] = (s[o + 1] as number) + w * (rows.response[i] as number);
      s[o + 2] = (s[o + 2] as number) + w * (rows.cost[i] as number);
    }
    centre.push(rows.score[idx[(lo + hi) >> 1] as number] as number);
    const mean = (o: number, f: number) => ((s[o] as number) > 0 ? (s[o + f] as number) / (s[o] as number) : 0);
    const ty = mean(0, 1) - mean(3, 1);
    const tc = Math.max(floor, mean(0, 2) - mean(3, 2));
    rawRoi.push(ty / tc);
    cost.push(tc);
  }
  return { centre, roi: isotonic(rawRoi), cost };
}

/** The ROI and incremental cost an {@link EffectMap} gives a score. */
export function effectAt(map: EffectMap, score: number): { roi: number; cost: number } {
  const c = map.centre;
  const last = c.length - 1;
  if (last <= 0 || score <= (c[0] as number)) return { roi: map.roi[0] as number, cost: map.cost[0] as number };
  if (score >= (c[last] as number)) return { roi: map.roi[last] as number, cost: map.cost[last] as number };
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((c[mid] as number) <= score) lo = mid;
    else hi = mid;
  }
  const span = (c[hi] as number) - (c[lo] as number);
  const t = span > 0 ? (score - (c[lo] as number)) / span : 0;
  const lerp = (a: readonly number[]) => (a[lo] as number) + t * ((a[hi] as number) - (a[lo] as number));
  return { roi: lerp(map.roi), cost: lerp(map.cost) };
}

/** Validates an untrusted {@link EffectMap} ({@link effectMapSchema}). */
export function checkEffectMap(value: unknown, where: string): EffectMap {
  const v = readModel(effectMapSchema, value, where);
  return { centre: [...v.centre], roi: [...v.roi], cost: [...v.cost] };
}
