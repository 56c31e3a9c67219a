/**
 * Measures the distilled policy against its teacher (representation + clustering) on the coupon-trial simulator,
 * HRCPipeline defaults on the wasm backend: the distiller's held-out agreement, the share of test users given the
 * same arm, and the true value of both plans at a few budgets (with the oracle's). Not a test (vitest ignores it).
 *
 *   npx tsx test/pipeline/measure-distill.ts
 *   env: NTRAIN (50000), NTEST (20000), SEED (1), BUDGETS (0.1,0.3,0.6)
 */
import { useBackend } from '../../src/backend/index.js';
import { HRCPipeline } from '../../src/pipeline/index.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';
import { oracleAssign, trueValue } from '../../src/sim/truth.js';

const env = (k: string, d: string) => process.env[k] ?? d;
const seed = Number(env('SEED', '1'));
await useBackend('wasm');
const { train, test, truth } = simulateCouponTrial({
  nTrain: Number(env('NTRAIN', '50000')),
  nTest: Number(env('NTEST', '20000')),
  seed,
});
const t0 = performance.now();
const hrc = await new HRCPipeline({ seed }).fit(train);
const fitSeconds = (performance.now() - t0) / 1000;
process.stdout.write(
  `fit ${fitSeconds.toFixed(1)} s, ${hrc.policy.table.k} groups, held-out agreement with the teacher ${hrc.policy.metadata.distillAgreement}\n`,
);
for (const b of env('BUDGETS', '0.1,0.3,0.6').split(',').map(Number)) {
  const budget = { perUser: b };
  const student = await hrc.assign(test.features, budget);
  const teacher = await hrc.assignTeacher(test.features, budget);
  let same = 0;
  for (let i = 0; i < student.length; i++) if (student[i] === teacher[i]) same++;
  const vs = trueValue(truth, student);
  const vt = trueValue(truth, teacher);
  const vo = trueValue(truth, oracleAssign(truth, budget));
  process.stdout.write(
    `budget ${b}: same arm ${(same / student.length).toFixed(3)}; true value student ${vs.incrementalResponse.toFixed(4)}, ` +
      `teacher ${vt.incrementalResponse.toFixed(4)} (ratio ${(vs.incrementalResponse / vt.incrementalResponse).toFixed(3)}), ` +
      `oracle ${vo.incrementalResponse.toFixed(4)}; cost ${vs.cost.toFixed(3)} / ${vt.cost.toFixed(3)}\n`,
  );
}
hrc.dispose();
