// Merges the results.json of experiment runs over different seeds (same methods and budgets) into one report, with
// the summary recomputed over all seeds: an experiment can be run in parts (e.g. seeds 1,2,3 and then 4,5).
//
// Run:  npx tsx examples/experiment-merge.ts --out out/hillstrom-all out/hillstrom/results.json \
//         out/hillstrom-s45/results.json
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { type ComparisonResult, type ResultRow, summarizeResults } from '../src/index.js';
import { type WrittenReport, writeReport } from '../src/node.js';
import { isMain, printLine } from './experiment-shared.js';

interface StoredReport {
  kind: string;
  title?: string;
  description?: string;
  comparison: ComparisonResult;
  groups?: unknown;
  distillation?: unknown;
  metadata?: Record<string, string | number | boolean>;
}

/** JSON null (a NaN or infinity when written) back to NaN. */
const num = (v: number | null | undefined) => (v === null || v === undefined ? Number.NaN : v);

/** Merges reports of disjoint seeds and writes the merged report into `out`. */
export async function main(options: {
  inputs: readonly string[];
  out: string;
  title?: string;
  print?: (line: string) => void;
}): Promise<{ result: ComparisonResult; files: WrittenReport }> {
  const print = options.print ?? printLine;
  const reports: StoredReport[] = [];
  for (const p of options.inputs) {
    const r = JSON.parse(await readFile(p, 'utf8')) as StoredReport;
    if (r.kind !== 'hrc-budget/report') throw new Error(`${p}: not a report (kind ${String(r.kind)})`);
    reports.push(r);
  }
  const first = reports[0];
  if (first === undefined) throw new Error('give at least one results.json');
  const c0 = first.comparison;
  const seeds: number[] = [];
  for (const [i, r] of reports.entries()) {
    const c = r.comparison;
    if (c.methods.join() !== c0.methods.join() || c.budgets.join() !== c0.budgets.join())
      throw new Error(`${options.inputs[i]}: other methods or budgets than ${options.inputs[0]}`);
    if (c.calibrated !== c0.calibrated) throw new Error(`${options.inputs[i]}: calibration differs`);
    for (const s of c.seeds) {
      if (seeds.includes(s)) throw new Error(`${options.inputs[i]}: seed ${s} is in two inputs`);
      seeds.push(s);
    }
  }
  const rows: ResultRow[] = reports.flatMap((r) =>
    r.comparison.rows.map((x) => ({
      ...x,
      value: num(x.value),
      ...(x.lower !== undefined ? { lower: num(x.lower), upper: num(x.upper) } : {}),
    })),
  );
  const result: ComparisonResult = {
    ...c0,
    seeds,
    rows,
    summary: summarizeResults(rows, {
      level: c0.summary.level,
      ...(c0.reference !== undefined ? { reference: c0.reference } : {}),
    }),
    failures: reports.flatMap((r) => r.comparison.failures),
    timings: reports.flatMap((r) => r.comparison.timings),
  };
  const metadata: Record<string, string | number | boolean> = { mergedFrom: options.inputs.join(', ') };
  reports.forEach((r, i) => {
    for (const [k, v] of Object.entries(r.metadata ?? {})) metadata[`${k} (${i + 1})`] = v;
  });
  const files = await writeReport(options.out, {
    title: options.title ?? `${first.title ?? 'Experiment'} (seeds ${seeds.join(', ')})`,
    description: `${first.description ?? ''} Merged from ${reports.length} runs: seeds ${seeds.join(', ')}.`,
    comparison: result,
    metadata,
  });
  print(`merged seeds ${seeds.join(', ')}: wrote ${files.html}, ${files.json} and ${files.markdown}`);
  return { result, files };
}

if (isMain(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { out: { type: 'string', default: 'out/merged' }, title: { type: 'string' } },
  });
  await main({
    inputs: positionals,
    out: values.out as string,
    ...(values.title !== undefined ? { title: values.title } : {}),
  });
}
