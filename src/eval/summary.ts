import { mean, sd, tInterval } from './stats.js';

/** A row of the results table that {@link summarizeResults} reads (see `ResultRow` of `compare`). */
export interface SummarizableRow {
  readonly method: string;
  readonly seed: number;
  readonly budget: number;
  readonly metric: string;
  readonly value: number;
  readonly lower?: number;
  readonly upper?: number;
}

/**
 * Mean and interval of one metric of one method at one budget over seeds. `lower`/`upper` is a t-interval over
 * seeds (variation from the methods' own randomness) when there are two or more seeds; with one seed it is that
 * run's bootstrap interval (variation from the test sample) where there is one (`interval` says which).
 * `bootstrapLower`/`bootstrapUpper` average the runs' bootstrap bounds, so both sources stay visible.
 */
export interface SummaryRow {
  readonly method: string;
  readonly budget: number;
  readonly metric: string;
  /** Seeds with a finite value. */
  readonly n: number;
  readonly mean: number;
  readonly sd: number;
  readonly lower: number;
  readonly upper: number;
  readonly interval: 'seeds' | 'bootstrap' | 'none';
  readonly bootstrapLower?: number;
  readonly bootstrapUpper?: number;
}

/** Paired difference method - reference of one metric at one budget, over the seeds both ran. */
export interface DifferenceRow {
  readonly method: string;
  readonly reference: string;
  readonly budget: number;
  readonly metric: string;
  readonly n: number;
  readonly mean: number;
  readonly lower: number;
  readonly upper: number;
  /** Share of seeds where the method beat the reference (higher value). */
  readonly winShare: number;
}

/** Summary of a comparison: one row per method x budget x metric, and paired differences to the reference. */
export interface ComparisonSummary {
  readonly level: number;
  readonly metrics: readonly SummaryRow[];
  readonly differences: readonly DifferenceRow[];
}

/**
 * Summarizes a tidy results table (as `compare` returns) per method x budget x metric, and takes paired differences
 * against `reference` seed by seed.
 *
 * @example
 * ```ts
 * const summary = summarizeResults(result.rows.filter((r) => r.budget === 0.5), { reference: 'hrc' });
 * ```
 */
export function summarizeResults(
  rows: readonly SummarizableRow[],
  options: { level?: number; reference?: string } = {},
): ComparisonSummary {
  const level = options.level ?? 0.95;
  const groups = new Map<string, SummarizableRow[]>();
  for (const r of rows) {
    const key = JSON.stringify([r.method, r.budget, r.metric]);
    let g = groups.get(key);
    if (g === undefined) {
      g = [];
      groups.set(key, g);
    }
    g.push(r);
  }
  const metrics: SummaryRow[] = [];
  for (const g of groups.values()) {
    const first = g[0] as SummarizableRow;
    const finite = g.filter((r) => Number.isFinite(r.value));
    const values = finite.map((r) => r.value);
    const withBoot = finite.filter((r) => r.lower !== undefined && r.upper !== undefined);
    const boot =
      withBoot.length > 0
        ? {
            bootstrapLower: mean(withBoot.map((r) => r.lower as number)),
            bootstrapUpper: mean(withBoot.map((r) => r.upper as number)),
          }
        : {};
    let lower = Number.NaN;
    let upper = Number.NaN;
    let interval: SummaryRow['interval'] = 'none';
    if (values.length >= 2) {
      const t = tInterval(values, level);
      lower = t.lower;
      upper = t.upper;
      interval = 'seeds';
    } else if (values.length === 1 && withBoot.length === 1) {
      lower = withBoot[0]?.lower as number;
      upper = withBoot[0]?.upper as number;
      interval = 'bootstrap';
    }
    metrics.push({
      method: first.method,
      budget: first.budget,
      metric: first.metric,
      n: values.length,
      mean: mean(values),
      sd: sd(values),
      lower,
      upper,
      interval,
      ...boot,
    });
  }
  const differences: DifferenceRow[] = [];
  const ref = options.reference;
  if (ref !== undefined) {
    const bySeed = new Map<string, number>();
    for (const r of rows) if (r.method === ref) bySeed.set(JSON.stringify([r.budget, r.metric, r.seed]), r.value);
    for (const g of groups.values()) {
      const first = g[0] as SummarizableRow;
      if (first.method === ref) continue;
      const d: number[] = [];
      for (const r of g) {
        const v = bySeed.get(JSON.stringify([r.budget, r.metric, r.seed]));
        if (v !== undefined && Number.isFinite(v) && Number.isFinite(r.value)) d.push(r.value - v);
      }
      if (d.length === 0) continue;
      const t = tInterval(d, level);
      differences.push({
        method: first.method,
        reference: ref,
        budget: first.budget,
        metric: first.metric,
        n: d.length,
        mean: t.estimate,
        lower: t.lower,
        upper: t.upper,
        winShare: d.filter((x) => x > 0).length / d.length,
      });
    }
  }
  return { level, metrics, differences };
}
