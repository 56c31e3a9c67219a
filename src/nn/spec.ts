import type { Initializer } from './init.js';

// The network's shapes, activations, loss kinds and weights as plain data: no tfjs types, so the declarations of
// the components built on the network (RepresentationNet, the baselines) stay free of tfjs.

/** Activation of a dense layer. `linear` is the identity (used by output heads). */
export type Activation = 'relu' | 'elu' | 'tanh' | 'sigmoid' | 'linear';

/** The activations a `DenseNet` accepts, for validation messages. */
export const ACTIVATIONS: readonly Activation[] = ['relu', 'elu', 'tanh', 'sigmoid', 'linear'];

/** One output head: optional hidden layers of its own, then `units` linear outputs (e.g. one per arm). */
export interface HeadSpec {
  readonly name: string;
  readonly units: number;
  /** Hidden layers of the head (units each), between the trunk and the output. @default [] */
  readonly hidden?: readonly number[];
}

/** The shape of a `DenseNet`: a shared trunk of dense layers, then named heads. */
export interface DenseNetSpec {
  readonly inputDim: number;
  /** Units of each trunk layer; `[]` gives heads fed by the input directly. */
  readonly trunk: readonly number[];
  readonly heads: readonly HeadSpec[];
  /** Activation of every hidden layer (heads' outputs are linear). @default 'relu' */
  readonly activation?: Activation;
  /** Initializer of hidden and output weights; biases start at zero. @default 'glorotUniform' */
  readonly initializer?: Initializer;
  /** Seed of the initial weights; each layer gets `deriveSeed(seed, layerName)`. @default 42 */
  readonly seed?: number;
  /**
   * Use `denseLayer` (plain-layout products in the backward pass, faster on wasm) rather than tfjs's stock
   * gradients. Both give the same numbers up to float rounding. @default true
   */
  readonly fastGradients?: boolean;
}

/** Weights as plain arrays, JSON-ready: one entry per variable, in the net's fixed order. */
export interface NetWeights {
  readonly names: readonly string[];
  readonly shapes: readonly (readonly number[])[];
  readonly values: readonly (readonly number[])[];
}

/** Elementwise loss of one head. `bce` reads the head's outputs as logits. */
export type LossKind = 'bce' | 'mse' | 'huber';

/** The loss kinds, for validation messages. */
export const LOSS_KINDS: readonly LossKind[] = ['bce', 'mse', 'huber'];

/** One epoch's figures, passed to `trainNet`'s `onEpochEnd` and kept in the history. */
export interface EpochLog {
  readonly epoch: number;
  /** Mean training loss over the epoch's batches (row-weighted). */
  readonly loss: number;
  /** Validation loss after the epoch, when there is a validation set. */
  readonly valLoss?: number;
  readonly seconds: number;
  /** Training rows processed per second in this epoch (forward + backward + update). */
  readonly rowsPerSecond: number;
}
