import * as tf from '@tensorflow/tfjs';
import { SerializationError, ValidationError } from '../core/errors.js';
import { DEFAULT_SEED, deriveSeed } from '../core/rng.js';
import { describe } from '../core/validate.js';
import { denseLayer, denseLayerStock } from './dense.js';
import { initWeights } from './init.js';
import { ACTIVATIONS, type Activation, type DenseNetSpec, type NetWeights } from './spec.js';

export type { DenseNetSpec, HeadSpec, NetWeights } from './spec.js';

/** What a forward pass gives: every trunk layer's output and each head's (linear) output. */
export interface NetOutput {
  readonly hidden: readonly tf.Tensor2D[];
  readonly heads: Readonly<Record<string, tf.Tensor2D>>;
}

/** Inverted dropout after every trunk layer: each unit is zeroed with probability `rate`, the rest scaled up. */
export interface DropoutSpec {
  /** Share of trunk units dropped, in [0, 1). 0 is no dropout. */
  readonly rate: number;
  /** Seed of the masks; trunk layer `i` draws its mask from `seed + i`. */
  readonly seed: number;
}

/** Options of {@link DenseNet.apply}. All optional. */
export interface ApplyOptions {
  /** Heads to compute. @default every head */
  readonly heads?: readonly string[];
  /** Dropout after every trunk layer (training, Monte Carlo dropout). @default none */
  readonly dropout?: DropoutSpec;
}

/**
 * One dense layer with its weights copied out of the net: `activation(x · kernel + bias)`, `kernel` row-major
 * `[inSize, outSize]` (tfjs layout). What a forward pass outside tfjs (the serving student) is built from.
 */
export interface DenseLayerWeights {
  /** The layer's name in the net (`trunk0`, `group/hidden0`, `group/out`, ...). */
  readonly name: string;
  readonly inSize: number;
  readonly outSize: number;
  readonly kernel: Float32Array;
  readonly bias: Float32Array;
  readonly activation: Activation;
}

interface Layer {
  readonly name: string;
  readonly w: tf.Variable<tf.Rank.R2>;
  readonly b: tf.Variable<tf.Rank.R1>;
  readonly act: Activation;
}

/**
 * A seeded multi-head dense network built from tfjs variables (no tf.layers model, so no Math.random anywhere):
 * trunk layers shared by all heads, then one stack per head. The building block of RepresentationNet and of the
 * neural baselines (S-learner: one head with one output; TARNet: one head per arm; DRP: a ranking head).
 * Train it with {@link trainNet}; run it on typed arrays with {@link DenseNet.predict}.
 *
 * @example
 * ```ts
 * const net = DenseNet.create({ inputDim: 10, trunk: [64, 32], heads: [{ name: 'y', units: 5 }], seed: 7 });
 * const { heads } = net.predict(features, { heads: ['y'] });
 * net.dispose();
 * ```
 */
export class DenseNet {
  readonly spec: Readonly<Required<DenseNetSpec>>;
  private readonly trunkLayers: Layer[];
  private readonly headLayers: Map<string, Layer[]>;
  private disposed = false;

  private constructor(spec: Required<DenseNetSpec>) {
    this.spec = spec;
    const init = (name: string, fanIn: number, fanOut: number, act: Activation): Layer => {
      // tf.variable shares its initial value's data; dispose the temporaries so nothing leaks.
      const w0 = tf.tensor2d(initWeights(spec.initializer, fanIn, fanOut, deriveSeed(spec.seed, name)), [
        fanIn,
        fanOut,
      ]);
      const b0 = tf.zeros([fanOut]) as tf.Tensor1D;
      const layer: Layer = {
        name,
        act,
        w: tf.variable(w0, true, `${name}/w_${uid()}`),
        b: tf.variable(b0, true, `${name}/b_${uid()}`),
      };
      w0.dispose();
      b0.dispose();
      return layer;
    };
    this.trunkLayers = [];
    let fan = spec.inputDim;
    spec.trunk.forEach((units, i) => {
      this.trunkLayers.push(init(`trunk${i}`, fan, units, spec.activation));
      fan = units;
    });
    this.headLayers = new Map();
    for (const head of spec.heads) {
      const layers: Layer[] = [];
      let f = fan;
      (head.hidden ?? []).forEach((units, i) => {
        layers.push(init(`${head.name}/hidden${i}`, f, units, spec.activation));
        f = units;
      });
      layers.push(init(`${head.name}/out`, f, head.units, 'linear'));
      this.headLayers.set(head.name, layers);
    }
  }

  /** Validates `spec` and builds the variables. Call {@link DenseNet.dispose} when done. */
  static create(spec: DenseNetSpec): DenseNet {
    const full: Required<DenseNetSpec> = {
      activation: 'relu',
      initializer: 'glorotUniform',
      seed: DEFAULT_SEED,
      fastGradients: true,
      ...spec,
    };
    checkSpec(full);
    return new DenseNet(full);
  }

  /** Trainable variables in a fixed order (trunk first, then heads in spec order; weight before bias). */
  get variables(): tf.Variable[] {
    const out: tf.Variable[] = [];
    for (const l of this.allLayers()) out.push(l.w, l.b);
    return out;
  }

