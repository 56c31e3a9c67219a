import { join } from 'node:path';
import { type BackendName, useBackend } from '../backend/index.js';
import type { BudgetAllocator } from '../core/types.js';
import { formatSummary, summarize } from '../data/summary.js';
import { compare } from '../eval/compare.js';
import { HRCPipeline } from '../pipeline/index.js';
import { writeReport } from '../report/write.js';
import { simulateCouponTrial } from '../sim/simulator.js';
import { hrcOptions } from './commands/fit.js';
import { distillationSummary, groupSummaries } from './commands/report-parts.js';
import { writeAtomic } from './io.js';
import { type MethodName, makeAllocator } from './methods.js';
import type { Progress } from './progress.js';
import { comparisonTable } from './table.js';

export interface DemoArgs {
  n: number;
  seed: number;
  out: string;
  methods: MethodName[];
  budgets: number[];
  labelNoise: number;
  heavyTails: boolean;
  /** Several seeds (a fresh simulated trial each); overrides `seed`. */
  seeds?: number[];
  backend: BackendName;
}

/**
 * `hrc-budget demo`: HRC and the baselines on the built-in coupon-trial simulator. Prints each method's true value
 * against the oracle and its spend, and writes the HTML report and HRC's `policy.json` to `--out`.
 */
export async function runDemo(a: DemoArgs, progress: Progress, print: (line: string) => void): Promise<void> {
  await useBackend(a.backend);
  const seeds = a.seeds ?? [a.seed];
  const simulate = (seed: number) =>
    simulateCouponTrial({
      nTrain: a.n,
      nTest: Math.max(1000, Math.round(a.n / 2)),
      seed,
      labelNoise: a.labelNoise,
      heavyTails: a.heavyTails,
    });
  const sim = simulate(seeds[0] as number);
  print(
    `Simulated coupon trial (seeds ${seeds.join(', ')}, label noise ${a.labelNoise}${a.heavyTails ? ', heavy tails' : ''}; first seed shown)`,
  );
  print(formatSummary(summarize(sim.train)));
  let hrc: HRCPipeline | undefined;
  const methods: Record<string, (seed: number) => BudgetAllocator> = {};
  for (const m of a.methods) {
    methods[m] = (seed) => {
      const alloc = makeAllocator(m, seed, hrcOptions({}, progress));
      if (alloc instanceof HRCPipeline) hrc = alloc;
      return alloc;
    };
  }
  const result = await compare({
    methods,
    trial: (seed) => (seed === seeds[0] ? sim : simulate(seed)),
    budgets: a.budgets,
    seeds,
    onProgress: (e) => progress.stage(`${e.stage}${e.message !== undefined ? `: ${e.message}` : ''}`),
  });
  print('');
  print('True value on the test users, from the simulator truth:');
  print('  truth.oracleRatioMatched: incremental response as a share of the oracle at the same actual spend');
  print(
    '  truth.spendRatio: true spend over budget (above 1 = overspent); eom.incrementalResponse: IPW estimate [95% CI]',
  );
  print(comparisonTable(result, ['truth.oracleRatioMatched', 'truth.spendRatio', 'eom.incrementalResponse']));
  const fitted = hrc as HRCPipeline | undefined;
  const mid = a.budgets[Math.floor(a.budgets.length / 2)] as number;
  const dist = fitted !== undefined ? distillationSummary(fitted) : undefined;
  const files = await writeReport(a.out, {
    title: 'hrc-budget demo: simulated coupon trial',
    description: `${sim.train.n} training and ${sim.test.n} test users, ${sim.train.treatmentNames.length} arms, seed ${a.seed}, label noise ${a.labelNoise}. True values come from the simulator's ground truth.`,
    comparison: result,
    ...(fitted !== undefined ? { groups: groupSummaries(fitted, mid) } : {}),
    ...(dist !== undefined ? { distillation: dist } : {}),
    metadata: {
      command: `hrc-budget demo --n ${a.n} --seeds ${seeds.join(',')} --label-noise ${a.labelNoise}${a.heavyTails ? ' --heavy-tails' : ''}`,
      methods: a.methods.join(','),
      budgets: a.budgets.join(','),
    },
  });
  print('');
  print(`wrote ${files.html}, ${files.json} and ${files.markdown}`);
  if (fitted !== undefined) {
    const policyPath = join(a.out, 'policy.json');
    await writeAtomic(policyPath, JSON.stringify(fitted.policy));
    print(
      `wrote ${policyPath} (the HRC policy: hrc-budget assign --policy ${policyPath} --data users.csv --budget-per-user 0.3 --out decisions.csv)`,
    );
    fitted.dispose();
  }
}
