import { RNG } from '../core/rng.js';

/**
 * Weight initializers computed in plain TypeScript from our own seeded {@link RNG}, so the starting weights are the
 * same on every tfjs backend and never depend on tfjs's seed handling (where a seed of 0 means "unseeded").
 */
export type Initializer = 'glorotUniform' | 'heNormal' | 'zeros';

/**
 * A `fanIn x fanOut` weight matrix (row-major) drawn by `kind` from `seed`.
 *
 * - `glorotUniform`: U(-a, a) with a = sqrt(6 / (fanIn + fanOut)), the Keras default for dense layers.
 * - `heNormal`: N(0, 2 / fanIn), suited to deep ReLU stacks.
 * - `zeros`: all zero (biases).
 *
 * @example
 * ```ts
 * const w = initWeights('glorotUniform', 10, 64, deriveSeed(42, 'layer0'));
 * ```
 */
export function initWeights(kind: Initializer, fanIn: number, fanOut: number, seed: number): Float32Array {
  const out = new Float32Array(fanIn * fanOut);
  switch (kind) {
    case 'zeros':
      return out;
    case 'glorotUniform': {
      const rng = new RNG(seed);
      const a = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < out.length; i++) out[i] = (2 * rng.next() - 1) * a;
      return out;
    }
    case 'heNormal': {
      const rng = new RNG(seed);
      const s = Math.sqrt(2 / fanIn);
      for (let i = 0; i < out.length; i++) out[i] = s * rng.normal();
      return out;
    }
    default: {
      const never: never = kind;
      throw new TypeError(`unknown initializer ${String(never)}`);
    }
  }
}
