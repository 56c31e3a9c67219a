// Quickstart: load a real trial, summarize it, and ask the simulator what the best allocation is worth.
// Run: npx tsx examples/quickstart.ts
import {
  formatSummary,
  hillstromSchema,
  loadCsv,
  oracleAssign,
  simulateCouponTrial,
  summarize,
  trueValue,
} from '../src/index.js';

const file = new URL('../../shared/data/hillstrom_email/hillstrom.csv', import.meta.url).pathname;
const data = await loadCsv(file, hillstromSchema);
console.log(formatSummary(summarize(data)));

const { truth } = simulateCouponTrial({ nTrain: 20_000, seed: 1 });
console.log(trueValue(truth, oracleAssign(truth, { perUser: 0.3 })));
