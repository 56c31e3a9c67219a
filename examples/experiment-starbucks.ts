// Experiment 3 of issue #7: every method on the Starbucks promotion trial (84,534 customers; arms No and Yes).
// Response = 10 x purchase (a purchase counted as $10, `--response-scale 10`), cost = 0.15 per promotion sent
// (control 0). Reports, per budget, the expected outcome metric (IPW incremental revenue over no promotion, with
// bootstrap intervals) and the net incremental revenue NIR = incremental revenue - incremental cost, and HRC's
// profit mode: the plan at `policy.profitBudget(1)` (the response is already in dollars, so one unit of response
// is worth 1), i.e. spend while the plan's marginal return covers its cost. Each seed draws its own stratified
// train/test split (70/30) and fresh models. Writes report.html, results.json and summary.md.
//
// Run:  npx tsx examples/experiment-starbucks.ts --out out/starbucks [--seeds 1,2,3]
//         [--budgets 0.0075,0.015,0.03,0.075] [--methods all] [--calibrate]
//         [--data ../shared/data/starbucks_promotion/training.csv]
// The comparison table from the CLI (the script prints the exact command; profit mode is `hrc-budget fit` +
// `hrc-budget assign --net-value 1`):
//       npx tsx src/cli/main.ts compare --data ../shared/data/starbucks_promotion/training.csv --preset starbucks \
//         --response-scale 10 --methods all --budgets 0.0075,0.015,0.03,0.075 --seeds 1,2,3 --out out/starbucks-cli
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { distillationSummary, groupSummaries } from '../src/cli/commands/report-parts.js';
import { schemaFromArgs } from '../src/cli/schema-args.js';
import type { BackendName } from '../src/index.js';
import { evaluatePolicy, type HRCPipeline, type RCTDataset } from '../src/index.js';
import { writeFileAtomic } from '../src/node/atomic.js';
import { writeReport } from '../src/node.js';
import {
  eomSections,
  fitSeconds,
  fmt,
  isMain,
  markdownTable,
  meanInterval,
  numbers,
  parseMethods,
  printLine,
  roundBudget,
  runTrialComparison,
  seedValues,
  type TrialExperimentOptions,
  type TrialRun,
} from './experiment-shared.js';

/** The Starbucks training CSV of the shared data folder. */
export const defaultStarbucksPath = fileURLToPath(
  new URL('../../shared/data/starbucks_promotion/training.csv', import.meta.url),
);

/** Options of {@link main}; `data` defaults to the shared Starbucks file. */
export type StarbucksExperimentOptions = Omit<TrialExperimentOptions, 'data'> & { data?: string };

/** HRC's profit mode on one seed's test split. */
export interface ProfitModeRow {
  seed: number;
  /** The budget per user `profitBudget(1)` chose. */
  budget: number;
  /** Share of test users promoted. */
  treatedShare: number;
  nir: number;
  nirLower: number;
  nirUpper: number;
  incrementalRevenue: number;
  cost: number;
}

/** The test rows with response - cost as the response: its EOM incremental response is the NIR per user. */
export function netDataset(test: RCTDataset): RCTDataset {
  return { ...test, response: Float32Array.from(test.response, (y, i) => y - (test.cost[i] as number)) };
}

/** Whether a pipeline holds a policy (it may have failed to fit under `onFailure: 'record'`). */
function isFitted(h: HRCPipeline): boolean {
  try {
    return h.policy !== undefined;
  } catch {
    return false;
  }
}

