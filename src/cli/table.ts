import type { ComparisonResult } from '../eval/compare.js';

/** Formats rows of cells as an aligned plain-text table. */
export function textTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => (r[k] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, k) => c.padEnd(widths[k] as number))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A number with a fixed number of decimals, or '-' when missing. */
export function fmt(v: number | undefined, digits = 4): string {
  return v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits);
}

/** The comparison summary as a table: one row per method and budget, the given metrics as columns (mean [CI]). */
export function comparisonTable(result: ComparisonResult, metrics: readonly string[]): string {
  const rows: string[][] = [];
  for (const b of result.budgets) {
    for (const method of result.methods) {
      const cells = [method, fmt(b, 3)];
      for (const metric of metrics) {
        const r = result.summary.metrics.find((x) => x.method === method && x.budget === b && x.metric === metric);
        cells.push(
          r === undefined
            ? '-'
            : r.n > 1 || r.interval !== 'none'
              ? `${fmt(r.mean)} [${fmt(r.lower)}, ${fmt(r.upper)}]`
              : fmt(r.mean),
        );
      }
      rows.push(cells);
    }
  }
  return textTable(['method', 'budget', ...metrics], rows);
}
