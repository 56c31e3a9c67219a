import { type BackendName, useBackend } from '../../backend/index.js';
import type { BudgetAllocator } from '../../core/types.js';
import { loadCSV } from '../../data/csv.js';
import { trainTestSplit } from '../../data/split.js';
import { compare } from '../../eval/compare.js';
import { HRCPipeline } from '../../pipeline/index.js';
import { type DecisionSummary, decisionSummary } from '../../report/decision.js';
import { decisionSentences, sourceText } from '../../report/decision-words.js';
import { planView } from '../../report/plan.js';
import { writeReport } from '../../report/write.js';
import type { Formulation } from '../../solver/allocation-table.js';
import type { CostCorrection } from '../../solver/stochastic-solver.js';
import { encodingOption } from '../io.js';
import { type MethodName, makeAllocator } from '../methods.js';
import type { Progress } from '../progress.js';
import { type SchemaArgs, schemaFromArgs } from '../schema-args.js';
import { comparisonTable } from '../table.js';
import { guardFeatures } from './features.js';
import { hrcOptions } from './fit.js';
import { distillationSummary } from './report-parts.js';

export interface CompareArgs extends SchemaArgs {
  data: string;
  methods: MethodName[];
  budgets: number[];
  seeds: number[];
  testFraction: number;
  calibrate: boolean;
  k?: number;
  formulation?: Formulation;
  costCorrection?: CostCorrection;
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
  const data = await loadCSV(a.data, schema, {
    ...(encoding !== undefined ? { encoding } : {}),
    onWarning: (w) => print(`warning: ${w}`),
  });
  guardFeatures(data, a.allowLeakage === true, print);
  const hrcRuns: HRCPipeline[] = [];
  const hrcSeeds: number[] = [];
  const factories: Record<string, (seed: number) => BudgetAllocator> = {};
  for (const m of a.methods) {
    factories[m] = (seed) => {
      const alloc = makeAllocator(m, seed, hrcOptions(a, progress));
      if (alloc instanceof HRCPipeline) {
        hrcRuns.push(alloc);
        hrcSeeds.push(seed);
      }
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
  const dist = hrc !== undefined ? distillationSummary(hrc) : undefined;
  let decision: DecisionSummary | undefined;
  if (hrc !== undefined) {
    // The last HRC run's own test rows: held out from its fit.
    const seed = hrcSeeds[hrcSeeds.length - 1] as number;
    const { test } = trainTestSplit(data, { testFraction: a.testFraction, seed });
    const policy = hrc.policy;
    progress.stage('decision summary of hrc on its test rows');
    decision = await decisionSummary({
      data: test,
      budgets: a.budgets,
      assign: async (b) => (await policy.atBudget(b)).decideBatch(test.features, { perUser: b }),
      method: 'hrc',
      responseName: schema.response,
      rowsName: `test rows (seed ${seed}, held out from fitting)`,
      seed,
    });
    print('');
    for (const line of decisionSentences(decision)) print(line);
    print(sourceText(decision));
  }
  const plans = hrc !== undefined ? planView(hrc.policy) : undefined;
  const files = await writeReport(a.out, {
    title: `hrc-budget comparison: ${a.data}`,
    description: `${data.n} rows, ${data.treatmentNames.length} arms (${data.treatmentNames.join(', ')}); test share ${a.testFraction}; seeds ${a.seeds.join(', ')}.`,
    ...(decision !== undefined ? { decision } : {}),
    ...(plans !== undefined ? { plans } : {}),
    comparison: result,
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
  if (files.decision !== undefined)
    print(`wrote the decision summary alone to ${files.decision.markdown} and ${files.decision.json}`);
}
