/**
 * Measures every baseline on the coupon-trial simulator: true incremental response as a share of the oracle's at the
 * same budget and at the method's actual spend, and overspend against the budget. Not a test (vitest ignores it).
 *
 *   npx tsx test/baselines/measure.ts                      # all methods, calibration off
 *   CAL=1 METHODS=tpm-tarnet,dfcl npx tsx test/baselines/measure.ts
 *   env: NTRAIN (20000), NTEST (5000), SEED (3), NOISE (label noise, 0), BUDGETS (0.1,0.2,0.4), EPOCHS
 */
import * as tf from '@tensorflow/tfjs';
import type { PathAllocator } from '../../src/baselines/allocator.js';
import { DFCL } from '../../src/baselines/dfcl.js';
import { DHCL } from '../../src/baselines/dhcl.js';
import { DRP } from '../../src/baselines/drp.js';
import { RDRP } from '../../src/baselines/rdrp.js';
import { RandomAllocator, UniformBest } from '../../src/baselines/references.js';
import { TPMSL, TPMTARNet } from '../../src/baselines/tpm.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';
import { oracleAssign, trueValue } from '../../src/sim/truth.js';

const env = (k: string, d: string) => process.env[k] ?? d;
const cal = env('CAL', '0') === '1';
const extra = process.env.EPOCHS !== undefined ? { epochs: Number(process.env.EPOCHS) } : {};
const common = { spendCalibration: cal, seed: Number(env('SEED', '3')), ...extra };
const factories: Record<string, () => PathAllocator> = {
  random: () => new RandomAllocator(common),
  'uniform-best': () => new UniformBest(common),
  'tpm-sl': () => new TPMSL(common),
  'tpm-tarnet': () => new TPMTARNet(common),
  drp: () => new DRP(common),
  rdrp: () => new RDRP(common),
  dhcl: () => new DHCL(common),
  dfcl: () => new DFCL(common),
  'dfcl-me': () => new DFCL({ ...common, decisionLoss: 'maxEntropy' }),
};

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const { train, test, truth } = simulateCouponTrial({
    nTrain: Number(env('NTRAIN', '20000')),
    nTest: Number(env('NTEST', '5000')),
    labelNoise: Number(env('NOISE', '0')),
    seed: Number(env('SEED', '3')),
  });
  const budgets = env('BUDGETS', '0.1,0.2,0.4').split(',').map(Number);
  const methods = env('METHODS', Object.keys(factories).join(',')).split(',');
  console.log(
    `calibration ${cal ? 'on' : 'off'}; ratio = incremental response / oracle's (at budget | at the same spend)`,
  );
  for (const name of methods) {
    const make = factories[name];
    if (make === undefined) throw new Error(`unknown method ${name}`);
    const t0 = performance.now();
    const a = await make().fit(train);
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    const parts: string[] = [];
    for (const b of budgets) {
      const v = trueValue(truth, await a.assign(test.features, { perUser: b }));
      const atBudget = trueValue(truth, oracleAssign(truth, { perUser: b }));
      const atSpend = trueValue(truth, oracleAssign(truth, { perUser: Math.max(v.incrementalCost, 1e-9) }));
      const r1 = (v.incrementalResponse / atBudget.incrementalResponse).toFixed(3);
      const r2 = (v.incrementalResponse / atSpend.incrementalResponse).toFixed(3);
      const over = ((v.incrementalCost / b - 1) * 100).toFixed(1);
      parts.push(`b=${b} ${r1}|${r2} over ${over}%`);
    }
    console.log(`${name.padEnd(12)} ${secs.padStart(6)}s  ${parts.join('   ')}`);
    a.dispose();
  }
}

await main();
