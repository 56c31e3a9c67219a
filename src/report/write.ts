import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BackendUnavailableError } from '../core/errors.js';
import { writeFileAtomic } from '../node/atomic.js';
import { renderReport } from './report.js';
import type { ReportInput, ReportOptions } from './types.js';

/** Where {@link writeReport} wrote the report. */
export interface WrittenReport {
  readonly html: string;
  readonly json: string;
  readonly markdown: string;
  /** `decision.md` and `decision.json`, when the input has a decision summary. */
  readonly decision?: { readonly markdown: string; readonly json: string };
  readonly charts: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * Renders a report (see {@link renderReport}) and writes `report.html`, `results.json` and `summary.md` into `dir`
 * (created if needed), each atomically, and with a decision summary its twins `decision.md` and `decision.json`.
 * Node only.
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
  const r = await renderReport(input, {
    ...(input.plans !== undefined && options.vegaRuntime === undefined ? { vegaRuntime: await vegaRuntime() } : {}),
    ...options,
  });
  await mkdir(dir, { recursive: true });
  const html = join(dir, 'report.html');
  const json = join(dir, 'results.json');
  const markdown = join(dir, 'summary.md');
  await writeFileAtomic(json, r.json);
  await writeFileAtomic(markdown, r.markdown);
  let decision: WrittenReport['decision'];
  if (r.decision !== undefined) {
    decision = { markdown: join(dir, 'decision.md'), json: join(dir, 'decision.json') };
    await writeFileAtomic(decision.markdown, r.decision.markdown);
    await writeFileAtomic(decision.json, r.decision.json);
  }
  await writeFileAtomic(html, r.html);
  return {
    html,
    json,
    markdown,
    ...(decision !== undefined ? { decision } : {}),
    charts: r.charts,
    warnings: r.warnings,
  };
}

/** vega's browser build from the installed vega package (for the report's budget slider). */
export async function vegaRuntime(): Promise<string> {
  let main: string;
  try {
    main = createRequire(import.meta.url).resolve('vega');
  } catch (e) {
    throw new BackendUnavailableError(
      'report',
      'vega vega-lite',
      'the report needs vega, an optional peer dependency',
      {
        cause: e,
      },
    );
  }
  return readFile(join(dirname(main), 'vega.min.js'), 'utf8');
}
