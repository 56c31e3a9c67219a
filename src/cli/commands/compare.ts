import { type BackendName, useBackend } from '../../backend/index.js';
import type { BudgetAllocator } from '../../core/types.js';
import { loadCsv } from '../../data/csv.js';
import { trainTestSplit } from '../../data/split.js';
import { compare } from '../../eval/compare.js';
import { HRCPipeline } from '../../pipeline/index.js';
import { writeReport } from '../../report/write.js';
import type { Formulation } from '../../solver/allocation-table.js';
import { encodingOption } from '../io.js';
import { type MethodName, makeAllocator } from '../methods.js';
import type { Progress } from '../progress.js';
import { type SchemaArgs, schemaFromArgs } from '../schema-args.js';
import { comparisonTable } from '../table.js';
import { guardFeatures } from './features.js';
import { hrcOptions } from './fit.js';
import { distillationSummary, groupSummaries } from './report-parts.js';

export interface CompareArgs extends SchemaArgs {
  data: string;
  methods: MethodName[];
  budgets: number[];
  seeds: number[];
  testFraction: number;
  calibrate: boolean;
  k?: number;
  formulation?: Formulation;
  backend: BackendName;
  /** Keep feature columns that look recorded after the treatment. */
  allowLeakage?: boolean;
  out: string;
}

/** `hrc-budget compare`: every method on a trial CSV, split into train and test per seed, with a report. */
export async function runCompare(a: CompareArgs, progress: Progress, print: (s: string) => void): Promise<void> {
  await useBackend(a.backend);
  const schema = schemaFromArgs(a);
  progress.stage(`reading ${a.data}`);
  const encoding = encodingOption(a.encoding);
  const data = await loadCsv(a.data, schema, {
    ...(encoding !== undefined ? { encoding } : {}),
    onWarning: (w) => print(`warning: ${w}`),
  });
  guardFeatures(data, a.allowLeakage === true, print);
  const hrcRuns: HRCPipeline[] = [];
  const factories: Record<string, (seed: number) => BudgetAllocator> = {};
  for (const m of a.methods) {
    factories[m] = (seed) => {
      const alloc = makeAllocator(m, seed, hrcOptions(a, progress));
      if (alloc instanceof HRCPipeline) hrcRuns.push(alloc);
      return alloc;
    };
  }
  const result = await compare({
    methods: factories,
    trial: (seed) => {
      const { train, test } = trainTestSplit(data, { testFraction: a.testFraction, seed });
      if (!a.calibrate) return { train, test };
      const inner = trainTestSplit(train, { testFraction: 0.2, seed: seed + 1 });
      return { train: inner.train, test, calibration: inner.test };
    },
    calibrate: a.calibrate,
    budgets: a.budgets,
    seeds: a.seeds,
    onProgress: (e) => progress.stage(`${e.stage}${e.message !== undefined ? `: ${e.message}` : ''}`),
  });
  print(comparisonTable(result, ['eom.incrementalResponse', 'eom.cost', 'eom.spendRatio']));
  const hrc = hrcRuns[hrcRuns.length - 1];
  const mid = a.budgets[Math.floor(a.budgets.length / 2)] as number;
  const dist = hrc !== undefined ? distillationSummary(hrc) : undefined;
  const files = await writeReport(a.out, {
    title: `hrc-budget comparison: ${a.data}`,
    description: `${data.n} rows, ${data.treatmentNames.length} arms (${data.treatmentNames.join(', ')}); test share ${a.testFraction}; seeds ${a.seeds.join(', ')}.`,
    comparison: result,
    ...(hrc !== undefined ? { groups: groupSummaries(hrc, mid) } : {}),
    ...(dist !== undefined ? { distillation: dist } : {}),
    metadata: {
      data: a.data,
      rows: data.n,
      methods: a.methods.join(','),
      budgets: a.budgets.join(','),
      calibrated: a.calibrate,
    },
  });
  for (const h of hrcRuns) h.dispose();
  print(`wrote ${files.html}, ${files.json} and ${files.markdown}`);
}
