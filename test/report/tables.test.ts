import { describe, expect, it } from 'vitest';
import type { ComparisonMetric, ComparisonResult, ResultRow } from '../../src/eval/compare.js';
import { summarizeResults } from '../../src/eval/summary.js';
import { differenceTable, winsAtMatchedSpend } from '../../src/report/tables.js';

function result(seeds: number[], rows: ResultRow[]): ComparisonResult {
  return {
    methods: ['hrc', 'other'],
    budgets: [0.3],
    seeds,
    reference: 'hrc',
    calibrated: false,
    rows,
    summary: summarizeResults(rows, { reference: 'hrc' }),
    failures: [],
    timings: [],
  };
}

const row = (method: string, seed: number, metric: ComparisonMetric, value: number): ResultRow => ({
  method,
  seed,
  budget: 0.3,
  metric,
  value,
});

describe('wins in the difference table', () => {
  it('counts a seed as a win only when the method is higher at no more spend than the reference', () => {
    const rows = [1, 2, 3].flatMap((seed) => [
      row('hrc', seed, 'eom.incrementalResponse', 0.1),
      row('hrc', seed, 'eom.cost', 0.3),
      // Higher on every seed, but seed 1 and 2 overspend by 20%.
      row('other', seed, 'eom.incrementalResponse', 0.12),
      row('other', seed, 'eom.cost', seed === 3 ? 0.3 : 0.36),
    ]);
    const r = result([1, 2, 3], rows);
    expect(winsAtMatchedSpend(r, 'other', 0.3, 'eom.incrementalResponse')).toEqual({ wins: 1, seeds: 3 });
    expect(winsAtMatchedSpend(r, 'other', 0.3, 'eom.cost')).toBeUndefined();
    const t = differenceTable(r, ['eom.incrementalResponse']);
    expect(t?.rows[0]?.[2]).toMatch(/\(wins 1 of 3 seeds\)$/);
  });

  it('does not count wins over fewer than three seeds', () => {
    const rows = [row('hrc', 1, 'truth.oracleRatioMatched', 0.8), row('other', 1, 'truth.oracleRatioMatched', 0.9)];
    const t = differenceTable(result([1], rows), ['truth.oracleRatioMatched']);
    expect(t?.caption).toMatch(/Wins are not counted: they need 3 or more seeds, this run has 1\./);
    expect(t?.rows[0]?.[2]).not.toMatch(/wins/);
  });
});
