import { useBackend } from '../../src/backend/index.js';
import { type ComparisonResult, compare } from '../../src/eval/compare.js';
import { summarizeResults } from '../../src/eval/summary.js';
import { HRCPipeline } from '../../src/pipeline/index.js';
import { decisionSummary } from '../../src/report/decision.js';
import { planView } from '../../src/report/plan.js';
import type { ReportInput } from '../../src/report/types.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';
import { UniformArmFixture } from '../eval/fixtures.js';
import { sampleReportInput } from './sample.js';

/**
 * A small HRC report input as `demo` builds it: HRC fitted on a small simulated trial (few epochs), a comparison
 * against two uniform arms over three seeds, the decision summary on the test rows and the budget slider's plans.
 * Returns the fitted policy too, to check the slider against `policy.atBudget`.
 */
export async function sampleHRCReport(options: { profit?: boolean } = {}) {
  await useBackend('cpu');
  const sim = simulateCouponTrial({ nTrain: 3000, nTest: 2000, seed: 17 });
  let fitted: HRCPipeline | undefined;
  const budgets = [0.1, 0.3, 0.6];
  const comparison = await compare({
    methods: {
      hrc: (seed) => {
        const p = new HRCPipeline({
          seed,
          representation: { epochs: 6 },
          distiller: { epochs: 6 },
          clustering: { k: 6 },
          stats: { replicates: 30 },
        });
        if (fitted === undefined) fitted = p;
        return p;
      },
      'coupon_1 to a share': () => new UniformArmFixture(1, 1, 'coupon_1 to a share'),
      'coupon_4 to a share of users': () => new UniformArmFixture(4, 0.8, 'coupon_4 to a share of users'),
    },
    train: sim.train,
    test: sim.test,
    truth: sim.truth,
    budgets,
    seeds: [1, 2, 3],
    evaluation: { resamples: 40 },
  });
  const hrc = fitted as unknown as HRCPipeline;
  const policy = hrc.policy;
  const decision = await decisionSummary({
    data: sim.test,
    budgets,
    assign: async (b) => (await policy.atBudget(b)).decideBatch(sim.test.features, { perUser: b }),
    responseName: 'orders',
    resamples: 60,
    ...(options.profit === true ? { netValue: 6 } : {}),
  });
  const plans = planView(policy);
  const input: ReportInput = {
    title: 'Sample HRC report',
    description: 'HRC on a small simulated coupon trial against two uniform arms.',
    decision,
    ...(plans !== undefined ? { plans } : {}),
    comparison,
    distillation: { agreement: policy.metadata.distillAgreement ?? 0 },
    metadata: { data: 'simulateCouponTrial seed 17', 'test rows': sim.test.n },
  };
  return { input, policy, hrc, sim };
}

/**
 * The reports a user sees, from one HRC fit: `demo` (simulator truth, decision summary, budget slider), `compare`
 * (no truth, as on a trial CSV, with profit mode) and `sections` (fixtures with groups, distillation per group and
 * the choice of K).
 */
export async function sampleReports() {
  const demo = await sampleHRCReport({ profit: false });
  const cmp = demo.input.comparison as ComparisonResult;
  const rows = cmp.rows.filter((r) => !r.metric.startsWith('truth.'));
  const compareInput: ReportInput = {
    ...demo.input,
    title: 'Sample comparison on a trial file',
    description: 'The same runs without the simulator truth, as compare shows a trial CSV; profit mode on.',
    decision: await decisionSummary({
      data: demo.sim.test,
      budgets: [0.1, 0.3, 0.6],
      assign: async (b) => (await demo.policy.atBudget(b)).decideBatch(demo.sim.test.features, { perUser: b }),
      responseName: 'orders',
      resamples: 60,
      netValue: 6,
    }),
    comparison: { ...cmp, rows, summary: summarizeResults(rows, { level: cmp.summary.level, reference: 'hrc' }) },
  };
  return {
    policy: demo.policy,
    dispose: () => demo.hrc.dispose(),
    reports: { demo: demo.input, compare: compareInput, sections: await sampleReportInput() },
  };
}
