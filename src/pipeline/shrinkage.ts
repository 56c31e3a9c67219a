import type { CellMean, GroupStats } from '../solver/group-stats.js';

/** What the group uplifts are shrunk toward. */
export type ShrinkagePrior = 'model' | 'pooled' | 'none';

/**
 * Which sampling variance each group's uplift estimate is given: `'group'`, the group's own sample variance;
 * `'pooled'`, the arm's variance pooled over all groups divided by the group's count; `'max'`, the larger of the two.
 * With heavy-tailed responses (spend) most groups' samples miss the rare large values, so their own variance
 * understates the noise; the pooled variance counts every large value once for all groups.
 */
export type ShrinkageVariance = 'group' | 'pooled' | 'max';

/**
 * How the between-group variance tau^2 of the true uplift is estimated: `'moments'`, the mean squared residual
 * around the prior minus the mean sampling variance; `'robust'`, the squared median absolute deviation of the
 * residuals (scaled to a standard deviation) minus the median sampling variance. With heavy-tailed responses a few
 * groups that drew a rare large value make the moment estimate large, so that little is shrunk anywhere; the robust
 * estimate follows the typical group.
 */
export type ShrinkageSpread = 'moments' | 'robust';

/** How one arm's group uplifts were shrunk (one entry per arm j >= 1 and outcome). */
export interface ShrinkageFit {
  readonly arm: number;
  readonly outcome: 'response' | 'cost';
  /** Set for a difference between treatment arms: the reference arm the difference of `arm` is taken to. */
  readonly contrastTo?: number;
  /** The prior's intercept and slope on the model's predicted group uplift (slope 0 for `'pooled'`). */
  readonly intercept: number;
  readonly slope: number;
  /** Between-group variance of the true uplift around the prior (method of moments). */
  readonly tau2: number;
  /** Mean over groups of the weight on the prior, se^2 / (se^2 + tau2). */
  readonly meanShrink: number;
}

/** Mean per-arm predicted uplift (response and cost, row-major `k x m`, column 0 = 0) of each group's rows. */
export function groupPredictedUplift(
  pred: { response: Float32Array; cost: Float32Array },
  m: number,
  groups: Int32Array,
  k: number,
): { response: Float64Array; cost: Float64Array } {
  const response = new Float64Array(k * m);
  const cost = new Float64Array(k * m);
  const n = new Float64Array(k);
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i] as number;
    n[g] = (n[g] as number) + 1;
    const r0 = pred.response[i * m] as number;
    const c0 = pred.cost[i * m] as number;
    for (let j = 1; j < m; j++) {
      response[g * m + j] = (response[g * m + j] as number) + (pred.response[i * m + j] as number) - r0;
      cost[g * m + j] = (cost[g * m + j] as number) + (pred.cost[i * m + j] as number) - c0;
    }
  }
  for (let g = 0; g < k; g++) {
    const s = (n[g] as number) > 0 ? 1 / (n[g] as number) : 0;
    for (let j = 1; j < m; j++) {
      response[g * m + j] = (response[g * m + j] as number) * s;
      cost[g * m + j] = (cost[g * m + j] as number) * s;
    }
  }
  return { response, cost };
}

/** Largest weight on the prior: a group keeps at least 5% of its own estimate. */
const MAX_SHRINK = 0.95;

/**
 * Empirical-Bayes shrinkage of each group's uplift over control toward a prior: `'pooled'`, the arm's mean uplift over
 * groups; `'model'`, a line through the model's predicted uplift of the group's rows (intercept and slope fitted by
 * weighted least squares, slope at least 0), which keeps the model's ranking but takes its scale from the trial. The
 * between-group variance tau^2 of the true uplift around the prior is estimated by the method of moments, and each
 * group's estimate moves toward the prior by se^2 / (se^2 + tau^2): noisy groups (few rows, rare responses) move most.
 * The shrunk means replace the treated cells' means in the statistics ({@link GroupStats.withCellMeans}), so every
 * formulation and solver sees them; each shrunk cell's bootstrap replicates are recentred on the shrunk mean with
 * their spread scaled to the posterior's (sqrt(1 - B) for a weight B on the prior), and an outcome that is not shrunk
 * (the cost, by default) keeps its mean and all of its sampling noise. Groups with too few rows to estimate (below `minCount`) are left alone.
 * Costs are shrunk only with `cost: true`: the plan's spend rests on them, and a group's honest cost mean is unbiased
 * where a shrunk one is pulled toward the prior (on the simulator with label noise 0.4, shrinking costs too made the
 * tightest budget overspend by 6%).
 */
