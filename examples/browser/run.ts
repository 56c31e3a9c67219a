// The in-page demo, without DOM code so that the browser test can run exactly the same thing under Node.
import {
  HRCPipeline,
  type HRCPipelineOptions,
  matrix,
  oracleAssign,
  type PipelineStage,
  paperHRCOptions,
  simulateCouponTrial,
  trueValue,
} from '../../src/index.js';

/** Options of {@link runDemo}: small sizes so that the whole pipeline runs in seconds in a page. */
export interface DemoOptions {
  /** Rows of the simulated trial the pipeline is fitted on. @default 4000 */
  nTrain?: number;
  /** Test users the decisions and the true values are computed on. @default 2000 */
  nTest?: number;
  /** Seed of the simulator and of the pipeline. @default 7 */
  seed?: number;
  /** Training epochs of the RepresentationNet. @default 12 */
  epochs?: number;
  /** Per-user budgets whose decisions are reported. @default [0.1, 0.2, 0.4] */
  decisionBudgets?: readonly number[];
  /** Called at the start of each pipeline stage. */
  onStage?: (stage: PipelineStage) => void;
}

export const defaultDemoOptions = {
  nTrain: 4000,
  nTest: 2000,
  seed: 7,
  epochs: 12,
  decisionBudgets: [0.1, 0.2, 0.4] as readonly number[],
};

/** One point of the value-vs-budget curves (true values on the simulator's test users). */
export interface CurvePoint {
  budget: number;
  /** True incremental response per user of the HRC policy, and its true cost per user. */
  hrc: number;
  hrcCost: number;
  /** The oracle's (best possible) incremental response per user at the same budget. */
  oracle: number;
}

/** What {@link runDemo} returns (plain data, JSON-safe, so that the page can hand it to a test). */
export interface DemoResult {
  backend: string;
  options: { nTrain: number; nTest: number; seed: number; epochs: number };
  groups: number;
  treatmentNames: string[];
  curve: CurvePoint[];
  /** Arm of every test user at each of `decisionBudgets`. */
  decisions: { budget: number; arms: number[]; value: number; cost: number; oracle: number }[];
  /** Features of the first test users (for showing decisions). */
  sampleFeatures: number[][];
  featureNames: string[];
  seconds: { fit: number; embed: number; decide: number };
  /** The fitted policy's JSON (the same format as the CLI's policy.json). */
  policy: unknown;
}

/**
 * Pipeline options of the demo: a narrow network and few epochs so that it finishes in seconds. The demo runs the
 * paper's single-network design (`paperHRCOptions`): it exists to show the same pipeline giving the same decisions
 * on every backend, and the default design's four cross-fitted networks put near-tied groups side by side in the
 * uplift space, whose choice at a tight budget flips under WebGL's float32 summation order on a trial this small
 * (measured on 4,000 rows: 33% of users with the same arm at budget 0.1, though 100% at 0.2).
 */
export function demoPipelineOptions(seed: number, epochs: number): HRCPipelineOptions {
  return {
    ...paperHRCOptions,
    seed,
    representation: { hiddenUnits: [64, 32], epochs, batchSize: 256, patience: 4 },
    distiller: { hidden: [32], epochs: 20 },
    stats: { replicates: 50 },
  };
}

/** Fits HRC on a simulated coupon trial and scores its test users on the tfjs backend in use. */
export async function runDemo(backend: string, options: DemoOptions = {}): Promise<DemoResult> {
  const o = { ...defaultDemoOptions, ...options };
  const { train, test, truth } = simulateCouponTrial({ nTrain: o.nTrain, nTest: o.nTest, seed: o.seed });
  const pipeline = new HRCPipeline({
    ...demoPipelineOptions(o.seed, o.epochs),
    onProgress: (e) => o.onStage?.(e.stage),
  });
  try {
    let t = performance.now();
    await pipeline.fit(train);
    const fit = (performance.now() - t) / 1000;
    const net = pipeline.representation;
    const x = matrix(test.features, test.d, 'features');
    t = performance.now();
    net?.embed(x);
    const embed = (performance.now() - t) / 1000;
    const policy = pipeline.policy;
    t = performance.now();
    policy.decideBatch(test.features, { perUser: o.decisionBudgets[0] ?? 0.1 });
    const decide = (performance.now() - t) / 1000;
    const curve: CurvePoint[] = [];
    for (const budget of policy.table.budgets) {
      const v = trueValue(truth, await pipeline.assign(test.features, { perUser: budget }));
      const best = trueValue(truth, oracleAssign(truth, { perUser: budget }));
      curve.push({ budget, hrc: v.incrementalResponse, hrcCost: v.cost, oracle: best.incrementalResponse });
    }
    const decisions = [];
    for (const budget of o.decisionBudgets) {
      const arms = await pipeline.assign(test.features, { perUser: budget });
      const v = trueValue(truth, arms);
      const oracle = trueValue(truth, oracleAssign(truth, { perUser: budget })).incrementalResponse;
      decisions.push({ budget, arms: Array.from(arms), value: v.incrementalResponse, cost: v.cost, oracle });
    }
    const d = test.d;
    return {
      backend,
      options: { nTrain: o.nTrain, nTest: o.nTest, seed: o.seed, epochs: o.epochs },
      groups: policy.table.k,
      treatmentNames: [...policy.treatmentNames],
      curve,
      decisions,
      sampleFeatures: Array.from({ length: 6 }, (_, i) => Array.from(test.features.subarray(i * d, (i + 1) * d))),
      featureNames: [...test.featureNames],
      seconds: { fit, embed, decide },
      policy: policy.toJSON(),
    };
  } finally {
    pipeline.dispose();
  }
}