/** Runs the experiment and writes the report; returns the run, the profit-mode rows and the paths written. */
export async function main(
  options: StarbucksExperimentOptions,
): Promise<{ run: TrialRun; profit: ProfitModeRow[]; files: string[] }> {
  const print = options.print ?? printLine;
  const run = await runTrialComparison(
    { ...options, data: options.data ?? defaultStarbucksPath },
    {
      title: 'Starbucks promotion',
      schema: schemaFromArgs({ preset: 'starbucks', responseScale: 10 }),
      cliSchemaFlags: '--preset starbucks --response-scale 10',
      defaultBudgets: [0.0075, 0.015, 0.03, 0.075],
      script: 'examples/experiment-starbucks.ts',
    },
  );
  const { result, data } = run;

  // Net incremental revenue per method x budget: per seed incremental revenue - incremental cost (both EOM on the
  // same rows, so the difference is the EOM of revenue - cost), mean over seeds with a t-interval over seeds.
  const nir = (m: string, b: number) => {
    const r = seedValues(result, m, b, 'eom.incrementalResponse');
    const c = seedValues(result, m, b, 'eom.incrementalCost');
    return meanInterval(r.map((v, i) => v - (c[i] as number)));
  };
  const nirTable = markdownTable(
    'method',
    result.methods,
    result.budgets,
    (m, b) => {
      const v = nir(m, b);
      return Number.isFinite(v.lower) ? `${fmt(v.mean, 4)} [${fmt(v.lower, 4)}, ${fmt(v.upper, 4)}]` : fmt(v.mean, 4);
    },
    (b) => `B = ${roundBudget(b)} (${Math.round((b / 0.15) * 100)}%)`,
  );

  // HRC's profit mode, per seed on that seed's test split.
  const profit: ProfitModeRow[] = [];
  for (const seed of run.seeds) {
    const hrc = run.hrc.get(seed);
    if (hrc === undefined || !isFitted(hrc)) continue;
    const test = run.testOf(seed);
    const budget = hrc.policy.profitBudget(1);
    const arms = await hrc.assign(test.features, budget);
    let treated = 0;
    for (const a of arms) if (a !== 0) treated++;
    const net = evaluatePolicy(arms, netDataset(test), { resamples: 200, seed });
    const gross = evaluatePolicy(arms, test, { resamples: 0, seed });
    profit.push({
      seed,
      budget: budget.perUser,
      treatedShare: treated / test.n,
      nir: net.incrementalResponse.estimate,
      nirLower: net.incrementalResponse.lower,
      nirUpper: net.incrementalResponse.upper,
      incrementalRevenue: gross.incrementalResponse.estimate,
      cost: gross.cost.estimate,
    });
  }
  const profitTable = [
    '| seed | profit budget per user | share promoted | incremental revenue | cost | NIR per user [95% bootstrap] |',
    '| --- | --- | --- | --- | --- | --- |',
    ...profit.map(
      (p) =>
        `| ${p.seed} | ${fmt(p.budget, 4)} | ${fmt(p.treatedShare, 3)} | ${fmt(p.incrementalRevenue, 4)} | ${fmt(p.cost, 4)} | ${fmt(p.nir, 4)} [${fmt(p.nirLower, 4)}, ${fmt(p.nirUpper, 4)}] |`,
    ),
  ];
  if (profit.length > 1) {
    const mi = meanInterval(profit.map((p) => p.nir));
    profitTable.push(
      `| mean | ${fmt(meanInterval(profit.map((p) => p.budget)).mean, 4)} | ${fmt(meanInterval(profit.map((p) => p.treatedShare)).mean, 3)} | ${fmt(meanInterval(profit.map((p) => p.incrementalRevenue)).mean, 4)} | ${fmt(meanInterval(profit.map((p) => p.cost)).mean, 4)} | ${fmt(mi.mean, 4)} [${fmt(mi.lower, 4)}, ${fmt(mi.upper, 4)}] over seeds |`,
    );
  }

  const lastSeed = run.seeds[run.seeds.length - 1] as number;
  const hrc = run.hrc.get(lastSeed);
  const mid = run.budgets[Math.floor(run.budgets.length / 2)] as number;
  const dist = hrc !== undefined && isFitted(hrc) ? distillationSummary(hrc) : undefined;
  const files = await writeReport(options.out, {
    title: 'Starbucks promotion: revenue per customer at a promotion budget',
    description: `${data.n} customers, arms ${data.treatmentNames.join(', ')}; response = 10 x purchase, cost 0.15 per promotion; a stratified ${Math.round((options.testFraction ?? 0.3) * 100)}% test split per seed (seeds ${run.seeds.join(', ')}); spend calibration ${result.calibrated ? 'on' : 'off'}; library defaults for every method. Net incremental revenue and HRC's profit mode are in summary tables (tables.md).`,
    comparison: result,
    ...(hrc !== undefined && isFitted(hrc) ? { groups: groupSummaries(hrc, mid) } : {}),
    ...(dist !== undefined ? { distillation: dist } : {}),
    metadata: {
      command: run.scriptCommand,
      cli: run.cliCommand,
      rows: data.n,
      calibrated: result.calibrated,
      profitMode: JSON.stringify(profit),
    },
  });
  for (const h of run.hrc.values()) h.dispose();
  const text = [
    '# Starbucks promotion experiment',
    '',
    `${data.n} customers; response = 10 x purchase, cost = 0.15 per promotion, control 0; budgets per user ${run.budgets.join(', ')} (at most ${run.budgets.map((b) => `${Math.round((b / 0.15) * 100)}%`).join(', ')} of users promoted); 30% stratified test split per seed, seeds ${run.seeds.join(', ')}; spend calibration ${result.calibrated ? 'on' : 'off'}; library defaults for every method.`,
    '',
    'Net incremental revenue per test user, NIR = incremental revenue - incremental cost (EOM), mean over seeds [95% t-interval over seeds]:',
    '',
    nirTable,
    '',
    eomSections(run, 'revenue'),
    '',
    "HRC's profit mode (`policy.profitBudget(1)`: the grid plan with the largest predicted revenue - cost), on each seed's test split:",
    '',
    ...profitTable,
    '',
    `Fit + assign seconds per seed: ${Object.entries(fitSeconds(result))
      .map(([m, s]) => `${m} ${fmt(s, 1)}`)
      .join(', ')}`,
    '',
    `Reproduce: \`${run.scriptCommand}\``,
    '',
    `Comparison tables from the CLI (same splits, models and evaluation): \`${run.cliCommand}\``,
    '',
    'Profit mode from the CLI (one split): `hrc-budget fit --preset starbucks --response-scale 10 --data TRAIN.csv --out policy.json` then `hrc-budget assign --policy policy.json --data USERS.csv --net-value 1 --out decisions.csv`.',
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
  return { run, profit, files: [files.html, files.json, files.markdown, tables] };
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'out/starbucks' },
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
    budgets: numbers(values.budgets, [0.0075, 0.015, 0.03, 0.075]),
    methods: parseMethods(values.methods as string),
    ...(values['test-fraction'] !== undefined ? { testFraction: Number(values['test-fraction']) } : {}),
    calibrate: values.calibrate === true,
    ...(values.limit !== undefined ? { limit: Number(values.limit) } : {}),
    backend: values.backend as BackendName,
    quiet: values.quiet === true,
  });
}