export function shrinkGroupUplift(
  stats: GroupStats,
  predicted: { response: Float64Array; cost: Float64Array },
  prior: ShrinkagePrior,
  minCount: number,
  options: {
    readonly cost?: boolean;
    readonly variance?: ShrinkageVariance;
    readonly contrast?: ShrinkagePrior;
    readonly spread?: ShrinkageSpread;
  } = {},
): { stats: GroupStats; fits: ShrinkageFit[] } {
  const variance = options.variance ?? 'group';
  const contrast = options.contrast ?? 'none';
  const spread = options.spread ?? 'moments';
  const outcomes = options.cost === true ? (['response', 'cost'] as const) : (['response'] as const);
  if (prior === 'none' && contrast === 'none') return { stats, fits: [] };
  const { k, m } = stats;
  const fits: ShrinkageFit[] = [];
  const entries: CellMean[] = [];
  // Shrunk means stay within the range of the trial's cell means (a cost never turns negative, a rate never leaves [0, 1]).
  const range = { response: [Infinity, -Infinity], cost: [Infinity, -Infinity] };
  for (let g = 0; g < k; g++) {
    for (let j = 0; j < m; j++) {
      const c = stats.cell(g, j);
      if (!(c.count > 0 && c.weight > 0)) continue;
      range.response = [
        Math.min(range.response[0] as number, c.response),
        Math.max(range.response[1] as number, c.response),
      ];
      range.cost = [Math.min(range.cost[0] as number, c.cost), Math.max(range.cost[1] as number, c.cost)];
    }
  }
  const clamp = (v: number, [lo, hi]: number[]) => Math.min(hi as number, Math.max(lo as number, v));
  const pooled = pooledRowVariance(stats);
  const cellSe2 = (g: number, j: number, outcome: 'response' | 'cost'): number => {
    const c = stats.cell(g, j);
    const own = (outcome === 'response' ? c.seResponse : c.seCost) ** 2;
    if (variance === 'group' || !(c.count > 0)) return own;
    const p = (pooled[outcome][j] as number) / c.count;
    return variance === 'pooled' ? p : Math.max(own, p);
  };
  // Per arm: the groups estimated, their shrunk response and cost uplift and the weight each put on its prior.
  const arms: (ArmPosterior | undefined)[] = new Array(m);
  for (let j = 1; j < m; j++) {
    const ok: number[] = [];
    for (let g = 0; g < k; g++) {
      const a = stats.cell(g, j);
      const b = stats.cell(g, 0);
      if (a.count >= minCount && b.count >= minCount && a.weight > 0 && b.weight > 0) ok.push(g);
    }
    if (ok.length < 3) continue;
    const up = ok.map((g) => stats.uplift(g, j));
    const post = outcomes.map((outcome) => {
      const est = up.map((u) => u[outcome]);
      if (prior === 'none') return { mean: est, weights: est.map(() => 0) };
      const se2 = ok.map((g) => cellSe2(g, j, outcome) + cellSe2(g, 0, outcome));
      const x = ok.map((g) => (prior === 'model' ? (predicted[outcome][g * m + j] as number) : 0));
      const shrunk = shrinkToward(est, se2, x, prior === 'model', spread);
      fits.push({ arm: j, outcome, ...shrunk.fit });
      return shrunk;
    });
    const pr = post[0] as { mean: number[]; weights: number[] };
    // Unshrunk costs keep the trial's honest group means.
    const pc = post[1] ?? { mean: up.map((u) => u.cost), weights: up.map(() => 0) };
    arms[j] = { ok, response: pr.mean, responseWeight: pr.weights, cost: pc.mean, costWeight: pc.weights };
  }
  if (contrast !== 'none') shrinkArmContrasts(stats, arms, predicted, contrast, cellSe2, spread, fits);
  for (let j = 1; j < m; j++) {
    const arm = arms[j];
    if (arm === undefined) continue;
    arm.ok.forEach((g, i) => {
      const wy = arm.responseWeight[i] as number;
      const wc = arm.costWeight[i] as number;
      if (!(Math.max(wy, wc) > 1e-6)) return;
      const b = stats.cell(g, 0);
      // The treated cell moves to control + shrunk uplift; its sampling spread becomes the posterior's,
      // sqrt(1 - B) of the trial's for a weight B on the prior. An outcome that is not shrunk keeps its mean and
      // all of its noise (the plan's cost quantiles and chance of staying within budget rest on it).
      entries.push({
        group: g,
        arm: j,
        ...(wy > 1e-6
          ? {
              response: clamp(b.response + (arm.response[i] as number), range.response),
              responseSpread: Math.sqrt(1 - wy),
            }
          : {}),
        ...(wc > 1e-6
          ? { cost: clamp(b.cost + (arm.cost[i] as number), range.cost), costSpread: Math.sqrt(1 - wc) }
          : {}),
      });
    });
  }
  return { stats: entries.length > 0 ? stats.withCellMeans(entries) : stats, fits };
}

