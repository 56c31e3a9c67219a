import { BudgetPacer } from '../src/online/index.js';
import type { AllocationPolicy } from '../src/policy/index.js';
import { oracleAssign, trueValue } from '../src/sim/index.js';
import { wasmKernelsReady } from '../src/wasm/index.js';
import type { Report } from './harness.js';
import { type ReplayDay, type ReplayResult, replay, replayDay } from './online-replay.js';
import { benchPolicy } from './policy-fixture.js';

export const name = 'online';

const ARRIVALS = 1_000_000;
/** Users whose redemptions are known only 2 hours (of a 24-hour day) after the decision. */
const DELAY = Math.round(ARRIVALS / 12);
const SHIFT = 1;
const REDEMPTION = 1.2;
const SPEED_CALLS = 1_000_000;
const LATENCY_CALLS = 200_000;

/**
 * Online budget allocation on a replayed day (docs/online.md): 1,000,000 arrivals of the coupon-trial simulator's
 * world whose mix shifts over the day (covariate shift rising from 0 to 1) and who redeem 20% more often than in the
 * trial, with redemptions known two hours late. Open-loop `policy.decide` at the day's per-user budget against a
 * {@link BudgetPacer}: final spend / budget, value / oracle at matched spend, the worst hourly overspend, and the
 * pacer's decisions per second and p99 latency of decide + observe on one thread.
 */
export async function run(report: Report): Promise<void> {
  const policy = await benchPolicy();
  const day = replayDay(ARRIVALS, 7, SHIFT, REDEMPTION);
  const grid = policy.table.budgets;
  const total = (grid[grid.length >> 1] as number) * ARRIVALS;
  const open = replay(policy, day, total, 'open', { delay: DELAY, seed: 1 });
  const paced = replay(policy, day, total, 'pacer', { delay: DELAY, seed: 1 });
  const capped = replay(policy, day, total, 'pacer', {
    delay: DELAY,
    seed: 1,
    pacer: { holdout: 0.05, caps: { [policy.treatmentNames.at(-1) as string]: 20_000 } },
  });
  const figures = (r: ReplayResult) => ({
    spend: r.spend / total,
    value: valueVsOracle(day, r),
    hourly: worstHourlyOverspend(r, total),
  });
  const o = figures(open);
  const p = figures(paced);
  const base = {
    arrivals: ARRIVALS,
    delay: DELAY,
    shift: SHIFT,
    redemption: REDEMPTION,
    budgetPerUser: total / ARRIVALS,
  };
  report({
    bench: name,
    metric: 'final spend / budget, pacer',
    value: p.spend,
    peer: 'open-loop policy',
    peerValue: o.spend,
    ratio: ratioToOne(p.spend, o.spend),
    ...base,
  });
  report({
    bench: name,
    metric: 'value / oracle at matched spend, pacer',
    value: p.value,
    peer: 'open-loop policy',
    peerValue: o.value,
    lowerIsBetter: false,
    ...base,
  });
  report({
    bench: name,
    metric: 'worst hourly overspend, pacer',
    value: p.hourly,
    peer: 'open-loop policy',
    peerValue: o.hourly,
    ...base,
  });
  const last = policy.treatmentNames.length - 1;
  let capUsed = 0;
  for (let i = 0; i < ARRIVALS; i++) if (capped.arms[i] === last) capUsed++;
  const held = (capped.pacer as BudgetPacer).status().heldOut;
  report({
    bench: name,
    metric: 'final spend / budget, pacer with 5% holdout and a cap',
    value: capped.spend / total,
    cap: 20_000,
    capUsed,
    ...base,
  });
  report({ bench: name, metric: 'holdout share, setting 0.05', value: held / ARRIVALS, ...base });
  await wasmKernelsReady();
  speed(policy, day, total, report);
}

/** CPU time of this process (user + system), in seconds: on a shared machine, the work done, not the wait. */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** |x - 1| of the peer over ours: > 1 when we end closer to the budget. */
function ratioToOne(ours: number, peer: number): number {
  return Number((Math.abs(peer - 1) / Math.max(1e-9, Math.abs(ours - 1))).toPrecision(4));
}

/** Incremental response of the replay over the oracle's at the same expected spend. */
function valueVsOracle(day: ReplayDay, r: ReplayResult): number {
  const v = trueValue(day.truth, r.arms);
  const oracle = trueValue(day.truth, oracleAssign(day.truth, { total: v.totalCost }));
  return v.incrementalResponse / oracle.incrementalResponse;
}

/** Largest hourly spend over the hour's even share of the budget, minus one. */
function worstHourlyOverspend(r: ReplayResult, total: number): number {
  let worst = Number.NEGATIVE_INFINITY;
  const share = total / r.slotSpend.length;
  for (const s of r.slotSpend) worst = Math.max(worst, s / share - 1);
  return worst;
}

