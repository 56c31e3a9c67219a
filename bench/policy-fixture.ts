import { HRCPipeline } from '../src/pipeline/index.js';
import type { AllocationPolicy } from '../src/policy/index.js';
import { simulateCouponTrial } from '../src/sim/index.js';

/** Groups of the benchmark policy: the pipeline's default K at 1,000,000 trial rows and more. */
export const BENCH_K = 32;

/**
 * A real HRC policy for the scoring benchmarks: the pipeline fitted on 12,000 simulated trial rows with short
 * training and a small representation (the serving cost depends on the student's shape, 10 inputs -> 64 ReLU -> 32 groups, not on how well it
 * was trained).
 */
export async function benchPolicy(): Promise<AllocationPolicy> {
  const { train } = simulateCouponTrial({ nTrain: 12_000, nTest: 10, seed: 7 });
  const hrc = await new HRCPipeline({
    seed: 7,
    representation: { epochs: 2, hiddenUnits: [64, 32] },
    clustering: { k: BENCH_K },
    solver: { minCount: 5 },
    distiller: { epochs: 3 },
  }).fit(train);
  const policy = hrc.policy;
  hrc.dispose();
  return policy;
}

/**
 * `n` users' encoded features (row-major, 10 columns) from the coupon-trial simulator: 1,000,000 simulated test users
 * (or fewer) repeated as often as needed. With `shared`, the matrix lives in a SharedArrayBuffer.
 */
export function benchUsers(n: number, shared = false): Float32Array {
  const block = Math.min(n, 1_000_000);
  const { test } = simulateCouponTrial({ nTrain: 10, nTest: block, seed: 8 });
  const d = test.d;
  const x = shared ? new Float32Array(new SharedArrayBuffer(n * d * 4)) : new Float32Array(n * d);
  for (let at = 0; at < n; at += block) x.set(test.features.subarray(0, Math.min(block, n - at) * d), at * d);
  return x;
}

/** A median-balanced budget for the benchmark policy: the middle of its grid. */
export function midBudget(policy: AllocationPolicy): { perUser: number } {
  const b = policy.table.budgets;
  return { perUser: b[b.length >> 1] as number };
}
