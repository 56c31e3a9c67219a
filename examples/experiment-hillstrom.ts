// Experiment 2 of issue #7: every method on the Hillstrom e-mail trial (64,000 customers; arms No E-Mail, Mens
// E-Mail, Womens E-Mail). Response = spend in the two weeks after the campaign, cost = 1 per e-mail sent (control
// costs 0), so a budget per user of 0.1, 0.3 or 0.5 lets 10%, 30% or 50% of users be mailed. Each seed draws its
// own stratified train/test split (70/30) and fresh models; values are the expected outcome metric (IPW) on the
// test rows with bootstrap intervals. Writes report.html, results.json and summary.md.
//
// Run:  npx tsx examples/experiment-hillstrom.ts --out out/hillstrom [--seeds 1,2,3] [--budgets 0.1,0.3,0.5]
//         [--methods all] [--calibrate] [--data ../shared/data/hillstrom_email/hillstrom.csv]
// The same table from the CLI (the script prints the exact command):
//       npx tsx src/cli/main.ts compare --data ../shared/data/hillstrom_email/hillstrom.csv --preset hillstrom \
//         --methods all --budgets 0.1,0.3,0.5 --seeds 1,2,3 --test-fraction 0.3 --out out/hillstrom-cli
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { distillationSummary, groupSummaries } from '../src/cli/commands/report-parts.js';
import { schemaFromArgs } from '../src/cli/schema-args.js';
import type { BackendName } from '../src/index.js';
import { writeFileAtomic } from '../src/node/atomic.js';
import { writeReport } from '../src/node.js';
import {
  eomSections,
  fitSeconds,
  fmt,
  isMain,
  numbers,
  parseMethods,
  printLine,
  runTrialComparison,
  type TrialExperimentOptions,
  type TrialRun,
} from './experiment-shared.js';

/** The Hillstrom CSV of the shared data folder. */
export const defaultHillstromPath = fileURLToPath(
  new URL('../../shared/data/hillstrom_email/hillstrom.csv', import.meta.url),
);

/** Options of {@link main}; `data` defaults to the shared Hillstrom file. */
export type HillstromExperimentOptions = Omit<TrialExperimentOptions, 'data'> & { data?: string };

/** Runs the experiment and writes the report; returns the run and the paths written. */
export async function main(options: HillstromExperimentOptions): Promise<{ run: TrialRun; files: string[] }> {
  const print = options.print ?? printLine;
  const run = await runTrialComparison(
    { ...options, data: options.data ?? defaultHillstromPath },
    {
      title: 'Hillstrom e-mail',
      schema: schemaFromArgs({ preset: 'hillstrom' }),
      cliSchemaFlags: '--preset hillstrom',
      defaultBudgets: [0.1, 0.3, 0.5],
      script: 'examples/experiment-hillstrom.ts',
    },
  );
  const { result, data } = run;
  const lastSeed = run.seeds[run.seeds.length - 1] as number;
  const hrc = run.hrc.get(lastSeed);
  const mid = run.budgets[Math.floor(run.budgets.length / 2)] as number;
  const dist = hrc !== undefined ? distillationSummary(hrc) : undefined;
  const files = await writeReport(options.out, {
    title: 'Hillstrom e-mail: spend per customer at a mailing budget',
    description: `${data.n} customers, arms ${data.treatmentNames.join(', ')}; response = spend, cost 1 per e-mail; a stratified ${Math.round((options.testFraction ?? 0.3) * 100)}% test split per seed (seeds ${run.seeds.join(', ')}); spend calibration ${result.calibrated ? 'on' : 'off'}; library defaults for every method.`,
    comparison: result,
    ...(hrc !== undefined ? { groups: groupSummaries(hrc, mid) } : {}),
    ...(dist !== undefined ? { distillation: dist } : {}),
    metadata: {
      command: run.scriptCommand,
      cli: run.cliCommand,
      rows: data.n,
      calibrated: result.calibrated,
    },
  });
  for (const h of run.hrc.values()) h.dispose();
  const text = [
    '# Hillstrom e-mail experiment',
    '',
    `${data.n} customers; response = spend (dollars, two weeks), cost = 1 per e-mail, control 0; budgets per user ${run.budgets.join(', ')} (10%, 30%, 50% of users mailed at most); 30% stratified test split per seed, seeds ${run.seeds.join(', ')}; spend calibration ${result.calibrated ? 'on' : 'off'}; library defaults for every method.`,
    '',
    eomSections(run, 'spend'),
    '',
    `Fit + assign seconds per seed: ${Object.entries(fitSeconds(result))
      .map(([m, s]) => `${m} ${fmt(s, 1)}`)
      .join(', ')}`,
    '',
    `Reproduce: \`${run.scriptCommand}\``,
    '',
    `From the CLI (same splits, models and evaluation): \`${run.cliCommand}\``,
    ...(result.failures.length > 0
      ? [
          '',
          `Failures: ${result.failures.map((f) => `${f.method} seed ${f.seed} (${f.stage}): ${f.message}`).join('; ')}`,
        ]
      : []),
  ].join('\n');
  const tables = `${options.out}/tables.md`;
  await writeFileAtomic(tables, `${text}\n`);
  print(text);
  print(`wrote ${files.html}, ${files.json}, ${files.markdown} and ${tables}`);
  return { run, files: [files.html, files.json, files.markdown, tables] };
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'out/hillstrom' },
      data: { type: 'string' },
      seeds: { type: 'string' },
      budgets: { type: 'string' },
      methods: { type: 'string', default: 'all' },
      'test-fraction': { type: 'string' },
      calibrate: { type: 'boolean', default: false },
      limit: { type: 'string' },
      backend: { type: 'string', default: 'wasm' },
      quiet: { type: 'boolean', default: false },
    },
  });
  await main({
    out: values.out as string,
    ...(values.data !== undefined ? { data: values.data } : {}),
    seeds: numbers(values.seeds, [1, 2, 3]),
    budgets: numbers(values.budgets, [0.1, 0.3, 0.5]),
    methods: parseMethods(values.methods as string),
    ...(values['test-fraction'] !== undefined ? { testFraction: Number(values['test-fraction']) } : {}),
    calibrate: values.calibrate === true,
    ...(values.limit !== undefined ? { limit: Number(values.limit) } : {}),
    backend: values.backend as BackendName,
    quiet: values.quiet === true,
  });
}
