/**
 * Small statistics helpers shared by the evaluation code: means, percentile intervals and Student-t quantiles.
 * Internal: not re-exported from the package root except where noted in `src/eval/index.ts`.
 */

/** A point estimate with a two-sided confidence interval. */
export interface Interval {
  /** The point estimate on the full sample. */
  readonly estimate: number;
  /** Lower end of the confidence interval. */
  readonly lower: number;
  /** Upper end of the confidence interval. */
  readonly upper: number;
  /** Standard error (bootstrap standard deviation, or sd / sqrt(n) across seeds). */
  readonly se: number;
}

/** Arithmetic mean (NaN for an empty list). */
export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] as number;
  return s / values.length;
}

/** Sample standard deviation (n - 1 denominator; 0 for a single value, NaN for none). */
export function sd(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  if (n === 1) return 0;
  const m = mean(values);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - m;
    s += d * d;
  }
  return Math.sqrt(s / (n - 1));
}

/** The q-quantile (0..1) of a sample by linear interpolation between order statistics (type 7, as R and numpy). */
export function quantile(values: ArrayLike<number>, q: number): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  const a = sorted[lo] as number;
  return a + (h - lo) * ((sorted[hi] as number) - a);
}

/** A percentile bootstrap interval at `level` from replicate estimates, around the full-sample `estimate`. */
export function percentileInterval(estimate: number, replicates: ArrayLike<number>, level: number): Interval {
  const alpha = (1 - level) / 2;
  // A resample can leave a policy without matched rows (NaN under Hajek); such replicates are dropped.
  const finite = Float64Array.from(replicates as ArrayLike<number>).filter(Number.isFinite);
  return {
    estimate,
    lower: quantile(finite, alpha),
    upper: quantile(finite, 1 - alpha),
    se: sd(finite),
  };
}

/**
 * A t-interval for the mean of independent values (e.g. one metric over seeds). With one value the interval is
 * degenerate (NaN ends), because the spread is unknown.
 */
export function tInterval(values: ArrayLike<number>, level: number): Interval {
  const n = values.length;
  const m = mean(values);
  if (n < 2) return { estimate: m, lower: Number.NaN, upper: Number.NaN, se: Number.NaN };
  const se = sd(values) / Math.sqrt(n);
  const t = studentTQuantile(1 - (1 - level) / 2, n - 1);
  return { estimate: m, lower: m - t * se, upper: m + t * se, se };
}

/** The p-quantile of Student's t with `df` degrees of freedom, by bisection on its CDF. */
export function studentTQuantile(p: number, df: number): number {
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 100; i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** CDF of Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const x = df / (df + t * t);
  const tail = 0.5 * regularizedBeta(x, df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The regularized incomplete beta function I_x(a, b) (continued fraction, Numerical Recipes 6.4). */
function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  const front = Math.exp(lnFront);
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(x, a, b)) / a;
  return 1 - (front * betaFraction(1 - x, b, a)) / b;
}

function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-14) break;
  }
  return h;
}

/** log Gamma(x) for x > 0 (Lanczos, g = 7). */
function logGamma(x: number): number {
  const g = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = g[0] as number;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (g[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Trapezoid area under a piecewise-linear curve through (x[i], y[i]). */
export function trapezoid(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let a = 0;
  for (let i = 1; i < x.length; i++) {
    a += 0.5 * ((x[i] as number) - (x[i - 1] as number)) * ((y[i] as number) + (y[i - 1] as number));
  }
  return a;
}