function speed(policy: AllocationPolicy, day: ReplayDay, total: number, report: Report): void {
  const d = day.d;
  const rows = Array.from({ length: 10_000 }, (_, i) => day.features.subarray(i * d, (i + 1) * d));
  const pacer = new BudgetPacer({ policy, budget: { total }, arrivals: SPEED_CALLS * 3, delay: DELAY, holdout: 0.05 });
  const budget = { perUser: total / ARRIVALS };
  let sink = 0;
  for (let i = 0; i < 100_000; i++) sink += pacer.decide(rows[i % rows.length] as Float32Array, i);
  let c0 = cpuSeconds();
  let t0 = process.hrtime.bigint();
  for (let i = 0; i < SPEED_CALLS; i++) sink += pacer.decide(rows[i % rows.length] as Float32Array, i);
  const pacerSecs = Number(process.hrtime.bigint() - t0) / 1e9;
  const pacerCpu = cpuSeconds() - c0;
  c0 = cpuSeconds();
  t0 = process.hrtime.bigint();
  for (let i = 0; i < SPEED_CALLS; i++) sink += policy.decide(rows[i % rows.length] as Float32Array, budget);
  const openSecs = Number(process.hrtime.bigint() - t0) / 1e9;
  const openCpu = cpuSeconds() - c0;
  // Micro-batches: the student's groups of 1,024 users at a time (the WebAssembly kernel), then the pacer per user.
  const batch = 1024;
  const groups = new Int32Array(batch);
  const mb = new BudgetPacer({ policy, budget: { total }, arrivals: SPEED_CALLS * 3, delay: DELAY, holdout: 0.05 });
  const X = day.features;
  const n = Math.min(SPEED_CALLS, day.n);
  t0 = process.hrtime.bigint();
  for (let from = 0; from < n; from += batch) {
    const rows = Math.min(batch, n - from);
    policy.student.argmaxBatch(X.subarray(from * d, (from + rows) * d), groups, 0, rows);
    for (let r = 0; r < rows; r++) sink += mb.decideGroup(groups[r] as number, from + r);
  }
  const batchSecs = Number(process.hrtime.bigint() - t0) / 1e9;
  // The pacer's own micro-batching: decideMany over blocks of 1,024 rows (same decisions as decide per user).
  const many = new BudgetPacer({ policy, budget: { total }, arrivals: SPEED_CALLS * 3, delay: DELAY, holdout: 0.05 });
  const arms = new Int32Array(batch);
  many.decideMany(X.subarray(0, batch * d), arms);
  c0 = cpuSeconds();
  t0 = process.hrtime.bigint();
  for (let from = 0; from < n; from += batch) {
    const rows = Math.min(batch, n - from);
    many.decideMany(X.subarray(from * d, (from + rows) * d), arms);
    sink += arms[0] as number;
  }
  const manySecs = Number(process.hrtime.bigint() - t0) / 1e9;
  const manyCpu = cpuSeconds() - c0;
  const lat = new Float64Array(LATENCY_CALLS);
  const base = 100_000 + SPEED_CALLS;
  for (let i = 0; i < LATENCY_CALLS; i++) {
    const row = rows[i % rows.length] as Float32Array;
    const s = process.hrtime.bigint();
    const arm = pacer.decide(row, base + i);
    pacer.observe({ cost: arm, at: base + i, arm });
    lat[i] = Number(process.hrtime.bigint() - s) / 1000;
  }
  lat.sort();
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] as number;
  report({
    bench: name,
    metric: 'decisions per second, pacer (one thread)',
    value: SPEED_CALLS / pacerSecs,
    peer: 'open-loop policy.decide',
    peerValue: SPEED_CALLS / openSecs,
    lowerIsBetter: false,
    perCpuSecond: Math.round(SPEED_CALLS / pacerCpu),
    peerPerCpuSecond: Math.round(SPEED_CALLS / openCpu),
    sink: sink % 7,
  });
  report({
    bench: name,
    metric: 'decisions per second, pacer.decideMany on blocks of 1,024 (one thread)',
    value: n / manySecs,
    peer: 'open-loop policy.decide',
    peerValue: SPEED_CALLS / openSecs,
    lowerIsBetter: false,
    perCpuSecond: Math.round(n / manyCpu),
  });
  report({
    bench: name,
    metric: 'decisions per second, pacer on micro-batches of 1,024 (one thread)',
    value: n / batchSecs,
    peer: 'open-loop policy.decide',
    peerValue: SPEED_CALLS / openSecs,
    lowerIsBetter: false,
  });
  report({ bench: name, metric: 'p99 decide + observe, microseconds', value: q(0.99), p50: q(0.5), p999: q(0.999) });
}
