import { join } from 'node:path';
import { type BackendName, useBackend } from '../backend/index.js';
import type { BudgetAllocator } from '../core/types.js';
import { formatSummary, summarize } from '../data/summary.js';
import { type ComparisonResult, compare } from '../eval/compare.js';
import { summarizeResults } from '../eval/summary.js';
import { writeFileAtomic } from '../node/atomic.js';
import { HRCPipeline } from '../pipeline/index.js';
import { type DecisionSummary, decisionSummary } from '../report/decision.js';
import { decisionSentences, sourceText } from '../report/decision-words.js';
import { planView } from '../report/plan.js';
import { writeReport } from '../report/write.js';
import { type SimulatedTrial as CouponTrial, simulateCouponTrial } from '../sim/simulator.js';
import { hrcOptions } from './commands/fit.js';
import { distillationSummary } from './commands/report-parts.js';
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

const TRUTH_METRICS = ['truth.oracleRatioMatched', 'truth.spendRatio', 'eom.incrementalResponse'];

/** Several comparisons over the same budgets as one (rows put together, summary taken again). */
export function mergeComparisons(parts: readonly ComparisonResult[], reference: string | undefined): ComparisonResult {
  const first = parts[0] as ComparisonResult;
  const rows = parts.flatMap((p) => p.rows);
  const unique = <T>(xs: readonly T[]) => [...new Set(xs)];
  return {
    methods: unique(parts.flatMap((p) => p.methods)),
    budgets: first.budgets,
    seeds: unique(parts.flatMap((p) => p.seeds)),
    ...(reference !== undefined ? { reference } : {}),
    calibrated: parts.every((p) => p.calibrated),
    rows,
    summary: summarizeResults(rows, {
      level: first.summary.level,
      ...(reference !== undefined ? { reference } : {}),
    }),
    failures: parts.flatMap((p) => p.failures),
    timings: parts.flatMap((p) => p.timings),
  };
}

/**
 * `hrc-budget demo`: HRC and the baselines on the built-in coupon-trial simulator. HRC runs first on the first seed:
 * its result, the decision summary, a first report and `policy.json` come before the baselines, which follow one
 * by one (progress on stderr). The report is rewritten with every method at the end.
 */
