import { formatSummary, summarize } from '../data/summary.js';
import { simulateCouponTrial } from '../sim/simulator.js';
import { oracleAssign, trueValue } from '../sim/truth.js';

/**
 * The demo on the built-in simulator: a randomized coupon trial, its summary, and the true value of the best
 * possible allocation (the oracle) against the best single arm for everyone at the same spend.
 */
export async function runDemo(opts: { n: number; seed: number }, print: (line: string) => void): Promise<void> {
  const sim = simulateCouponTrial({ nTrain: opts.n, nTest: Math.max(1000, Math.round(opts.n / 2)), seed: opts.seed });
  print(`Simulated coupon trial (seed ${opts.seed})`);
  print(formatSummary(summarize(sim.train)));
  print('');
  print('Reference allocations on the test users, by the simulator truth (value = incremental purchases per user):');
  print('budget/user  oracle value  best single arm (mixed with control)');
  const { truth } = sim;
  for (const b of [0.1, 0.3, 0.6]) {
    const oracle = trueValue(truth, oracleAssign(truth, { perUser: b }));
    let best = 0;
    for (let j = 1; j < truth.m; j++) {
      // Give arm j to the first share of users that the budget pays for (by expected cost), control to the rest.
      const full = trueValue(truth, new Int32Array(truth.n).fill(j));
      const share = Math.min(1, b / full.incrementalCost);
      best = Math.max(best, share * full.incrementalResponse);
    }
    print(
      `${b.toFixed(2).padStart(11)}  ${oracle.incrementalResponse.toFixed(4).padStart(12)}  ${best.toFixed(4).padStart(12)}`,
    );
  }
}
