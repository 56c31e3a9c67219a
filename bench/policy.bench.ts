import * as tf from '@tensorflow/tfjs';
import { decideRows } from '../src/node/decide-rows.js';
import { ParallelScorer } from '../src/node.js';
import type { AllocationPolicy } from '../src/policy/index.js';
import { setWasmKernels } from '../src/wasm/kernels.js';
import { buildDist } from '../test/helpers/build.js';
import { median, type Report, time } from './harness.js';
import { benchPolicy, benchUsers, midBudget } from './policy-fixture.js';
import { duckdbScoring } from './policy-sql.js';
import { recording } from './scale-record.js';

export const name = 'policy';

const LATENCY_CALLS = 100_000;
const TFJS_CALLS = 2_000;
const BATCH_USERS = 10_000_000;
const SQL_USERS = 1_000_000;
const KERNEL_USERS = 2_000_000;

/**
 * Serving speed of the distilled policy (issue 5): `decide` latency for one user next to tfjs single-row prediction
 * of the same student (same weights, standardization and argmax) in the same run; `decideBatch` throughput over
 * 10,000,000 users on 2 worker threads (ParallelScorer) next to one thread, with peak RSS; and the policy's SQL
 * (`toSQL`) on embedded DuckDB (2 threads) next to ParallelScorer on 2 workers, over the same 1,000,000 users.
 */
export async function run(outer: Report): Promise<void> {
  buildDist();
  const rec = recording(name, outer);
  const report = rec.report;
  const policy = await benchPolicy();
  const budget = midBudget(policy);
  await latency(policy, budget, report);
  await throughput(policy, budget, report);
  kernels(policy, budget, report);
  await sql(policy, budget, report);
  rec.save();
}

