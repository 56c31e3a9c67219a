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
        if (d === undefined) return '–';
        const w = winsAtMatchedSpend(result, method, budget, metric);
        const wins = w === undefined || w.seeds < MIN_SEEDS_FOR_WINS ? '' : ` (wins ${w.wins} of ${w.seeds} seeds)`;
        return `${fmtInterval(d.mean, d.lower, d.upper)}${wins}`;
      });
      rows.push([method, fmt(budget), ...cells]);
    }
  }
  return {
    caption: `Paired differences, method − ${ref}, over seeds. ${result.seeds.length >= MIN_SEEDS_FOR_WINS ? `A seed counts as a win when the method's value is higher at no more spend than ${ref}'s (within 1%).` : `Wins are not counted: they need ${MIN_SEEDS_FOR_WINS} or more seeds, this run has ${result.seeds.length}.`}`,
    header: ['Method', 'Budget', ...metrics.map((m) => metricLabels[m])],
    rows,
  };
}

/** Wins are counted only over this many seeds or more: one or two seeds say nothing about who wins. */
export const MIN_SEEDS_FOR_WINS = 3;

const VALUE_METRICS: ReadonlySet<ComparisonMetric> = new Set<ComparisonMetric>([
  'eom.response',
  'eom.incrementalResponse',
  'eom.incrementalResponseVsReference',
  'truth.incrementalResponse',
  'truth.oracleRatio',
  'truth.oracleRatioMatched',
]);

/**
 * Seeds where `method` beats the reference on a value metric at matched spend: its value is higher and it spent no
 * more than the reference (true spend where known, else the IPW estimate; 1% tolerance), so that overspending is
 * never a win. `truth.oracleRatioMatched` is already taken at matched spend. Undefined for metrics that are not a
 * value (spend, overspend).
 */
export function winsAtMatchedSpend(
  result: ComparisonResult,
  method: string,
  budget: number,
  metric: ComparisonMetric,
): { wins: number; seeds: number } | undefined {
  const ref = result.reference;
  if (ref === undefined || !VALUE_METRICS.has(metric)) return undefined;
  const at = (m: string, seed: number, x: ComparisonMetric) =>
    result.rows.find((r) => r.method === m && r.seed === seed && r.budget === budget && r.metric === x)?.value;
  const spendMetric: ComparisonMetric = result.rows.some((r) => r.metric === 'truth.cost') ? 'truth.cost' : 'eom.cost';
  let wins = 0;
  let seeds = 0;
  for (const seed of result.seeds) {
    const v = at(method, seed, metric);
    const rv = at(ref, seed, metric);
    if (v === undefined || rv === undefined || !Number.isFinite(v) || !Number.isFinite(rv)) continue;
    seeds++;
    if (!(v > rv)) continue;
    if (metric === 'truth.oracleRatioMatched') {
      wins++;
      continue;
    }
    const c = at(method, seed, spendMetric);
    const rc = at(ref, seed, spendMetric);
    if (c !== undefined && rc !== undefined && c <= rc * 1.01 + 1e-12) wins++;
  }
  return { wins, seeds };
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