export async function runDemo(a: DemoArgs, progress: Progress, print: (line: string) => void): Promise<void> {
  const started = Date.now();
  const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;
  await useBackend(a.backend);
  const seeds = a.seeds ?? [a.seed];
  const first = seeds[0] as number;
  const sims = new Map<number, CouponTrial>();
  const simulate = (seed: number): CouponTrial => {
    let s = sims.get(seed);
    if (s === undefined) {
      s = simulateCouponTrial({
        nTrain: a.n,
        nTest: Math.max(1000, Math.round(a.n / 2)),
        seed,
        labelNoise: a.labelNoise,
        heavyTails: a.heavyTails,
      });
      sims.set(seed, s);
    }
    return s;
  };
  const sim = simulate(first);
  print(
    `Simulated coupon trial (seeds ${seeds.join(', ')}, label noise ${a.labelNoise}${a.heavyTails ? ', heavy tails' : ''}; first seed shown)`,
  );
  print(formatSummary(summarize(sim.train)));
  const pipelines: HRCPipeline[] = [];
  let fitted: HRCPipeline | undefined;
  const factory = (m: MethodName) => (seed: number) => {
    const alloc: BudgetAllocator = makeAllocator(m, seed, hrcOptions({}, progress));
    if (alloc instanceof HRCPipeline) {
      pipelines.push(alloc);
      if (seed === first && fitted === undefined) fitted = alloc;
    }
    return alloc;
  };
  const run = (methods: readonly MethodName[], runSeeds: readonly number[]) =>
    compare({
      methods: Object.fromEntries(methods.map((m) => [m, factory(m)])),
      trial: simulate,
      budgets: a.budgets,
      seeds: runSeeds,
      onProgress: (e) => progress.stage(`${e.stage}${e.message !== undefined ? `: ${e.message}` : ''}`),
    });
  const parts: ComparisonResult[] = [];
  const hasHrc = a.methods.includes('hrc');
  const reference = hasHrc ? 'hrc' : undefined;
  let decision: DecisionSummary | undefined;
  const report = async (result: ComparisonResult) => {
    const hrc = fitted;
    const plans = hrc !== undefined ? planView(hrc.policy) : undefined;
    const dist = hrc !== undefined ? distillationSummary(hrc) : undefined;
    return writeReport(a.out, {
      title: 'hrc-budget demo: simulated coupon trial',
      description: `${sim.train.n} training and ${sim.test.n} test users, ${sim.train.treatmentNames.length} arms, seeds ${seeds.join(', ')}, label noise ${a.labelNoise}. True values come from the simulator's ground truth.`,
      ...(decision !== undefined ? { decision } : {}),
      ...(plans !== undefined ? { plans } : {}),
      comparison: result,
      ...(dist !== undefined ? { distillation: dist } : {}),
      metadata: {
        command: `hrc-budget demo --n ${a.n} --seeds ${seeds.join(',')} --label-noise ${a.labelNoise}${a.heavyTails ? ' --heavy-tails' : ''}`,
        methods: result.methods.join(','),
        budgets: a.budgets.join(','),
      },
    });
  };
  if (hasHrc) {
    progress.stage(`fitting hrc on seed ${first} (the baselines follow)`);
    parts.push(await run(['hrc'], [first]));
    const hrc = fitted as HRCPipeline | undefined;
    if (hrc !== undefined) {
      const policy = hrc.policy;
      decision = await decisionSummary({
        data: sim.test,
        budgets: a.budgets,
        assign: async (b) => (await policy.atBudget(b)).decideBatch(sim.test.features, { perUser: b }),
        method: 'hrc',
        responseName: 'orders',
        rowsName: 'simulated test users (not used in fitting)',
        seed: first,
      });
      print('');
      print(`What to do (HRC, after ${elapsed()}):`);
      for (const line of decisionSentences(decision)) print(`  ${line}`);
      print(`  ${sourceText(decision)}`);
      print('');
      print('HRC on the test users, from the simulator truth:');
      print(comparisonTable(parts[0] as ComparisonResult, TRUTH_METRICS));
      const files = await report(parts[0] as ComparisonResult);
      const policyPath = join(a.out, 'policy.json');
      await writeFileAtomic(policyPath, JSON.stringify(policy), '--out');
      print(`wrote ${files.html} (HRC only for now; rewritten with the baselines when they finish) and ${policyPath}`);
    }
  }
  const baselines = a.methods.filter((m) => m !== 'hrc');
  if (hasHrc && seeds.length > 1) parts.push(await run(['hrc'], seeds.slice(1)));
  if (baselines.length > 0) {
    print('');
    print('Baselines as they finish (method, budget, then the same columns):');
  }
  for (const m of baselines) {
    progress.stage(`fitting ${m} (${elapsed()} so far)`);
    const r = await run([m], seeds);
    parts.push(r);
    print(comparisonTable(r, TRUTH_METRICS).split('\n').slice(2).join('\n'));
  }
  const result = mergeComparisons(parts, reference);
  print('');
  print('True value on the test users, from the simulator truth:');
  print('  truth.oracleRatioMatched: incremental response as a share of the oracle at the same actual spend');
  print(
    '  truth.spendRatio: true spend over budget (above 1 = overspent); eom.incrementalResponse: IPW estimate [95% CI]',
  );
  print(comparisonTable(result, TRUTH_METRICS));
  const files = await report(result);
  print('');
  print(`wrote ${files.html}, ${files.json} and ${files.markdown} after ${elapsed()}`);
  if (files.decision !== undefined)
    print(`wrote the decision summary alone to ${files.decision.markdown} and ${files.decision.json}`);
  if (fitted !== undefined) {
    const policyPath = join(a.out, 'policy.json');
    print(
      `the HRC policy is ${policyPath}: hrc-budget assign --policy ${policyPath} --data users.csv --budget-per-user 0.3 --out decisions.csv`,
    );
  }
  for (const p of pipelines) p.dispose();
}
