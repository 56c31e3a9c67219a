import { type BackendName, useBackend } from '../../backend/index.js';
import type { BudgetAllocator } from '../../core/types.js';
import { loadCsv } from '../../data/csv.js';
import { formatSummary, summarize } from '../../data/summary.js';
import type { HRCPipelineOptions } from '../../pipeline/index.js';
import { HRCPipeline } from '../../pipeline/index.js';
import type { Formulation } from '../../solver/allocation-table.js';
import { checkOutput, encodingOption, writeAtomic } from '../io.js';
import { type MethodName, makeAllocator } from '../methods.js';
import type { Progress } from '../progress.js';
import { type SchemaArgs, schemaFromArgs } from '../schema-args.js';
import { guardFeatures } from './features.js';

export interface FitArgs extends SchemaArgs {
  data: string;
  method: MethodName;
  budgets?: number[];
  seed: number;
  k?: number;
  formulation?: Formulation;
  backend: BackendName;
  /** Keep feature columns that look recorded after the treatment. */
  allowLeakage?: boolean;
  out: string;
  /** Write the HRC policy without its GroupStats (no re-solving off the budget grid). */
  slim?: boolean;
  /** Stamp SOURCE_DATE_EPOCH (0 when unset) as the creation time, for byte-identical output. */
  reproducible?: boolean;
}

/** Options of the HRC pipeline from CLI flags. */
export function hrcOptions(
  a: { budgets?: number[]; k?: number; formulation?: Formulation },
  progress: Progress,
): HRCPipelineOptions {
  return {
    ...(a.budgets !== undefined ? { budgets: a.budgets } : {}),
    ...(a.k !== undefined ? { clustering: { k: a.k } } : {}),
    ...(a.formulation !== undefined ? { solver: { formulation: a.formulation } } : {}),
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
  const data = await loadCsv(a.data, schema, {
    ...(encoding !== undefined ? { encoding } : {}),
    onWarning: (w) => print(`warning: ${w}`),
  });
  guardFeatures(data, a.allowLeakage === true, print);
  print(formatSummary(summarize(data)));
  progress.stage(`fitting ${a.method}`);
  const allocator: BudgetAllocator = makeAllocator(a.method, a.seed, hrcOptions(a, progress));
  await allocator.fit(data);
  let json: unknown;
  if (allocator instanceof HRCPipeline) {
    const p = a.slim === true ? allocator.policy.withoutStats() : allocator.policy;
    json = p.toJSON();
    print(
      `HRC policy: ${p.table.k} groups, ${p.table.size} budgets from ${p.table.budgets[0]?.toFixed(4)} to ${p.table.budgets[p.table.size - 1]?.toFixed(4)} per user; student agrees with the teacher on ${((p.metadata.distillAgreement ?? 0) * 100).toFixed(1)}% of held-out rows`,
    );
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
      state: { model: (allocator as unknown as { toJSON(): unknown }).toJSON() },
    };
    (allocator as unknown as { dispose?: () => void }).dispose?.();
  }
  await writeAtomic(a.out, JSON.stringify(json));
  print(`wrote ${a.out}`);
}
