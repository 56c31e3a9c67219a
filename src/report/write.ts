import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../node/atomic.js';
import { renderReport } from './report.js';
import type { ReportInput, ReportOptions } from './types.js';

/** Where {@link writeReport} wrote the report. */
export interface WrittenReport {
  readonly html: string;
  readonly json: string;
  readonly markdown: string;
  readonly charts: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * Renders a report (see {@link renderReport}) and writes `report.html`, `results.json` and `summary.md` into `dir`
 * (created if needed), each atomically. Node only.
 *
 * @example
 * ```ts
 * const files = await writeReport('out/simulator', { title: 'Simulator', comparison: result });
 * console.log(`open ${files.html}`);
 * ```
 */
export async function writeReport(
  dir: string,
  input: ReportInput,
  options: ReportOptions = {},
): Promise<WrittenReport> {
  const r = await renderReport(input, options);
  await mkdir(dir, { recursive: true });
  const html = join(dir, 'report.html');
  const json = join(dir, 'results.json');
  const markdown = join(dir, 'summary.md');
  await writeFileAtomic(json, r.json);
  await writeFileAtomic(markdown, r.markdown);
  await writeFileAtomic(html, r.html);
  return { html, json, markdown, charts: r.charts, warnings: r.warnings };
}