  /** The weight matrices only (for L2 penalties). */
  get kernels(): tf.Variable[] {
    return this.allLayers().map((l) => l.w);
  }

  /** The weight matrix of a head's output layer (`fan x units`). */
  headKernel(name: string): tf.Variable {
    const layers = this.headLayers.get(name);
    const last = layers?.[layers.length - 1];
    if (last === undefined) {
      throw new ValidationError({
        path: ['head'],
        message: `no head '${name}'; the heads are ${[...this.headLayers.keys()].join(', ')}`,
      });
    }
    return last.w;
  }

  /**
   * The training forward pass, on a tensor of `n x inputDim`: every trunk layer (then dropout, when asked for), then
   * each requested head's layers. Call inside `tf.tidy` (or dispose the outputs yourself). Its plain-TypeScript
   * counterpart for serving is `layerChain` evaluated by `StudentNet`.
   */
  apply(x: tf.Tensor2D, options: ApplyOptions = {}): NetOutput {
    this.assertAlive();
    const { heads: only, dropout } = options;
    const rate = dropout?.rate ?? 0;
    if (!(rate >= 0 && rate < 1)) {
      throw new ValidationError({
        path: ['dropout', 'rate'],
        message: `expected a rate in [0, 1), got ${describe(rate)}`,
      });
    }
    const layer = this.spec.fastGradients ? denseLayer : denseLayerStock;
    const hidden: tf.Tensor2D[] = [];
    let h = x;
    this.trunkLayers.forEach((l, i) => {
      h = layer(h, l.w, l.b, l.act, i > 0);
      if (rate > 0) {
        const keep = tf.greaterEqual(
          tf.randomUniform(h.shape, 0, 1, 'float32', (dropout as DropoutSpec).seed + i),
          rate,
        );
        h = tf.div(tf.mul(h, tf.cast(keep, 'float32')), 1 - rate) as tf.Tensor2D;
      }
      hidden.push(h);
    });
    const heads: Record<string, tf.Tensor2D> = {};
    for (const [name, layers] of this.headLayers) {
      if (only !== undefined && !only.includes(name)) continue;
      let z = h;
      layers.forEach((l, i) => {
        z = layer(z, l.w, l.b, l.act, hidden.length > 0 || i > 0);
      });
      heads[name] = z;
    }
    return { hidden, heads };
  }

  /**
   * Runs the net on a row-major Float32Array in batches of `batchSize` rows, so millions of rows never sit in
   * tensors at once. Returns the requested heads (row-major `n x units`) and, with `hidden`, the requested trunk
   * layers' outputs (indices into the trunk, e.g. `[1]` for the second layer).
   */
  predict(
    features: Float32Array,
    opts: { heads?: readonly string[]; hidden?: readonly number[]; batchSize?: number } = {},
  ): { heads: Record<string, Float32Array>; hidden: Float32Array[] } {
    this.assertAlive();
    const d = this.spec.inputDim;
    if (!(features instanceof Float32Array) || features.length % d !== 0) {
      throw new ValidationError({
        path: ['features'],
        message: `expected a Float32Array of n x ${d} values, got ${describe(features)}`,
      });
    }
    const n = features.length / d;
    const headNames = opts.heads ?? this.spec.heads.map((h) => h.name);
    const hiddenIdx = opts.hidden ?? [];
    const bs = Math.max(1, Math.floor(opts.batchSize ?? 32_768));
    const heads: Record<string, Float32Array> = {};
    for (const name of headNames) heads[name] = new Float32Array(n * this.headUnits(name));
    const hidden = hiddenIdx.map((i) => new Float32Array(n * this.trunkUnits(i)));
    for (let start = 0; start < n; start += bs) {
      const end = Math.min(n, start + bs);
      tf.tidy(() => {
        const x = tf.tensor2d(features.subarray(start * d, end * d), [end - start, d]);
        const out = this.apply(x, { heads: headNames });
        for (const name of headNames) {
          const units = this.headUnits(name);
          (heads[name] as Float32Array).set((out.heads[name] as tf.Tensor2D).dataSync(), start * units);
        }
        hiddenIdx.forEach((li, k) => {
          (hidden[k] as Float32Array).set((out.hidden[li] as tf.Tensor2D).dataSync(), start * this.trunkUnits(li));
        });
      });
    }
    return { heads, hidden };
  }

  /** Units of a head's output. */
  headUnits(name: string): number {
    const spec = this.spec.heads.find((h) => h.name === name);
    if (spec === undefined) {
      throw new ValidationError({ path: ['head'], message: `no head named ${describe(name)}` });
    }
    return spec.units;
  }

  /** Units of trunk layer `i`. */
  trunkUnits(i: number): number {
    const u = this.spec.trunk[i];
    if (u === undefined) {
      throw new ValidationError({
        path: ['hidden'],
        message: `expected a trunk layer index in 0..${this.spec.trunk.length - 1}, got ${i}`,
      });
    }
    return u;
  }

