import { RNG } from '../../src/core/rng.js';
import type { Budget, BudgetAllocator } from '../../src/core/types.js';
import { budgetTotal } from '../../src/core/types.js';
import type { RCTDataset } from '../../src/data/dataset.js';

/** Mean observed cost of each arm in a trial. */
function armMeanCosts(data: RCTDataset): number[] {
  const m = data.treatmentNames.length;
  const sum = new Array<number>(m).fill(0);
  const cnt = new Array<number>(m).fill(0);
  for (let i = 0; i < data.n; i++) {
    const t = data.treatment[i] as number;
    sum[t] = (sum[t] as number) + (data.cost[i] as number);
    cnt[t] = (cnt[t] as number) + 1;
  }
  return sum.map((s, j) => s / Math.max(1, cnt[j] as number));
}

/**
 * Test fixture: gives one treatment arm to as many users as the budget pays for (by the arm's mean cost in the
 * training data, times `costBias`; below 1 it underestimates cost and overspends): the first rows, so that the users
 * it treats are a random sample and it spends what it plans when `costBias` is 1.
 */
export class UniformArmFixture implements BudgetAllocator {
  readonly name: string;
  private unitCost: number | undefined;

  constructor(
    private readonly arm: number,
    private readonly costBias = 1,
    name?: string,
  ) {
    this.name = name ?? `uniform-${arm}`;
  }

  async fit(train: RCTDataset): Promise<this> {
    this.unitCost = (armMeanCosts(train)[this.arm] as number) * this.costBias;
    this.d = train.d;
    return this;
  }

  private d = 1;

  async assign(features: Float32Array, budget: Budget): Promise<Int32Array> {
    if (this.unitCost === undefined) throw new Error('not fitted');
    const n = features.length / this.d;
    const share = Math.min(1, budgetTotal(budget, n) / n / this.unitCost);
    const out = new Int32Array(n);
    const k = Math.floor(share * n);
    for (let r = 0; r < k; r++) out[r] = this.arm;
    return out;
  }

  toJSON(): unknown {
    return { kind: 'UniformArmFixture', arm: this.arm, unitCost: this.unitCost };
  }

  dispose(): void {}
}

/** Test fixture: a seeded random allocator: each user gets a random arm with a probability the budget pays for. */
export class RandomFixture implements BudgetAllocator {
  readonly name = 'random';
  private costs: number[] = [];
  private d = 1;

  constructor(private readonly seed: number) {}

  async fit(train: RCTDataset): Promise<this> {
    this.costs = armMeanCosts(train);
    this.d = train.d;
    return this;
  }

  async assign(features: Float32Array, budget: Budget): Promise<Int32Array> {
    const n = features.length / this.d;
    const m = this.costs.length;
    const meanTreated = this.costs.slice(1).reduce((a, b) => a + b, 0) / (m - 1);
    const p = Math.min(1, budgetTotal(budget, n) / n / meanTreated);
    const rng = new RNG(this.seed);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) if (rng.next() < p) out[i] = 1 + rng.int(m - 1);
    return out;
  }

  toJSON(): unknown {
    return { kind: 'RandomFixture', seed: this.seed, costs: this.costs };
  }

  dispose(): void {}
}