/**
 * Empirical-Bayes shrinkage of estimates `est` (sampling variances `se2`) toward a prior line through `x` (or a
 * constant): each moves toward the prior by se^2 / (se^2 + tau^2), at most {@link MAX_SHRINK}.
 */
function shrinkToward(
  est: readonly number[],
  se2: readonly number[],
  x: readonly number[],
  withSlope: boolean,
  spread: ShrinkageSpread,
): {
  mean: number[];
  weights: number[];
  fit: Pick<ShrinkageFit, 'intercept' | 'slope' | 'tau2' | 'meanShrink'>;
} {
  const { a, b, tau2 } = fitPrior(est, se2, x, withSlope, spread);
  const weights = se2.map((s) => (s + tau2 > 0 ? Math.min(MAX_SHRINK, s / (s + tau2)) : 0));
  const mean = est.map((e, i) => e + (weights[i] as number) * (a + b * (x[i] as number) - e));
  const meanShrink = weights.reduce((s, w) => s + w, 0) / weights.length;
  return { mean, weights, fit: { intercept: a, slope: b, tau2, meanShrink } };
}

function median(xs: readonly number[]): number {
  const s = Float64Array.from(xs).sort();
  const h = s.length >> 1;
  return s.length % 2 === 1 ? (s[h] as number) : ((s[h - 1] as number) + (s[h] as number)) / 2;
}

/** One treatment arm's groups after shrinkage toward its prior (aligned arrays over `ok`). */
interface ArmPosterior {
  readonly ok: number[];
  response: number[];
  responseWeight: number[];
  readonly cost: number[];
  readonly costWeight: number[];
}

/**
 * Shrinks each group's response difference between two treatment arms toward a prior, in place. The reference arm
 * is the treatment arm with the most trial weight; every other arm's group uplift becomes the reference arm's shrunk
 * uplift plus the shrunk difference. The raw difference of group g is the difference of the two treated means
 * (control cancels), its variance the sum of the two treated cells'; the prior is the arms' pooled difference
 * (`'pooled'`) or a line through the model's predicted difference (`'model'`), with tau^2 estimated as for the
 * uplifts. Where the trial shows no spread of the difference beyond noise, every group keeps the same order of arms.
 */
