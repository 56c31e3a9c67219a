import { type BackendName, useBackend } from '../../backend/index.js';
import { ValidationError } from '../../core/errors.js';
import type { BudgetAllocator } from '../../core/types.js';
import { loadCSV } from '../../data/csv.js';
import type { RCTDataset } from '../../data/dataset.js';
import { trainTestSplit } from '../../data/split.js';
import { formatSummary, summarize } from '../../data/summary.js';
import { evaluatePolicies } from '../../eval/ipw.js';
import { writeFileAtomic } from '../../node/atomic.js';
import type { HRCPipelineOptions } from '../../pipeline/index.js';
import { HRCPipeline } from '../../pipeline/index.js';
import type { AllocationPolicy, HoldoutEstimate } from '../../policy/policy.js';
import type { Formulation } from '../../solver/allocation-table.js';
import type { CostCorrection } from '../../solver/stochastic-solver.js';
import { checkOutput, encodingOption } from '../io.js';
import { type MethodName, makeAllocator } from '../methods.js';
import type { Progress } from '../progress.js';
import { type SchemaArgs, schemaFromArgs } from '../schema-args.js';
import { fmt } from '../table.js';
import { guardFeatures } from './features.js';

export interface FitArgs extends SchemaArgs {
  data: string;
  method: MethodName;
  budgets?: number[];
  seed: number;
  k?: number;
  formulation?: Formulation;
  costCorrection?: CostCorrection;
  backend: BackendName;
  /** Keep feature columns that look recorded after the treatment. */
  allowLeakage?: boolean;
  out: string;
  /** Write the HRC policy without its GroupStats (no re-solving off the budget grid). */
  slim?: boolean;
  /**
   * Share of the trial's rows (stratified by arm) kept out of the fit; the policy's held-out IPW value at each grid
   * budget is stored in its metadata, and `assign` prints it.
   */
  holdout?: number;
  /** Stamp SOURCE_DATE_EPOCH (0 when unset) as the creation time, for byte-identical output. */
  reproducible?: boolean;
  /** Worker threads that train HRC's cross-fitted networks (`fitWorkers`; default `'auto'`). */
  workers?: number;
}

/** The held-out value of a policy's plan at each of its grid budgets (IPW, bootstrap intervals). */
export function holdoutEstimate(
  policy: AllocationPolicy,
  rows: RCTDataset,
  share: number,
  seed: number,
): HoldoutEstimate {
  const budgets = Array.from(policy.table.budgets);
  const plans = budgets.map((b) => policy.decideBatch(rows.features, { perUser: b }));
  const { evaluations } = evaluatePolicies(plans, rows, { seed });
  const first = evaluations[0];
  const ci = (i: { estimate: number; lower: number; upper: number }) => ({
    estimate: i.estimate,
    lower: i.lower,
    upper: i.upper,
  });
  return {
    share,
    rows: rows.n,
    estimator: first?.estimator ?? 'hajek',
    level: first?.level ?? 0.95,
    budgets,
    incrementalResponse: evaluations.map((e) => ci(e.incrementalResponse)),
    cost: evaluations.map((e) => ci(e.cost)),
  };
}

/** Options of the HRC pipeline from CLI flags. */
export function hrcOptions(
  a: {
    budgets?: number[];
    k?: number;
    formulation?: Formulation;
    costCorrection?: CostCorrection;
    workers?: number;
  },
  progress: Progress,
): HRCPipelineOptions {
  return {
    ...(a.workers !== undefined ? { fitWorkers: a.workers } : {}),
    ...(a.budgets !== undefined ? { budgets: a.budgets } : {}),
    ...(a.k !== undefined ? { clustering: { k: a.k } } : {}),
    ...(a.formulation !== undefined || a.costCorrection !== undefined
      ? {
          solver: {
            ...(a.formulation !== undefined ? { formulation: a.formulation } : {}),
            ...(a.costCorrection !== undefined ? { costCorrection: a.costCorrection } : {}),
          },
        }
      : {}),
    onProgress: (e) => progress.stage(`  ${e.stage}${e.message !== undefined ? `: ${e.message}` : ''}`),
  };
}

