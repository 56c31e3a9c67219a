import * as tf from '@tensorflow/tfjs';
import { type BackendName, useBackend } from '../src/backend/index.js';
import { RepresentationNet } from '../src/representation/index.js';
import { simulateCouponTrial } from '../src/sim/index.js';
import { type Report, time } from './harness.js';

export const name = 'representation';

const ROWS = 20_000;
const EPOCHS = 2;
const BATCH = 512;
const UNITS: [number, number] = [256, 128];

/**
 * RepresentationNet training throughput (rows per second, forward + backward + Adam, 2 epochs of 20,000 simulator
 * rows, default 256-128 trunk, response and cost heads of 5 arms) on the cpu and wasm backends, next to a plain
 * tfjs `model.fit` of the same architecture and batch size (`shuffle: false`, MSE on 10 outputs) in the same run.
 * On wasm, also the same net with tfjs's stock dense gradients (`fastGradients: false`).
 */
export async function run(report: Report): Promise<void> {
  const { train } = simulateCouponTrial({ nTrain: ROWS, nTest: 10, seed: 1 });
  const processed = ROWS * EPOCHS;
  for (const backend of ['wasm', 'cpu'] as BackendName[]) {
    await useBackend(backend);
    const peer = await time(() => plainFit(train.features, train.d));
    const variants = backend === 'wasm' ? [true, false] : [true];
    for (const fastGradients of variants) {
      const ours = await time(async () => {
        const net = await new RepresentationNet({
          hiddenUnits: UNITS,
          epochs: EPOCHS,
          batchSize: BATCH,
          validationFraction: 0,
          fastGradients,
          seed: 1,
        }).fit(train);
        net.dispose();
      });
      report({
        bench: 'representation',
        metric: `training rows/s on ${backend}${fastGradients ? '' : ' (stock gradients)'}`,
        value: Math.round(processed / ours.seconds),
        peer: 'tfjs model.fit (same layers, batch, epochs)',
        peerValue: Math.round(processed / peer.seconds),
        lowerIsBetter: false,
        rows: ROWS,
        epochs: EPOCHS,
        batchSize: BATCH,
      });
    }
  }
  await useBackend('cpu');
}

/** The same trunk and a 10-output head as a tf.layers model trained by model.fit. */
async function plainFit(features: Float32Array, d: number): Promise<void> {
  const n = features.length / d;
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [d], units: UNITS[0], activation: 'relu' }),
      tf.layers.dense({ units: UNITS[1], activation: 'relu' }),
      tf.layers.dense({ units: 10 }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'meanSquaredError' });
  const xs = tf.tensor2d(features, [n, d]);
  const ys = tf.zeros([n, 10]);
  try {
    await model.fit(xs, ys, { epochs: EPOCHS, batchSize: BATCH, shuffle: false, verbose: 0 });
  } finally {
    xs.dispose();
    ys.dispose();
    model.dispose();
  }
}
