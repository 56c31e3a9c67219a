// Quickstart: the README's example. Run: npx tsx examples/quickstart.ts
import { HRCPipeline, oracleAssign, simulateCouponTrial, trueValue, useBackend } from '../src/index.js';

await useBackend('wasm');
const { train, test, truth } = simulateCouponTrial({ nTrain: 10_000, seed: 1 });
const hrc = await new HRCPipeline({ seed: 1 }).fit(train);
const arms = await hrc.assign(test.features, { perUser: 0.3 });
const got = trueValue(truth, arms);
const best = trueValue(truth, oracleAssign(truth, { perUser: 0.3 }));
console.log(
  `spend ${got.cost.toFixed(3)} per user for ${((100 * got.incrementalResponse) / best.incrementalResponse).toFixed(1)}% of the oracle's gain`,
);
const policy = hrc.policy;
console.log(policy.treatmentNames[policy.decide(test.features.subarray(0, test.d), { perUser: 0.3 })]);
