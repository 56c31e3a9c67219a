import { ValidationError } from '../core/errors.js';
import { DEFAULT_SEED } from '../core/rng.js';
import { checkNumber, checkOneOf, checkOptionKeys, describe } from '../core/validate.js';
import { ACTIVATIONS, type Activation, type EpochLog } from '../nn/spec.js';

/** How an outcome head is fitted. `auto`: binary cross-entropy when every label is 0 or 1, else MSE. */
export type OutcomeLoss = 'auto' | 'bce' | 'mse' | 'huber';

/** Per-outcome loss settings. */
export interface OutcomeConfig {
  /** @default 'auto' */
  readonly loss?: OutcomeLoss;
  /**
   * Fit log1p(y) (continuous losses only) to tame heavy tails. Predictions are mapped back with expm1, which gives
   * the geometric-type mean rather than the mean: use it for ranking, not for spend. @default false
   */
  readonly log1p?: boolean;
  /** Multiplier of this head's loss in the total. @default 1 */
  readonly weight?: number;
  /** Huber threshold in standardized label units (labels are scaled to unit variance). @default 1 */
  readonly huberDelta?: number;
}

/** Options of {@link RepresentationNet}. All optional. */
export interface RepresentationNetOptions {
  /** Units of the two trunk layers; h(x) is the second one's output. @default [256, 128] */
  hiddenUnits?: readonly [number, number];
  /** Hidden activation. @default 'relu' */
  activation?: Activation;
  /** Loss of the response head. @default { loss: 'auto' } */
  response?: OutcomeConfig;
  /** Loss of the cost head. @default { loss: 'auto' } */
  cost?: OutcomeConfig;
  /**
   * Extra outcomes of the dataset (`data.outcomes`) to add as heads: `true` for all, or a list of names.
   * They shape h(x) (multi-task) and are returned by `predict`. @default false
   */
  extraOutcomes?: boolean | readonly string[];
  /** Loss settings of extra outcomes by name. @default {} */
  outcomeLosses?: Readonly<Record<string, OutcomeConfig>>;
  /** Weight each row by 1 / propensity (normalised to mean 1). @default true */
  ipw?: boolean;
  /** @default 30 */
  epochs?: number;
  /** @default 512 */
  batchSize?: number;
  /** Adam step size. @default 0.001 */
  learningRate?: number;
  /** L2 penalty on weight matrices. @default 0.00001 */
  l2?: number;
  /** Share of training rows held out for early stopping. @default 0.1 */
  validationFraction?: number;
  /** Epochs without validation improvement before stopping (best weights are restored). @default 3 */
  patience?: number;
  /** What `embed` returns: the second trunk layer (`'last'`) or both layers side by side (`'concat'`). @default 'last' */
  embedding?: 'last' | 'concat';
  /** Rows per forward pass in `embed`/`predict` (bounds memory on millions of rows). @default 32768 */
  predictBatchSize?: number;
  /** Plain-layout backward products (faster on wasm, see docs/representation.md). @default true */
  fastGradients?: boolean;
  /**
   * Feature columns holding between 3 and this many distinct integer values are read as codes: besides the
   * standardized value the net gets one indicator input per code. 0 turns this off. @default 12
   */
  codeLevels?: number;
  /**
   * L2 penalty on the difference between each treatment arm's response-head weights and control's (see
   * `TrainOptions.headContrastL2`): a prior that an arm's effect varies little between users, as an S-learner's shared
   * head implies. 0 leaves each arm's head free. @default 0
   */
  upliftL2?: number;
  /** @default 42 */
  seed?: number;
  /** Progress callback after each epoch; return `'stop'` to end training. */
  onEpochEnd?: (log: EpochLog) => unknown;
}

