import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { drpRankingLoss, dualDecisionLoss, maskedSoftmax, roiLoss } from '../../src/baselines/losses.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const num = (t: tf.Tensor) => t.dataSync()[0] as number;

describe('baseline losses', () => {
  it('maskedSoftmax normalizes within the mask only', () => {
    const p = tf.tidy(() =>
      Array.from(maskedSoftmax(tf.tensor1d([0, Math.log(3), 5]), tf.tensor1d([1, 1, 0])).dataSync()),
    );
    expect(p[0]).toBeCloseTo(0.25, 6);
    expect(p[1]).toBeCloseTo(0.75, 6);
    expect(p[2]).toBe(0);
  });

  it('drpRankingLoss is the soft incremental cost over the soft incremental outcome', () => {
    const v = tf.tidy(() => {
      const score = tf.tensor1d([Math.atanh(0.5), 0, 0, 0]);
      const y = tf.tensor1d([1, 0, 0, 0]);
      const c = tf.tensor1d([2, 2, 0, 0]);
      return num(drpRankingLoss(score, y, c, tf.tensor1d([1, 1, 0, 0]), tf.tensor1d([0, 0, 1, 1])));
    });
    const p0 = Math.exp(0.5) / (Math.exp(0.5) + 1);
    expect(v).toBeCloseTo(2 / p0, 4);
    // Ranking the responder higher lowers the loss.
    const worse = tf.tidy(() =>
      num(
        drpRankingLoss(
          tf.tensor1d([0, Math.atanh(0.5), 0, 0]),
          tf.tensor1d([1, 0, 0, 0]),
          tf.tensor1d([2, 2, 0, 0]),
          tf.tensor1d([1, 1, 0, 0]),
          tf.tensor1d([0, 0, 1, 1]),
        ),
      ),
    );
    expect(worse).toBeGreaterThan(v);
  });

  it('roiLoss is minimized at the ratio of the effects', () => {
    // Treated rows: mean response 0.5, cost 2; control: response 0.2, cost 0. tau_y / tau_c = 0.15.
    const y = [1, 0, 1, 0, 0, 1, 0, 0, 0, 0];
    const c = [2, 2, 2, 2, 0, 0, 0, 0, 0, 0];
    const t = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0];
    // Make tau exact: treated responses average 0.5, control 0.2.
    const w = t.map((ti) => (ti === 1 ? 1 / 0.4 : -1 / 0.6));
    const loss = (r: number) =>
      tf.tidy(() => num(roiLoss(tf.fill([10], r) as tf.Tensor1D, tf.tensor1d(y), tf.tensor1d(c), tf.tensor1d(w))));
    const grid = Array.from({ length: 60 }, (_, k) => 0.01 + k * 0.005);
    const best = grid.reduce((a, b) => (loss(b) < loss(a) ? b : a));
    expect(best).toBeCloseTo((0.5 - 1 / 6) / 2, 1);
    expect(loss(0.15)).toBeLessThan(loss(0.05));
    expect(loss(0.15)).toBeLessThan(loss(0.4));
  });

  it('dualDecisionLoss pushes the policy toward the arm with the higher observed gain', () => {
    const grad = tf.tidy(() => {
      const value = tf.variable(tf.zeros([2, 2]));
      const cost = tf.zeros([2, 2]) as tf.Tensor2D;
      const g = tf.grad((v: tf.Tensor) =>
        dualDecisionLoss(
          {
            value: v as tf.Tensor2D,
            cost,
            treatment: tf.tensor2d([0, 1, 1, 0], [2, 2]),
            response: tf.tensor1d([1, 0]),
            observedCost: tf.tensor1d([0, 0]),
            invPropensity: tf.tensor1d([2, 2]),
          },
          [0, 0.5],
          1,
        ),
      )(value);
      const out = Array.from(g.dataSync());
      value.dispose();
      return out;
    });
    // Row 0 received arm 1 and responded: raising arm 1's value lowers the loss.
    expect(grad[1]).toBeLessThan(0);
    expect(grad[0]).toBeGreaterThan(0);
    const withEntropy = tf.tidy(() => {
      const input = {
        value: tf.tensor2d([5, 0], [1, 2]),
        cost: tf.zeros([1, 2]) as tf.Tensor2D,
        treatment: tf.tensor2d([1, 0], [1, 2]),
        response: tf.tensor1d([0]),
        observedCost: tf.tensor1d([0]),
        invPropensity: tf.tensor1d([2]),
      };
      return [num(dualDecisionLoss(input, [0], 1, 0)), num(dualDecisionLoss(input, [0], 1, 0.5))];
    });
    expect(withEntropy[1]).toBeLessThan(withEntropy[0] as number);
  });
});
