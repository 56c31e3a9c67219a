import type { ComparisonMetric, ComparisonResult } from '../eval/compare.js';
import { fmt, fmtInterval } from './format.js';
import { metricLabels } from './types.js';

/** A table of formatted cells, rendered to HTML or Markdown. */
export interface Table {
  readonly caption: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** The metrics worth a table column, in order, among those the comparison has. */
export function tableMetrics(result: ComparisonResult, first: readonly ComparisonMetric[]): ComparisonMetric[] {
  const have = new Set(result.summary.metrics.map((r) => r.metric));
  const wanted: ComparisonMetric[] = [
    ...first,
    'truth.oracleRatio',
    'truth.oracleRatioMatched',
    'eom.incrementalResponse',
    'eom.cost',
    'eom.spendRatio',
  ];
  return [...new Set(wanted)].filter((m) => have.has(m));
}

/** One table per budget: methods as rows, metrics as columns, `mean [lower, upper]`. */
export function summaryTables(result: ComparisonResult, metrics: readonly ComparisonMetric[]): Table[] {
  const level = Math.round(100 * result.summary.level);
  return result.budgets.map((budget) => ({
    caption: `Budget ${fmt(budget)} per user: mean [${level}% interval] over ${result.seeds.length} seed(s)`,
    header: ['Method', ...metrics.map((m) => metricLabels[m])],
    rows: result.methods.map((method) => [
      method,
      ...metrics.map((metric) => {
        const r = result.summary.metrics.find((x) => x.method === method && x.budget === budget && x.metric === metric);
        return r === undefined ? '–' : fmtInterval(r.mean, r.lower, r.upper);
      }),
    ]),
  }));
}

/** Paired differences against the reference, one row per method and budget. */
export function differenceTable(result: ComparisonResult, metrics: readonly ComparisonMetric[]): Table | null {
  const ref = result.reference;
  if (ref === undefined || result.summary.differences.length === 0) return null;
  const rows: string[][] = [];
  for (const budget of result.budgets) {
    for (const method of result.methods) {
      if (method === ref) continue;
      const cells = metrics.map((metric) => {
        const d = result.summary.differences.find(
          (x) => x.method === method && x.budget === budget && x.metric === metric,
        );
        return d === undefined
          ? '–'
          : `${fmtInterval(d.mean, d.lower, d.upper)} (wins ${Math.round(100 * d.winShare)}%)`;
      });
      rows.push([method, fmt(budget), ...cells]);
    }
  }
  return {
    caption: `Paired differences, method − ${ref}, over seeds (share of seeds where the method is higher)`,
    header: ['Method', 'Budget', ...metrics.map((m) => metricLabels[m])],
    rows,
  };
}

/** Failed runs, if any. */
export function failureTable(result: ComparisonResult): Table | null {
  if (result.failures.length === 0) return null;
  return {
    caption: 'Runs that failed (left out of every chart and table)',
    header: ['Method', 'Seed', 'Stage', 'Budget', 'Message'],
    rows: result.failures.map((f) => [f.method, String(f.seed), f.stage, fmt(f.budget), f.message]),
  };
}
