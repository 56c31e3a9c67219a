import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { maskedRowLoss, weightedMean } from '../../src/nn/index.js';

describe('masked losses', () => {
  const logits = [
    [0.5, -1, 2],
    [1.5, 0.2, -0.3],
  ];
  const labels = [1, 0];
  const arms = [2, 0];
  const oneHot = arms.map((a) => [0, 1, 2].map((j) => (j === a ? 1 : 0)));
  const run = (kind: 'bce' | 'mse' | 'huber', opts = {}) =>
    tf.tidy(() =>
      Array.from(maskedRowLoss(kind, tf.tensor2d(logits), tf.tensor1d(labels), tf.tensor2d(oneHot), opts).dataSync()),
    );
  const factual = arms.map((a, i) => logits[i]?.[a] as number);

  it('reads only the factual arm of each row', () => {
    const bce = run('bce');
    factual.forEach((z, i) => {
      const y = labels[i] as number;
      const expected = Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
      expect(bce[i]).toBeCloseTo(expected, 5);
    });
    const mse = run('mse');
    factual.forEach((z, i) => {
      expect(mse[i]).toBeCloseTo((z - (labels[i] as number)) ** 2, 5);
    });
  });

  it('is quadratic inside the Huber threshold and linear outside, and applies log1p to labels', () => {
    const h = run('huber', { huberDelta: 1 });
    // Row 0: |2 - 1| = 1 (at the threshold): 0.5; row 1: |1.5 - 0| = 1.5: 1 * (1.5 - 0.5) = 1.
    expect(h[0]).toBeCloseTo(0.5, 5);
    expect(h[1]).toBeCloseTo(1, 5);
    const l = run('mse', { log1p: true });
    expect(l[0]).toBeCloseTo((2 - Math.log(2)) ** 2, 5);
  });

  it('weights rows: sum(w * l) / sum(w)', () => {
    const v = tf.tidy(() => weightedMean(tf.tensor1d([1, 2, 4]), tf.tensor1d([3, 1, 0])).dataSync()[0] as number);
    expect(v).toBeCloseTo((3 * 1 + 1 * 2) / 4, 6);
  });
});
