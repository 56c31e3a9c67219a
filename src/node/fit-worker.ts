/**
 * Worker thread of the cross-fitted training (`fitWorkers` of HRCPipeline): trains one RepresentationNet per task on
 * the backend it was started with and sends back the network's JSON form. Started by `workerNetTrainer`; not meant
 * to be imported.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type BackendName, useBackend } from '../backend/index.js';
import type { RCTDataset } from '../data/dataset.js';
import type { RepresentationNetOptions } from '../representation/options.js';
import { RepresentationNet } from '../representation/representation.js';
import { serializeError } from './pool.js';

/** Trains one network on the rows sent. */
export interface FitTask {
  type: 'fit';
  options: RepresentationNetOptions;
  data: RCTDataset;
}

const { backend } = workerData as { backend: string };
const ready = useBackend(backend as BackendName);
// A backend that fails to start fails each task with its typed error (awaited in trainOne), not the thread.
ready.catch(() => undefined);
// One task at a time: tfjs's engine state (scopes, the training loop) belongs to one network at a time.
let queue: Promise<void> = Promise.resolve();

async function trainOne(task: FitTask): Promise<unknown> {
  await ready;
  const net = new RepresentationNet(task.options);
  try {
    await net.fit(task.data);
    return net.toJSON();
  } finally {
    net.dispose();
  }
}

parentPort?.on('message', (msg: { id: number; task: FitTask }) => {
  queue = queue.then(async () => {
    try {
      parentPort?.postMessage({ id: msg.id, ok: true, result: await trainOne(msg.task) });
    } catch (e) {
      parentPort?.postMessage({ id: msg.id, ok: false, error: serializeError(e) });
    }
  });
});
