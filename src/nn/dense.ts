import * as tf from '@tensorflow/tfjs';
import type { Activation } from './spec.js';

export type { Activation } from './spec.js';
export { ACTIVATIONS } from './spec.js';

/** Applies an activation to a tensor. */
export function activate(z: tf.Tensor2D, act: Activation): tf.Tensor2D {
  switch (act) {
    case 'relu':
      return tf.relu(z);
    case 'elu':
      return tf.elu(z);
    case 'tanh':
      return tf.tanh(z);
    case 'sigmoid':
      return tf.sigmoid(z);
    case 'linear':
      return z;
    default: {
      const never: never = act;
      throw new TypeError(`unknown activation ${String(never)}`);
    }
  }
}

/** d(act)/dz expressed through the activation's output y (all five allow that). */
function activationGrad(dy: tf.Tensor2D, y: tf.Tensor2D, act: Activation): tf.Tensor2D {
  switch (act) {
    case 'relu':
      return tf.mul(dy, tf.step(y));
    case 'elu':
      // y > 0: 1; else exp(z) = y + 1.
      return tf.mul(dy, tf.where(tf.greater(y, 0), tf.onesLike(y), tf.add(y, 1)));
    case 'tanh':
      return tf.mul(dy, tf.sub(1, tf.square(y)));
    case 'sigmoid':
      return tf.mul(dy, tf.mul(y, tf.sub(1, y)));
    case 'linear':
      return dy;
    default: {
      const never: never = act;
      throw new TypeError(`unknown activation ${String(never)}`);
    }
  }
}

/**
 * `act(x W + b)` as one op whose gradient uses only plain-layout matrix products: the transposes of `x` and `W` are
 * materialised explicitly instead of being folded into `matMul(..., transposeA/B)`. On tfjs-wasm a transposed
 * product is several times slower than a plain one (its XNNPACK path repacks the operand on every call), and the
 * stock dense-layer gradient uses two of them per layer; see docs/representation.md for the measured effect.
 * On the cpu backend the two forms cost about the same. With `inputGrad = false` (a first layer fed with data) the
 * gradient with respect to `x` is not computed.
 */
export function denseLayer(
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
  act: Activation,
  inputGrad = true,
): tf.Tensor2D {
  // tfjs types the custom-gradient function's arguments as one variadic union; this is that boundary.
  const op = tf.customGrad(((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor, save: tf.GradSaveFunc) => {
    const x2 = xi as tf.Tensor2D;
    const w2 = wi as tf.Tensor2D;
    const y = activate(tf.add(tf.matMul(x2, w2), bi) as tf.Tensor2D, act);
    save([x2, w2, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws, ys] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const dz = activationGrad(dy as tf.Tensor2D, ys, act);
        // The first layer's input is data: skip its gradient product.
        const dx = inputGrad ? tf.matMul(dz, tf.transpose(ws)) : tf.zerosLike(xs);
        const dw = tf.matMul(tf.transpose(xs), dz);
        const db = tf.sum(dz, 0);
        return [dx, dw, db];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x, w, b) as tf.Tensor2D;
}

/** The same layer with tfjs's stock ops and gradients (transposed products in the backward pass). */
export function denseLayerStock(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, act: Activation): tf.Tensor2D {
  return activate(tf.add(tf.matMul(x, w), b), act);
}
