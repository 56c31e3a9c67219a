import { compare } from '../../src/eval/compare.js';
import type { ReportInput } from '../../src/report/types.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';
import { RandomFixture, UniformArmFixture } from '../eval/fixtures.js';

/** A small but complete report input: a comparison on the simulator plus made-up HRC sections. */
export async function sampleReportInput(): Promise<ReportInput> {
  const sim = simulateCouponTrial({ nTrain: 3000, nTest: 4000, seed: 51 });
  const comparison = await compare({
    methods: {
      hrc: () => new UniformArmFixture(2, 1, 'hrc'),
      'uniform-1': () => new UniformArmFixture(1),
      'uniform-4': () => new UniformArmFixture(4, 0.8),
      random: (seed) => new RandomFixture(seed),
    },
    train: sim.train,
    test: sim.test,
    truth: sim.truth,
    budgets: [0.05, 0.1, 0.2, 0.3],
    seeds: [1, 2, 3],
    evaluation: { resamples: 60 },
  });
  return {
    title: 'Sample report <simulator>',
    description: 'Test fixtures on the coupon simulator; the groups, distillation and K sections are made up.',
    comparison,
    groups: Array.from({ length: 6 }, (_, g) => ({
      group: g,
      size: 400 + 150 * g,
      uplift: 0.01 + 0.012 * g,
      upliftLower: 0.004 + 0.012 * g,
      upliftUpper: 0.016 + 0.012 * g,
      arm: g < 2 ? 'control' : g < 4 ? 'coupon_2' : 'coupon_4',
    })),
    distillation: {
      agreement: 0.91,
      perGroup: Array.from({ length: 6 }, (_, g) => ({ group: g, agreement: 0.85 + 0.02 * g, size: 400 + 150 * g })),
    },
    kSelection: {
      scores: [2, 4, 6, 8, 12, 16].map((k, i) => ({ k, score: 0.02 + 0.004 * Math.min(i, 3), se: 0.002 })),
      chosen: 6,
      rule: 'smallest K within one standard error of the best',
      scoreLabel: 'held-out IPW incremental response',
    },
    metadata: { data: 'simulateCouponTrial seed 51', 'test rows': sim.test.n },
  };
}
