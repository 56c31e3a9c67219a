import { availableParallelism } from 'node:os';
import type { RCTDataset } from '../data/dataset.js';
import type { NetJob, NetTrainer } from '../pipeline/trainer.js';
import { RepresentationNet } from '../representation/representation.js';
import type { FitTask } from './fit-worker.js';
import { WorkerPool } from './pool.js';
import { workerScript } from './worker-url.js';

/** The cores this process may use. */
export function availableCores(): number {
  return Math.max(1, availableParallelism());
}

/** The fields of a dataset that RepresentationNet.fit reads (ids and encoding stay here). */
function fitFields(d: RCTDataset): RCTDataset {
  return {
    n: d.n,
    d: d.d,
    features: d.features,
    featureNames: d.featureNames,
    treatment: d.treatment,
    treatmentNames: d.treatmentNames,
    response: d.response,
    cost: d.cost,
    ...(d.propensity !== undefined ? { propensity: d.propensity } : {}),
    ...(d.outcomes !== undefined ? { outcomes: d.outcomes } : {}),
  };
}

/**
 * A {@link NetTrainer} on `workers` worker threads, each with its own tfjs on `backend`: a job's rows are copied to
 * a worker, the network is trained there and comes back as its JSON form (float32 weights, exact), so the network
 * equals one trained in this thread. The workers start at once; `close` stops them.
 */
export function workerNetTrainer(workers: number, backend: string): NetTrainer {
  const pool = new WorkerPool(workerScript('fit-worker'), { backend }, workers, 'training');
  return {
    concurrency: workers,
    async train(job: NetJob): Promise<RepresentationNet> {
      const task: FitTask = { type: 'fit', options: job.options, data: fitFields(job.data) };
      const json = await pool.run<unknown>(task);
      return RepresentationNet.fromJSON(json);
    },
    close: () => pool.close(),
  };
}
