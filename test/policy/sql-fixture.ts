import { RNG } from '../../src/core/rng.js';
import type { FeatureEncoding } from '../../src/data/encoding.js';
import { AllocationPolicy, policyMetadata, StudentNet } from '../../src/policy/index.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';
import { type AllocationTable, GroupStats, StochasticBudgetSolver } from '../../src/solver/index.js';

/** Shared by the SQL engine tests (DuckDB, PostgreSQL): a policy with awkward names and users with missing values. */
export const N = 100_000;
export const K = 12;
export const CITIES = ['north, east', "o'hare", 'west "x"', 'back\\slash'];
export const ARMS = ['control', "it's 1", 'coupon "2"', 'c\\3', 'c4'];
export const encoding: FeatureEncoding = {
  columns: [
    { name: 'age', kind: 'numeric', fill: 41.3 },
    { name: 'city', kind: 'categorical', categories: CITIES },
    { name: 'spend', kind: 'numeric' },
    { name: 'visits', kind: 'numeric' },
  ],
};
export const D = 3 + CITIES.length;

/** A two-layer ReLU student with random weights, standardization, over the encoded layout. */
export function student(seed: number): StudentNet {
  const r = new RNG(seed);
  const layer = (inSize: number, outSize: number, activation: 'relu' | 'linear') => ({
    inSize,
    outSize,
    kernel: Float32Array.from({ length: inSize * outSize }, () => r.normal() / Math.sqrt(inSize)),
    bias: Float32Array.from({ length: outSize }, () => 0.1 * r.normal()),
    activation,
  });
  return new StudentNet(
    [layer(D, 24, 'relu'), layer(24, K, 'linear')],
    Float32Array.from([40, 0.25, 0.25, 0.25, 0.25, 50, 3]),
    Float32Array.from([12, 0.43, 0.43, 0.43, 0.43, 30, 0]), // a zero scale is read as 1, as in StudentNet
  );
}

export async function policyWith(table?: AllocationTable): Promise<AllocationPolicy> {
  const { train } = simulateCouponTrial({ nTrain: 6000, nTest: 10, seed: 5 });
  const r = new RNG(9);
  const groups = Int32Array.from({ length: train.n }, () => r.int(K));
  const stats = GroupStats.from(train, { groups, k: K });
  const solved =
    table ??
    (await new StochasticBudgetSolver({ formulation: 'expected' }).solve(stats, {
      budgets: [0.5, 1, 1.5, 2.5],
      armNames: train.treatmentNames,
    }));
  return new AllocationPolicy({
    student: student(3),
    table: solved,
    stats,
    encoding,
    featureNames: ['age', ...CITIES.map((c) => `city=${c}`), 'spend', 'visits'],
    treatmentNames: ARMS,
    metadata: policyMetadata({ method: "x'; DROP TABLE users; --\n" }),
  });
}

export interface User {
  id: number;
  age: number | null;
  city: string | null;
  spend: number;
  visits: number;
}

/** Users with float32-exact numbers (so SQL reads the very values decideBatch does), unknown and missing values. */
export function users(n: number): User[] {
  const r = new RNG(11);
  return Array.from({ length: n }, (_, id) => ({
    id,
    age: r.next() < 0.05 ? null : Math.fround(18 + 50 * r.next()),
    city: r.next() < 0.03 ? null : r.next() < 0.03 ? 'mars' : (CITIES[r.int(CITIES.length)] as string),
    spend: Math.fround(100 * r.next() ** 2),
    visits: Math.round(6 * r.next()),
  }));
}

/** The student's logits in float64, in the order of operations the SQL query uses. */
export function logits64(s: StudentNet, x: Float32Array, at: number): number[] {
  const { mean, invScale, layers } = s.parameters();
  let cur = Array.from(
    { length: D },
    (_, j) => ((x[at + j] as number) - (mean[j] as number)) * (invScale[j] as number),
  );
  for (const l of layers) {
    const next: number[] = [];
    for (let k = 0; k < l.outSize; k++) {
      let v = l.bias[k] as number;
      for (let i = 0; i < l.inSize; i++) v += (l.kernel[i * l.outSize + k] as number) * (cur[i] as number);
      next.push(l.activation === 'relu' && v < 0 ? 0 : v);
    }
    cur = next;
  }
  return cur;
}
