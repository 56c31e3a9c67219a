// HRC on the Hillstrom e-mail test: which customers to e-mail (Mens or Womens e-mail, or none) when only a share
// of them can be mailed. Run: npx tsx examples/hillstrom.ts [path/to/hillstrom.csv]
import { evaluatePolicy, HRCPipeline, hillstromSchema, loadCSV, trainTestSplit, useBackend } from '../src/index.js';

const file = process.argv[2] ?? new URL('../../shared/data/hillstrom_email/hillstrom.csv', import.meta.url).pathname;
await useBackend('wasm');
const data = await loadCSV(file, hillstromSchema); // response = spend, 1 per e-mail, control costs 0
const { train, test } = trainTestSplit(data, { testFraction: 0.3, seed: 7 });
const hrc = await new HRCPipeline({ seed: 7 }).fit(train);
console.log(`HRC: ${hrc.policy.table.k} groups; student agreement ${hrc.policy.metadata.distillAgreement?.toFixed(3)}`);
for (const share of [0.1, 0.3, 0.5]) {
  const arms = await hrc.assign(test.features, { perUser: share });
  const e = evaluatePolicy(arms, test, { seed: 7 });
  const mailed = 1 - (e.armShares[0] ?? 0);
  console.log(
    `budget ${share}: mailed ${(100 * mailed).toFixed(1)}%, incremental spend per customer ${e.incrementalResponse.estimate.toFixed(3)} [${e.incrementalResponse.lower.toFixed(3)}, ${e.incrementalResponse.upper.toFixed(3)}]`,
  );
}
hrc.dispose();