/** Process CPU seconds (all threads) since `from`. */
function cpuSeconds(from: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(from);
  return (c.user + c.system) / 1e6;
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

async function latency(policy: AllocationPolicy, budget: { perUser: number }, report: Report): Promise<void> {
  const users = benchUsers(10_000);
  const d = policy.d;
  const rows = Array.from({ length: 10_000 }, (_, i) => users.subarray(i * d, (i + 1) * d));
  let sink = 0;
  for (let i = 0; i < 50_000; i++) sink += policy.decide(rows[i % rows.length] as Float32Array, budget);
  const ours = new Float64Array(LATENCY_CALLS);
  for (let i = 0; i < LATENCY_CALLS; i++) {
    const row = rows[i % rows.length] as Float32Array;
    const t0 = process.hrtime.bigint();
    sink += policy.decide(row, budget);
    ours[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  const model = tfjsStudent(policy);
  const { mean, invScale } = policy.student.parameters();
  const plan = policy.planFor(budget);
  const tfDecide = (row: Float32Array): number => {
    const z = new Float32Array(d);
    for (let j = 0; j < d; j++) z[j] = ((row[j] as number) - (mean[j] as number)) * (invScale[j] as number);
    const g = tf.tidy(() => (model.predict(tf.tensor2d(z, [1, d])) as tf.Tensor).argMax(-1).dataSync()[0] as number);
    return policy.table.armFor(plan, g);
  };
  for (let i = 0; i < 200; i++) sink += tfDecide(rows[i] as Float32Array);
  const peer = new Float64Array(TFJS_CALLS);
  let agree = 0;
  for (let i = 0; i < TFJS_CALLS; i++) {
    const row = rows[i % rows.length] as Float32Array;
    const t0 = process.hrtime.bigint();
    const arm = tfDecide(row);
    peer[i] = Number(process.hrtime.bigint() - t0) / 1000;
    if (arm === policy.decide(row, budget)) agree++;
  }
  model.dispose();
  ours.sort();
  peer.sort();
  for (const [q, label] of [
    [0.5, 'p50'],
    [0.99, 'p99'],
  ] as const) {
    report({
      bench: 'policy',
      metric: `decide latency ${label}, microseconds (one user, on the main thread)`,
      value: Number(percentile(ours, q).toPrecision(3)),
      peer: `tfjs ${tf.getBackend()} predict of the same student, one row`,
      peerValue: Number(percentile(peer, q).toPrecision(3)),
      calls: LATENCY_CALLS,
      peerCalls: TFJS_CALLS,
      target: label === 'p99' ? '<= 50' : undefined,
      sameDecisions: agree / TFJS_CALLS,
      sink: sink % 7,
    });
  }
}

/** The student as a tf.layers model with the same weights (inputs standardized outside). */
function tfjsStudent(policy: AllocationPolicy): tf.Sequential {
  const { layers } = policy.student.parameters();
  const model = tf.sequential();
  for (const [i, l] of layers.entries()) {
    model.add(
      tf.layers.dense({ units: l.outSize, activation: l.activation, ...(i === 0 ? { inputShape: [l.inSize] } : {}) }),
    );
  }
  model.layers.forEach((layer, i) => {
    const l = layers[i];
    if (l !== undefined) layer.setWeights([tf.tensor2d(l.kernel, [l.inSize, l.outSize]), tf.tensor1d(l.bias)]);
  });
  return model;
}

async function throughput(policy: AllocationPolicy, budget: { perUser: number }, report: Report): Promise<void> {
  const X = benchUsers(BATCH_USERS, true);
  const scorer = await ParallelScorer.create(policy, { workers: 2 });
  try {
    await scorer.decideBatch(X.subarray(0, 200_000 * policy.d), budget);
    const secs: number[] = [];
    const cpu: number[] = [];
    let arms: Int32Array = new Int32Array(0);
    for (let r = 0; r < 3; r++) {
      const c0 = process.cpuUsage();
      const t = await time(() => scorer.decideBatch(X, budget));
      cpu.push(cpuSeconds(c0));
      secs.push(t.seconds);
      arms = t.result;
    }
    const c1 = process.cpuUsage();
    const single = await time(() => decideRows(policy, X, budget, new Int32Array(BATCH_USERS)));
    const singleCpu = cpuSeconds(c1);
    let same = 0;
    for (let i = 0; i < arms.length; i++) if (arms[i] === single.result[i]) same++;
    report({
      bench: 'policy',
      metric: `decideBatch users/s, ${BATCH_USERS} users on 2 worker threads (ParallelScorer, median of 3)`,
      value: Math.round(BATCH_USERS / median(secs)),
      peer: 'the same scoring code on the main thread (1 thread)',
      peerValue: Math.round(BATCH_USERS / single.seconds),
      lowerIsBetter: false,
      target: '>= 1000000',
      seconds: secs.map((s) => Number(s.toFixed(2))),
      // Process CPU time (worker threads included): on a shared machine, users per CPU-second shows the speed
      // the code would have on idle cores (2 idle cores: about twice this figure).
      usersPerCpuSecond: Math.round(BATCH_USERS / median(cpu)),
      peerUsersPerCpuSecond: Math.round(BATCH_USERS / singleCpu),
      sameDecisions: same / BATCH_USERS,
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      featureMatrixMiB: Math.round(X.byteLength / 2 ** 20),
    });
  } finally {
    await scorer.close();
  }
}

/** One thread: decideBatch on the WebAssembly kernels against the TypeScript four-row loop (kernels off). */
function kernels(policy: AllocationPolicy, budget: { perUser: number }, report: Report): void {
  const X = benchUsers(KERNEL_USERS);
  const wasmOut = new Int32Array(KERNEL_USERS);
  const loopOut = new Int32Array(KERNEL_USERS);
  policy.decideBatch(X.subarray(0, 100_000 * policy.d), budget);
  const wasm: number[] = [];
  const loop: number[] = [];
  try {
    for (let r = 0; r < 3; r++) {
      setWasmKernels(true);
      let t0 = process.hrtime.bigint();
      policy.decideBatch(X, budget, wasmOut);
      wasm.push(Number(process.hrtime.bigint() - t0) / 1e9);
      setWasmKernels(false);
      t0 = process.hrtime.bigint();
      policy.decideBatch(X, budget, loopOut);
      loop.push(Number(process.hrtime.bigint() - t0) / 1e9);
    }
  } finally {
    setWasmKernels(true);
  }
  let same = 0;
  for (let i = 0; i < KERNEL_USERS; i++) if (wasmOut[i] === loopOut[i]) same++;
  report({
    bench: 'policy',
    metric: `decideBatch users/s on one thread, ${KERNEL_USERS} users (WebAssembly SIMD kernels, median of 3)`,
    value: Math.round(KERNEL_USERS / median(wasm)),
    peer: 'the TypeScript four-row loop (setWasmKernels(false)), same thread, alternating runs',
    peerValue: Math.round(KERNEL_USERS / median(loop)),
    lowerIsBetter: false,
    sameDecisions: same / KERNEL_USERS,
  });
}

async function sql(policy: AllocationPolicy, budget: { perUser: number }, report: Report): Promise<void> {
  const X = benchUsers(SQL_USERS, true);
  const scorer = await ParallelScorer.create(policy, { workers: 2 });
  try {
    await scorer.decideBatch(X.subarray(0, 100_000 * policy.d), budget);
    const ours: number[] = [];
    let arms: Int32Array = new Int32Array(0);
    for (let r = 0; r < 3; r++) {
      const t = await time(() => scorer.decideBatch(X, budget));
      ours.push(t.seconds);
      arms = t.result;
    }
    const duck = await duckdbScoring(policy, X, budget, 3);
    let same = 0;
    for (let i = 0; i < SQL_USERS; i++) if (duck.arms[i] === arms[i]) same++;
    report({
      bench: 'policy',
      metric: `users/s scoring ${SQL_USERS} users, ParallelScorer on 2 worker threads (median of 3)`,
      value: Math.round(SQL_USERS / median(ours)),
      peer: 'policy.toSQL run by embedded DuckDB (2 threads) on a table of the same users',
      peerValue: Math.round(SQL_USERS / duck.seconds),
      lowerIsBetter: false,
      sameDecisions: same / SQL_USERS,
      queryChars: duck.queryChars,
      duckdbLoadSeconds: Number(duck.loadSeconds.toFixed(2)),
    });
  } finally {
    await scorer.close();
  }
}
