import { beforeAll, describe, expect, it } from 'vitest';
import { type ReplayDay, replayDay } from '../../bench/online-replay.js';
import { ValidationError } from '../../src/core/errors.js';
import { RNG } from '../../src/core/rng.js';
import { BudgetPacer } from '../../src/online/index.js';
import { AllocationPolicy } from '../../src/policy/index.js';
import { StudentNet } from '../../src/policy/student.js';
import { onlinePolicy } from './fixture.js';

const N = 10_000;
let policy: AllocationPolicy;
let day: ReplayDay;
let total: number;

beforeAll(async () => {
  policy = await onlinePolicy();
  day = replayDay(N, 5, 0.5, 1.2);
  total = (policy.table.budgets[14] as number) * N;
});

/** A student of the serving shape, 10 -> 64 ReLU -> 32, with random weights, bias and standardization. */
function reluStudent(seed: number): StudentNet {
  const r = new RNG(seed);
  const layer = (inSize: number, outSize: number, activation: 'relu' | 'linear') => ({
    inSize,
    outSize,
    kernel: Float32Array.from({ length: inSize * outSize }, () => r.normal() * 0.4),
    bias: Float32Array.from({ length: outSize }, () => r.normal() * 0.2),
    activation,
  });
  return new StudentNet(
    [layer(10, 64, 'relu'), layer(64, 29, 'relu'), layer(29, 32, 'linear')],
    Float32Array.from({ length: 10 }, () => r.normal()),
    Float32Array.from({ length: 10 }, () => 0.5 + r.next()),
  );
}

describe("StudentNet's one-row pass (the pacer's per-user path)", () => {
  it('gives the logits of the plain full loop and the groups of the four-row pass (ReLU layers, widths not a multiple of 8)', () => {
    const student = reluStudent(11);
    const { mean, invScale, layers } = student.parameters();
    const r = new RNG(12);
    const X = Float32Array.from({ length: N * 10 }, () => r.normal() * 2);
    // Four rows at a time (argmaxBatch below 64 rows runs the plain four-row pass).
    const blocks = new Int32Array(N);
    for (let i = 0; i < N; i += 32) student.argmaxBatch(X, blocks.subarray(i, i + 32), i, Math.min(32, N - i));
    const out = new Float32Array(student.outputSize);
    const seen = new Set<number>();
    for (let i = 0; i < N; i++) {
      // Reference: every input of every layer, each sum from the bias in input order, in float64.
      let z = Array.from(
        { length: 10 },
        (_, j) => ((X[i * 10 + j] as number) - (mean[j] as number)) * (invScale[j] as number),
      );
      for (const l of layers) {
        const next: number[] = [];
        for (let k = 0; k < l.outSize; k++) {
          let s = l.bias[k] as number;
          for (let j = 0; j < l.inSize; j++) s += (z[j] as number) * (l.kernel[j * l.outSize + k] as number);
          next.push(l.activation === 'relu' && s < 0 ? 0 : s);
        }
        z = next;
      }
      expect(Array.from(student.logits(X, i * 10, out))).toEqual(Array.from(Float32Array.from(z)));
      const g = student.argmax(X, i * 10);
      expect(g).toBe(blocks[i]);
      seen.add(g);
    }
    // The rows spread over many groups, so the comparison is not trivially on one.
    expect(seen.size).toBeGreaterThan(10);
  });
});

describe('BudgetPacer.decideMany', () => {
  it('gives the arms, state and last log record of per-user decide on 10,000 users', () => {
    const opts = {
      policy,
      budget: { total },
      arrivals: N,
      interval: 250,
      holdout: { share: 0.1, mode: 'uniform' as const },
      caps: { coupon_4: 300 },
    };
    const a = new BudgetPacer(opts);
    const b = new BudgetPacer(opts);
    const ids = Array.from({ length: N }, (_, i) => `user-${i}`);
    const one = new Int32Array(N);
    for (let i = 0; i < N; i++) one[i] = a.decide(day.features.subarray(i * day.d, (i + 1) * day.d), ids[i]);
    const many = b.decideMany(day.features.subarray(0, N * day.d), undefined, ids);
    expect(Array.from(many)).toEqual(Array.from(one));
    expect(b.status()).toEqual(a.status());
    expect(b.lastDecision()).toEqual(a.lastDecision());
    expect(a.status().armCounts[4]).toBe(300);
    // Without ids the sequence numbers key the hashes, as in decide without an id.
    const c = new BudgetPacer(opts);
    const d = new BudgetPacer(opts);
    const out = new Int32Array(2000);
    c.decideMany(day.features.subarray(0, 2000 * day.d), out);
    for (let i = 0; i < 2000; i++) expect(d.decide(day.features.subarray(i * day.d, (i + 1) * day.d))).toBe(out[i]);
  });

  it('names the argument on bad input', () => {
    const p = new BudgetPacer({ policy, budget: { total }, arrivals: N });
    expect(() => p.decideMany(new Float32Array(day.d + 1))).toThrow(/X: expected a Float32Array/);
    expect(() => p.decideMany(day.features.subarray(0, 4 * day.d), new Int32Array(3))).toThrow(/out: expected room/);
    expect(() => p.decideMany(day.features.subarray(0, 4 * day.d), undefined, [1, 2])).toThrow(/ids: expected 4/);
  });
});

describe('BudgetPacer on a policy without GroupStats', () => {
  it('refuses a slim policy with a ValidationError that names the reason and the fix', () => {
    const slim = policy.withoutStats();
    const make = () => new BudgetPacer({ policy: slim, budget: { total }, arrivals: N });
    expect(make).toThrow(ValidationError);
    expect(make).toThrow(/policy\.stats: .*--slim.*\(group, arm\) cost/);
    const reloaded = AllocationPolicy.fromJSON(JSON.parse(JSON.stringify(slim.toJSON())));
    expect(() => new BudgetPacer({ policy: reloaded, budget: { total }, arrivals: N })).toThrow(/--slim/);
  });
});