/** `hrc-budget fit`: trains a method on a trial CSV and writes its policy file. */
export async function runFit(a: FitArgs, progress: Progress, print: (s: string) => void): Promise<void> {
  await checkOutput(a.out, { '--data': a.data });
  if (a.reproducible === true) process.env.SOURCE_DATE_EPOCH ??= '0';
  await useBackend(a.backend);
  const schema = schemaFromArgs(a);
  progress.stage(`reading ${a.data}`);
  const encoding = encodingOption(a.encoding);
  const data = await loadCSV(a.data, schema, {
    ...(encoding !== undefined ? { encoding } : {}),
    onWarning: (w) => print(`warning: ${w}`),
  });
  guardFeatures(data, a.allowLeakage === true, print);
  print(formatSummary(summarize(data)));
  if (a.holdout !== undefined) {
    if (!(a.holdout > 0 && a.holdout < 1))
      throw new ValidationError({ path: ['--holdout'], message: `expected a share in (0, 1), got ${a.holdout}` });
    if (a.method !== 'hrc')
      throw new ValidationError({
        path: ['--holdout'],
        message: `the held-out estimate is stored in an HRC policy; for ${a.method}, run evaluate on held-out rows`,
      });
  }
  const split = a.holdout !== undefined ? trainTestSplit(data, { testFraction: a.holdout, seed: a.seed }) : undefined;
  const train = split?.train ?? data;
  progress.stage(`fitting ${a.method}${split !== undefined ? ` on ${train.n} rows (${split.test.n} held out)` : ''}`);
  const allocator: BudgetAllocator = makeAllocator(a.method, a.seed, hrcOptions(a, progress));
  await allocator.fit(train);
  let json: unknown;
  if (allocator instanceof HRCPipeline) {
    let p = a.slim === true ? allocator.policy.withoutStats() : allocator.policy;
    if (split !== undefined) {
      progress.stage(`evaluating the plan at ${p.table.size} budgets on ${split.test.n} held-out rows`);
      p = p.withMetadata({ holdout: holdoutEstimate(p, split.test, a.holdout as number, a.seed) });
    }
    json = p.toJSON();
    print(
      `HRC policy: ${p.table.k} groups, ${p.table.size} budgets from ${p.table.budgets[0]?.toFixed(4)} to ${p.table.budgets[p.table.size - 1]?.toFixed(4)} per user; student agrees with the teacher on ${((p.metadata.distillAgreement ?? 0) * 100).toFixed(1)}% of held-out rows`,
    );
    const h = p.metadata.holdout;
    if (h !== undefined) {
      const mid = Math.floor(h.budgets.length / 2);
      const r = h.incrementalResponse[mid];
      const c = h.cost[mid];
      if (r !== undefined && c !== undefined)
        print(
          `held out: ${h.rows} rows (${Math.round(100 * h.share)}%, stratified by arm); at ${fmt(h.budgets[mid])} per user the plan brings ${fmt(r.estimate)} [${fmt(r.lower)}, ${fmt(r.upper)}] incremental response per user for ${fmt(c.estimate)} [${fmt(c.lower)}, ${fmt(c.upper)}] spent per user (IPW, ${Math.round(100 * h.level)}% intervals; every grid budget is in the policy file)`,
        );
    }
    allocator.dispose();
  } else {
    json = {
      kind: 'BaselineModel',
      formatVersion: 1,
      params: {
        method: a.method,
        featureNames: data.featureNames,
        treatmentNames: data.treatmentNames,
        ...(data.encoding !== undefined ? { encoding: data.encoding } : {}),
      },
      state: { model: allocator.toJSON() },
    };
    allocator.dispose();
  }
  await writeFileAtomic(a.out, JSON.stringify(json), '--out');
  print(`wrote ${a.out}`);
}