function shrinkArmContrasts(
  stats: GroupStats,
  arms: (ArmPosterior | undefined)[],
  predicted: { response: Float64Array; cost: Float64Array },
  prior: 'model' | 'pooled',
  cellSe2: (g: number, j: number, outcome: 'response' | 'cost') => number,
  spread: ShrinkageSpread,
  fits: ShrinkageFit[],
): void {
  const { k, m } = stats;
  let ref = -1;
  let refWeight = -1;
  for (let j = 1; j < m; j++) {
    if (arms[j] === undefined) continue;
    let w = 0;
    for (let g = 0; g < k; g++) w += stats.cell(g, j).weight;
    if (w > refWeight) {
      ref = j;
      refWeight = w;
    }
  }
  const r = arms[ref];
  if (r === undefined) return;
  const at = new Map(r.ok.map((g, i) => [g, i]));
  for (let j = 1; j < m; j++) {
    const arm = arms[j];
    if (j === ref || arm === undefined) continue;
    const idx: number[] = [];
    const refIdx: number[] = [];
    arm.ok.forEach((g, i) => {
      const ri = at.get(g);
      if (ri === undefined) return;
      idx.push(i);
      refIdx.push(ri);
    });
    if (idx.length < 3) continue;
    const groups = idx.map((i) => arm.ok[i] as number);
    const est = groups.map((g) => stats.cell(g, j).response - stats.cell(g, ref).response);
    const se2 = groups.map((g) => cellSe2(g, j, 'response') + cellSe2(g, ref, 'response'));
    const x = groups.map((g) =>
      prior === 'model' ? (predicted.response[g * m + j] as number) - (predicted.response[g * m + ref] as number) : 0,
    );
    const { mean, weights, fit } = shrinkToward(est, se2, x, prior === 'model', spread);
    fits.push({ arm: j, outcome: 'response', contrastTo: ref, ...fit });
    idx.forEach((i, t) => {
      arm.response[i] = (r.response[refIdx[t] as number] as number) + (mean[t] as number);
      arm.responseWeight[i] = Math.max(arm.responseWeight[i] as number, weights[t] as number);
    });
  }
}

/**
 * Per-row variance of response and cost in each arm, pooled over groups: the within-group sums of squares of all
 * groups over their total weight.
 */
function pooledRowVariance(stats: GroupStats): { response: Float64Array; cost: Float64Array } {
  const { k, m } = stats;
  const M = stats.moments();
  const response = new Float64Array(m);
  const cost = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let w = 0;
    let ssr = 0;
    let ssc = 0;
    for (let g = 0; g < k; g++) {
      const c = g * m + j;
      const wc = M.weight[c] as number;
      if (!(wc > 0)) continue;
      ssr += Math.max(0, (M.sumYY[c] as number) - (M.sumY[c] as number) ** 2 / wc);
      ssc += Math.max(0, (M.sumCC[c] as number) - (M.sumC[c] as number) ** 2 / wc);
      w += wc;
    }
    response[j] = w > 0 ? ssr / w : 0;
    cost[j] = w > 0 ? ssc / w : 0;
  }
  return { response, cost };
}

/**
 * Weighted least squares of est on [1, x] (or on 1 alone) with weights 1 / (se2 + tau2); tau2 by moments (mean squared
 * residual minus mean se2) or, with `'robust'`, from the median absolute deviation of the residuals minus the median
 * se2, which a few groups with a rare huge response cannot inflate; 4 rounds.
 */
function fitPrior(
  est: readonly number[],
  se2: readonly number[],
  x: readonly number[],
  withSlope: boolean,
  spread: ShrinkageSpread,
): { a: number; b: number; tau2: number } {
  const K = est.length;
  const p = withSlope ? 2 : 1;
  let tau2 = 0;
  let a = 0;
  let b = 0;
  for (let round = 0; round < 4; round++) {
    let sw = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    for (let i = 0; i < K; i++) {
      const w = 1 / Math.max(1e-18, (se2[i] as number) + tau2);
      const xi = x[i] as number;
      const yi = est[i] as number;
      sw += w;
      sx += w * xi;
      sy += w * yi;
      sxx += w * xi * xi;
      sxy += w * xi * yi;
    }
    const vx = sxx - (sx * sx) / sw;
    b = withSlope && vx > 1e-18 * sw ? Math.max(0, (sxy - (sx * sy) / sw) / vx) : 0;
    a = (sy - b * sx) / sw;
    const res = est.map((e, i) => e - a - b * (x[i] as number));
    if (spread === 'robust') {
      const med = median(res);
      const mad = 1.4826 * median(res.map((r) => Math.abs(r - med)));
      tau2 = Math.max(0, mad * mad - median(se2));
      continue;
    }
    let r2 = 0;
    let s2 = 0;
    for (let i = 0; i < K; i++) {
      r2 += (res[i] as number) ** 2;
      s2 += se2[i] as number;
    }
    tau2 = Math.max(0, r2 / Math.max(1, K - p) - s2 / K);
  }
  return { a, b, tau2 };
}
