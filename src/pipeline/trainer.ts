import { ValidationError } from '../core/errors.js';
import { isNode } from '../core/runtime.js';
import type { RCTDataset } from '../data/dataset.js';
import type { RepresentationNetOptions } from '../representation/options.js';
import { RepresentationNet } from '../representation/representation.js';

/** One representation network to train: its options (seed included) and the trial rows to fit. */
export interface NetJob {
  readonly options: RepresentationNetOptions;
  readonly data: RCTDataset;
}

/**
 * Trains the representation networks of {@link crossFitNets}: in this thread ({@link inProcessTrainer}) or on
 * worker threads (`fitWorkers` of {@link HRCPipelineOptions}, Node only). A network's weights depend only on its
 * job (options, seed and rows), never on where or alongside what it was trained, so every trainer gives the same
 * networks.
 */
export interface NetTrainer {
  /** How many networks it trains at once. */
  readonly concurrency: number;
  /** Trains one network; the caller owns (and disposes) it. */
  train(job: NetJob): Promise<RepresentationNet>;
  /** Frees the trainer's resources (worker threads). */
  close(): Promise<void>;
}

/** Trains one network at a time in this thread. */
export const inProcessTrainer: NetTrainer = {
  concurrency: 1,
  async train(job: NetJob): Promise<RepresentationNet> {
    const net = new RepresentationNet(job.options);
    try {
      await net.fit(job.data);
    } catch (e) {
      net.dispose();
      throw e;
    }
    return net;
  },
  async close(): Promise<void> {},
};

/**
 * Fewest training rows at which `fitWorkers: 'auto'` trains on worker threads: below it, starting the workers (each
 * loads tfjs and its backend, about a second) costs more than the parallel training saves.
 */
export const AUTO_FIT_WORKERS_MIN_ROWS = 20_000;

/** The tfjs backends whose networks train the same on a worker thread as here (pure JavaScript or WebAssembly). */
const WORKER_BACKENDS: readonly string[] = ['cpu', 'wasm'];

/** The Node-only worker trainer module, loaded on demand so that browser bundles never include it. */
async function loadWorkerTrainer(): Promise<typeof import('../node/fit-pool.js')> {
  // The specifier is computed so that bundlers leave it alone; the module is only loaded under Node.
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const url = new URL(['..', 'node', `fit-pool${ext}`].join('/'), import.meta.url).href;
  return (await import(/* @vite-ignore */ url)) as typeof import('../node/fit-pool.js');
}

/**
 * The trainer for `fitWorkers` (see {@link HRCPipelineOptions.fitWorkers}). `'auto'`: worker threads under Node with
 * the `cpu` or `wasm` backend, at least {@link AUTO_FIT_WORKERS_MIN_ROWS} rows, no `onEpochEnd` callback and more
 * than one core, as many as the cores and at most `maxJobs`; else in this thread. A number asks for that many
 * workers (1: this thread) and throws a {@link ValidationError} where workers cannot run.
 *
 * @param maxJobs the most networks the fit ever trains at once
 */
export async function resolveNetTrainer(
  fitWorkers: number | 'auto',
  ctx: { rows: number; maxJobs: number; backend: string; options: RepresentationNetOptions },
): Promise<NetTrainer> {
  if (fitWorkers === 1 || ctx.maxJobs < 2) return inProcessTrainer;
  if (fitWorkers === 'auto') {
    if (
      !isNode() ||
      ctx.rows < AUTO_FIT_WORKERS_MIN_ROWS ||
      !WORKER_BACKENDS.includes(ctx.backend) ||
      ctx.options.onEpochEnd !== undefined
    )
      return inProcessTrainer;
    const mod = await loadWorkerTrainer();
    const workers = Math.min(mod.availableCores(), ctx.maxJobs);
    return workers < 2 ? inProcessTrainer : mod.workerNetTrainer(workers, ctx.backend);
  }
  if (!isNode()) {
    throw new ValidationError({
      path: ['fitWorkers'],
      message: `expected 1 or 'auto' outside Node (worker threads need Node), got ${fitWorkers}`,
    });
  }
  if (ctx.options.onEpochEnd !== undefined) {
    throw new ValidationError({
      path: ['fitWorkers'],
      message: `expected 1 or 'auto' with representation.onEpochEnd (a callback cannot run on a worker thread), got ${fitWorkers}`,
    });
  }
  const mod = await loadWorkerTrainer();
  return mod.workerNetTrainer(Math.min(fitWorkers, ctx.maxJobs), ctx.backend);
}

/** Checks a `fitWorkers` option: `'auto'` or a positive integer. */
export function checkFitWorkers(value: unknown): void {
  if (value === undefined || value === 'auto') return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ValidationError({
      path: ['fitWorkers'],
      message: `expected 'auto' or a positive integer, got ${JSON.stringify(value)}`,
    });
  }
}