  /**
   * The layers {@link DenseNet.apply} runs from the input to head `head`'s output (the trunk's, then the head's
   * own), in order, with their weights copied out: the same forward pass, ready to be evaluated without tfjs.
   */
  layerChain(head: string): DenseLayerWeights[] {
    this.assertAlive();
    const own = this.headLayers.get(head);
    if (own === undefined) {
      throw new ValidationError({ path: ['head'], message: `no head named ${describe(head)}` });
    }
    return [...this.trunkLayers, ...own].map((l) => {
      const [inSize, outSize] = l.w.shape;
      return {
        name: l.name,
        inSize,
        outSize,
        kernel: (l.w.dataSync() as Float32Array).slice(),
        bias: (l.b.dataSync() as Float32Array).slice(),
        activation: l.act,
      };
    });
  }

  /** Copies the weights out as plain arrays (for JSON). */
  getWeights(): NetWeights {
    this.assertAlive();
    const vars = this.variables;
    return {
      names: this.allLayers().flatMap((l) => [`${l.name}/w`, `${l.name}/b`]),
      shapes: vars.map((v) => [...v.shape]),
      values: vars.map((v) => Array.from(v.dataSync())),
    };
  }

  /** Copies weights in. Throws {@link SerializationError} when names or sizes do not match this net. */
  setWeights(weights: NetWeights): void {
    this.assertAlive();
    const vars = this.variables;
    const names = this.allLayers().flatMap((l) => [`${l.name}/w`, `${l.name}/b`]);
    if (
      typeof weights !== 'object' ||
      weights === null ||
      !Array.isArray(weights.values) ||
      !Array.isArray(weights.names) ||
      weights.values.length !== vars.length
    ) {
      throw new SerializationError(`expected weights for ${vars.length} variables (${names.join(', ')})`);
    }
    vars.forEach((v, i) => {
      const values = weights.values[i];
      const size = v.shape.reduce((a, b) => a * b, 1);
      if (weights.names[i] !== names[i] || !Array.isArray(values) || values.length !== size) {
        throw new SerializationError(
          `weights[${i}]: expected ${names[i]} with ${size} values, got ${describe(weights.names[i])} with ${describe(values)}`,
        );
      }
      if (!values.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw new SerializationError(`weights[${i}] (${names[i]}): expected finite numbers`);
      }
    });
    tf.tidy(() => {
      vars.forEach((v, i) => {
        v.assign(tf.tensor(weights.values[i] as number[], v.shape));
      });
    });
  }

  /** Snapshot of the weights as typed arrays (cheap, for best-weights restore). */
  snapshot(): Float32Array[] {
    return this.variables.map((v) => (v.dataSync() as Float32Array).slice());
  }

  /** Restores a {@link DenseNet.snapshot}. */
  restore(snap: readonly Float32Array[]): void {
    const vars = this.variables;
    tf.tidy(() => {
      vars.forEach((v, i) => {
        v.assign(tf.tensor(snap[i] as Float32Array, v.shape));
      });
    });
  }

  /** Frees the variables. The net is unusable afterwards. Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    for (const v of this.variables) v.dispose();
    this.disposed = true;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  private allLayers(): Layer[] {
    return [...this.trunkLayers, ...[...this.headLayers.values()].flat()];
  }

  private assertAlive(): void {
    if (this.disposed) throw new ValidationError({ path: ['DenseNet'], message: 'the net was disposed' });
  }
}

let counter = 0;
function uid(): number {
  counter += 1;
  return counter;
}

function checkSpec(s: Required<DenseNetSpec>): void {
  const bad = (path: string, message: string) => new ValidationError({ path: ['DenseNet', path], message });
  const posInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;
  if (!posInt(s.inputDim)) throw bad('inputDim', `expected a positive integer, got ${describe(s.inputDim)}`);
  if (!Array.isArray(s.trunk) || !s.trunk.every(posInt)) {
    throw bad('trunk', `expected an array of positive integers, got ${describe(s.trunk)}`);
  }
  if (!Array.isArray(s.heads) || s.heads.length === 0) {
    throw bad('heads', `expected at least one head, got ${describe(s.heads)}`);
  }
  const seen = new Set<string>();
  for (const h of s.heads) {
    if (typeof h?.name !== 'string' || h.name === '' || seen.has(h.name)) {
      throw bad('heads', `expected distinct non-empty head names, got ${describe(h?.name)}`);
    }
    seen.add(h.name);
    if (!posInt(h.units)) throw bad('heads', `head '${h.name}': expected positive integer units, got ${h.units}`);
    if (h.hidden !== undefined && !(Array.isArray(h.hidden) && h.hidden.every(posInt))) {
      throw bad('heads', `head '${h.name}': expected hidden to be an array of positive integers`);
    }
  }
  if (!ACTIVATIONS.includes(s.activation)) {
    throw bad('activation', `expected one of ${ACTIVATIONS.join(', ')}, got ${describe(s.activation)}`);
  }
  if (!Number.isFinite(s.seed)) throw bad('seed', `expected a finite number, got ${describe(s.seed)}`);
}
