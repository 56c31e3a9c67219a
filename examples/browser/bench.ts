// Training and scoring speed of the tfjs backend in use, the same code in a page (bench.html) and under Node
// (npx tsx examples/browser/bench-node.ts). Figures are in docs/backends.md.
import * as tf from '@tensorflow/tfjs';
import { type AllocationPolicy, HRCPipeline, matrix, RepresentationNet, simulateCouponTrial } from '../../src/index.js';

/** One backend's figures. */
export interface BenchResult {
  backend: string;
  /** RepresentationNet training, rows x epochs per second (nTrain rows, fixed epochs, no early stop). */
  trainRowsPerSecond: Record<string, number>;
  /** RepresentationNet forward pass (embed), rows per second. */
  embedRowsPerSecond: Record<string, number>;
  /** The distilled AllocationPolicy's decideBatch (plain TypeScript, no tfjs), rows per second. */
  decideRowsPerSecond: number;
  /** The whole demo pipeline (examples/browser/run.ts sizes), seconds. */
  pipelineSeconds: number;
  /** For wasm: whether tfjs found SIMD and threads (threads need a cross-origin-isolated page or Node). */
  wasmFeatures?: { simd: boolean; threads: boolean };
}

/** Options of {@link runBench}. */
export interface BenchOptions {
  nTrain?: number;
  nScore?: number;
  epochs?: number;
  /** Repetitions of each timing; the median is reported. */
  repeats?: number;
}

const SIZES: Record<string, readonly [number, number]> = { small: [64, 32], default: [256, 128] };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function time(repeats: number, f: () => unknown): Promise<number> {
  await f(); // warm-up: kernel compilation (shaders on webgl), wasm instantiation
  const ts: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t = performance.now();
    await f();
    ts.push((performance.now() - t) / 1000);
  }
  return median(ts);
}

/** Measures the backend in use (call useBackend first). */
export async function runBench(backend: string, options: BenchOptions = {}): Promise<BenchResult> {
  const { nTrain = 4000, nScore = 20_000, epochs = 3, repeats = 3 } = options;
  const { train, test } = simulateCouponTrial({ nTrain, nTest: nScore, seed: 3 });
  const x = matrix(test.features, test.d, 'features');
  const trainRowsPerSecond: Record<string, number> = {};
  const embedRowsPerSecond: Record<string, number> = {};
  for (const [name, hiddenUnits] of Object.entries(SIZES)) {
    const net = new RepresentationNet({ hiddenUnits, epochs, patience: epochs + 1, validationFraction: 0.1, seed: 1 });
    try {
      const fit = await time(repeats, () => net.fit(train));
      trainRowsPerSecond[name] = (nTrain * 0.9 * epochs) / fit;
      const embed = await time(repeats, () => net.embed(x));
      embedRowsPerSecond[name] = nScore / embed;
    } finally {
      net.dispose();
    }
  }
  let t = performance.now();
  const pipeline = await new HRCPipeline({
    seed: 7,
    representation: { hiddenUnits: [64, 32], epochs: 12, batchSize: 256, patience: 4 },
    distiller: { hidden: [32], epochs: 20 },
    stats: { replicates: 50 },
  }).fit(train);
  const pipelineSeconds = (performance.now() - t) / 1000;
  const policy: AllocationPolicy = pipeline.policy;
  pipeline.dispose();
  const out = new Int32Array(nScore);
  t = await time(repeats, () => policy.decideBatch(test.features, { perUser: 0.2 }, out));
  const wasmFeatures =
    backend === 'wasm'
      ? {
          simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
          threads: Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')),
        }
      : undefined;
  return {
    backend,
    trainRowsPerSecond,
    embedRowsPerSecond,
    decideRowsPerSecond: nScore / t,
    pipelineSeconds,
    ...(wasmFeatures !== undefined ? { wasmFeatures } : {}),
  };
}