export const defaultRepresentationNetOptions = {
  hiddenUnits: [256, 128] as readonly [number, number],
  activation: 'relu' as Activation,
  response: { loss: 'auto' } as OutcomeConfig,
  cost: { loss: 'auto' } as OutcomeConfig,
  extraOutcomes: false as boolean | readonly string[],
  outcomeLosses: {} as Readonly<Record<string, OutcomeConfig>>,
  ipw: true,
  epochs: 30,
  batchSize: 512,
  learningRate: 0.001,
  l2: 1e-5,
  validationFraction: 0.1,
  patience: 3,
  embedding: 'last' as 'last' | 'concat',
  predictBatchSize: 32_768,
  fastGradients: true,
  codeLevels: 12,
  upliftL2: 0,
  seed: DEFAULT_SEED,
} satisfies Omit<Required<RepresentationNetOptions>, 'onEpochEnd'>;

/** Every key of {@link RepresentationNetOptions}. */
export const representationOptionKeys: readonly string[] = [
  ...Object.keys(defaultRepresentationNetOptions),
  'onEpochEnd',
];

/** The serializable options (no callback). */
export type RepresentationParams = typeof defaultRepresentationNetOptions;

/** Merges with the defaults and validates; throws {@link ValidationError}. */
export function resolveOptions(options: RepresentationNetOptions): RepresentationParams {
  checkOptionKeys(options, representationOptionKeys);
  const { onEpochEnd: _cb, ...rest } = options;
  const o = { ...defaultRepresentationNetOptions, ...rest } as RepresentationParams;
  const hu = o.hiddenUnits;
  if (!Array.isArray(hu) || hu.length !== 2 || !hu.every((u) => Number.isInteger(u) && u > 0)) {
    throw new ValidationError({
      path: ['hiddenUnits'],
      message: `expected two positive integers, got ${describe(hu)}`,
    });
  }
  checkOneOf('activation', o.activation, ACTIVATIONS);
  checkOneOf('embedding', o.embedding, ['last', 'concat']);
  checkNumber('epochs', o.epochs, { min: 1, integer: true });
  checkNumber('batchSize', o.batchSize, { min: 1, integer: true });
  checkNumber('learningRate', o.learningRate, { min: 0 });
  checkNumber('l2', o.l2, { min: 0 });
  checkNumber('validationFraction', o.validationFraction, { min: 0, max: 0.9 });
  checkNumber('patience', o.patience, { min: 1, integer: true });
  checkNumber('predictBatchSize', o.predictBatchSize, { min: 1, integer: true });
  checkNumber('codeLevels', o.codeLevels, { min: 0, max: 1000, integer: true });
  checkNumber('upliftL2', o.upliftL2, { min: 0 });
  checkNumber('seed', o.seed);
  checkOutcome('response', o.response);
  checkOutcome('cost', o.cost);
  for (const [k, v] of Object.entries(o.outcomeLosses)) checkOutcome(`outcomeLosses.${k}`, v);
  const eo = o.extraOutcomes;
  if (typeof eo !== 'boolean' && !(Array.isArray(eo) && eo.every((s) => typeof s === 'string'))) {
    throw new ValidationError({
      path: ['extraOutcomes'],
      message: `expected a boolean or a list of names, got ${describe(eo)}`,
    });
  }
  return o;
}

function checkOutcome(path: string, c: OutcomeConfig): void {
  if (typeof c !== 'object' || c === null) {
    throw new ValidationError({ path: [path], message: `expected an object, got ${describe(c)}` });
  }
  if (c.loss !== undefined) checkOneOf(`${path}.loss`, c.loss, ['auto', 'bce', 'mse', 'huber']);
  if (c.weight !== undefined) checkNumber(`${path}.weight`, c.weight, { min: 0 });
  if (c.huberDelta !== undefined) checkNumber(`${path}.huberDelta`, c.huberDelta, { min: 1e-9 });
  if (c.log1p !== undefined && typeof c.log1p !== 'boolean') {
    throw new ValidationError({ path: [`${path}.log1p`], message: `expected a boolean, got ${describe(c.log1p)}` });
  }
}
