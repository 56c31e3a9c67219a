/**
 * Child process of the scale benchmark (run as `node --import tsx bench/scale-fit.ts ROWS BACKEND POLICY_OUT`):
 * simulates ROWS trial rows, fits HRCPipeline with the settings below, times each stage through onProgress, then
 * computes GroupStats in one pass and shard by shard (4 shards, merged), and prints one JSON line of results.
 */
import { writeFileSync } from 'node:fs';
import { type BackendName, useBackend } from '../src/backend/index.js';
import { subsetRows } from '../src/data/dataset.js';
import { HRCPipeline } from '../src/pipeline/index.js';
import { simulateCouponTrial } from '../src/sim/index.js';
import { GroupStats } from '../src/solver/index.js';
import { SCALE_FIT_OPTIONS } from './scale-settings.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const backend = (process.argv[3] ?? 'wasm') as BackendName;
const policyOut = process.argv[4];
await useBackend(backend);
const t0 = performance.now();
const { train } = simulateCouponTrial({ nTrain: rows, nTest: 10, seed: 1 });
const simSeconds = (performance.now() - t0) / 1000;
const stages: Record<string, number> = {};
let stage = '';
let last = performance.now();
const fitStart = performance.now();
const hrc = await new HRCPipeline({
  ...SCALE_FIT_OPTIONS,
  onProgress: (e) => {
    const now = performance.now();
    if (stage !== '') stages[stage] = Number(((now - last) / 1000).toFixed(1));
    stage = e.stage;
    last = now;
  },
}).fit(train);
const fitSeconds = (performance.now() - fitStart) / 1000;
const policy = hrc.policy;
if (policyOut !== undefined) writeFileSync(policyOut, JSON.stringify(policy));

// GroupStats: one pass over all rows, against 4 shards computed separately and merged.
const groups = hrc.trainGroups;
const k = policy.table.k;
const n = train.n;
const one = performance.now();
const whole = GroupStats.from(train, { groups, k, replicates: 200, seed: 5 });
const oneSeconds = (performance.now() - one) / 1000;
const shardStart = performance.now();
let merged: GroupStats | undefined;
const shards = 4;
for (let s = 0; s < shards; s++) {
  const lo = Math.floor((s * n) / shards);
  const hi = Math.floor(((s + 1) * n) / shards);
  const idx = Int32Array.from({ length: hi - lo }, (_, i) => lo + i);
  const part = GroupStats.from(subsetRows(train, idx), {
    groups: groups.subarray(lo, hi),
    k,
    replicates: 200,
    seed: 5 + s,
  });
  merged = merged === undefined ? part : merged.merge(part);
}
const shardSeconds = (performance.now() - shardStart) / 1000;
const a = whole.moments();
const b = (merged as GroupStats).moments();
let maxRelDiff = 0;
for (const key of Object.keys(a) as (keyof typeof a)[]) {
  const x = a[key];
  const y = b[key];
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs((x[i] as number) - (y[i] as number)) / Math.max(1, Math.abs(x[i] as number));
    if (d > maxRelDiff) maxRelDiff = d;
  }
}
hrc.dispose();
process.stdout.write(
  `${JSON.stringify({
    rows,
    backend,
    simSeconds: Number(simSeconds.toFixed(1)),
    fitSeconds: Number(fitSeconds.toFixed(1)),
    stages,
    k,
    distillAgreement: policy.metadata.distillAgreement,
    groupStatsOnePassSeconds: Number(oneSeconds.toFixed(2)),
    groupStatsShardedSeconds: Number(shardSeconds.toFixed(2)),
    groupStatsMaxRelDiff: maxRelDiff,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  })}\n`,
);
