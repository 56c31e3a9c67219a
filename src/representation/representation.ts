import * as v from 'valibot';
import { readEnvelope } from '../core/envelope.js';
import { NotFittedError, SerializationError, ValidationError } from '../core/errors.js';
import { checkMatrix } from '../core/matrix.js';
import { deriveSeed } from '../core/rng.js';
import type { Matrix } from '../core/types.js';
import { describe } from '../core/validate.js';
import type { RCTDataset } from '../data/dataset.js';
import { headLosses } from '../nn/losses.js';
import { DenseNet } from '../nn/net.js';
import type { EpochLog, NetWeights } from '../nn/spec.js';
import { applyStandardizer, checkStandardizer, fitStandardizer, type StandardizerState } from '../nn/standardize.js';
import { trainNet } from '../nn/train.js';
import { name, size } from '../solver/schema.js';
import { type CodeColumn, checkCodeColumns, detectCodeColumns, expandCodes, expandedWidth } from './codes.js';
import { type RepresentationNetOptions, type RepresentationParams, resolveOptions } from './options.js';
import { checkTarget, decodeTarget, encodeTarget, fitTarget, type TargetTransform } from './targets.js';
import { checkTrainingData, ipwWeights } from './validate.js';

/** Per-arm predictions: row-major `n x m` (arm 0 = control), on the outcomes' own scales. */
export interface ArmPredictions {
  readonly response: Float32Array;
  readonly cost: Float32Array;
  /** Extra outcomes fitted as heads, by name. */
  readonly outcomes: Readonly<Record<string, Float32Array>>;
}

/** The fitted state of a {@link RepresentationNet}. */
export interface RepresentationState {
  readonly d: number;
  readonly m: number;
  readonly featureNames: readonly string[];
  readonly treatmentNames: readonly string[];
  readonly standardizer: StandardizerState;
  /** Integer-code columns given one indicator input per code (see `codeLevels`). */
  readonly codes: readonly CodeColumn[];
  /** Heads in order: response, cost, then extra outcomes. */
  readonly targets: readonly TargetTransform[];
  readonly history: readonly EpochLog[];
}

/** The versioned JSON form of a fitted {@link RepresentationNet}. */
export interface RepresentationNetJSON {
  readonly kind: 'RepresentationNet';
  readonly formatVersion: 1;
  readonly params: RepresentationParams;
  readonly state: RepresentationState & { readonly weights: NetWeights };
}

const KIND = 'RepresentationNet';

/**
 * Schema of the network's JSON: the sizes and names (the targets, standardizer, codes and weights are checked
 * against them by their own readers before the network is built).
 */
const representationSchema = v.pipe(
  v.object({
    state: v.object({
      d: size,
      m: v.pipe(size, v.minValue(2)),
      treatmentNames: v.array(name),
      featureNames: v.array(name),
      targets: v.pipe(v.array(v.unknown()), v.minLength(2, 'expected at least the response and cost heads')),
    }),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const s = dataset.value.state;
    if (s.treatmentNames.length !== s.m) addIssue({ message: `state.treatmentNames: expected ${s.m} names` });
  }),
);

/**
 * Step 1 of HRC: a multi-task network, a shared trunk of two dense layers then one head per outcome (response,
 * cost, optional extras) with one output per arm, trained on the factual arm only (masked loss) with inverse
 * propensity weights. `embed` returns the hidden representation h(x) that HiddenClusterer groups.
 *
 * @example
 * ```ts
 * const { train, test } = simulateCouponTrial({ nTrain: 50_000 });
 * const net = await new RepresentationNet({ seed: 1 }).fit(train);
 * const x = matrix(test.features, test.d);
 * const h = net.embed(x);                  // Matrix: n x 128
 * const { response, cost } = net.predict(x); // n x m each
 * net.dispose();
 * ```
 */
export class RepresentationNet {
  readonly options: RepresentationNetOptions;
  private net: DenseNet | undefined;
  private fitted: RepresentationState | undefined;
  private params: RepresentationParams | undefined;

  private disposed = false;

  constructor(options: RepresentationNetOptions = {}) {
    this.options = options;
  }

  /** Trains on a randomized trial. Refitting starts over (and frees the previous weights). Returns `this`. */
  async fit(data: RCTDataset, opts: { onEpochEnd?: (log: EpochLog) => unknown } = {}): Promise<this> {
    const p = resolveOptions(this.options);
    const m = checkTrainingData(data);
    const extras = extraNames(data, p.extraOutcomes);
    this.dispose();
    const weights = ipwWeights(data, p.ipw);
    const standardizer = fitStandardizer(data.features, data.d);
    const codes = detectCodeColumns(data.features, data.d, p.codeLevels);
    const x = expandCodes(applyStandardizer(standardizer, data.features), data.features, data.d, codes);
    const targets: TargetTransform[] = [
      fitTarget('response', data.response, weights, p.response),
      fitTarget('cost', data.cost, weights, p.cost),
      ...extras.map((k) => fitTarget(k, data.outcomes?.[k] as Float32Array, weights, p.outcomeLosses[k] ?? {})),
    ];
    const raw: Record<string, Float32Array> = { response: data.response, cost: data.cost };
    for (const k of extras) raw[k] = data.outcomes?.[k] as Float32Array;
    const labels: Record<string, Float32Array> = {};
    for (const t of targets) labels[t.name] = encodeTarget(t, raw[t.name] as Float32Array);
    const net = DenseNet.create({
      inputDim: expandedWidth(data.d, codes),
      trunk: [...p.hiddenUnits],
      heads: targets.map((t) => ({ name: t.name, units: m })),
      activation: p.activation,
      seed: deriveSeed(p.seed, 'representation/init'),
      fastGradients: p.fastGradients,
    });
    const loss = headLosses(
      targets.map((t) => ({ head: t.name, kind: t.kind, weight: t.weight, huberDelta: t.huberDelta })),
    );
    const onEpochEnd = opts.onEpochEnd ?? this.options.onEpochEnd;
    try {
      const result = await trainNet(net, { features: x, labels, treatment: data.treatment, arms: m, weights }, loss, {
        epochs: p.epochs,
        batchSize: p.batchSize,
        learningRate: p.learningRate,
        l2: p.l2,
        headContrastL2: { response: p.upliftL2 },
        validationFraction: p.validationFraction,
        patience: p.patience,
        seed: deriveSeed(p.seed, 'representation/train'),
        ...(onEpochEnd !== undefined ? { onEpochEnd } : {}),
      });
      this.net = net;
      this.params = p;
      this.fitted = {
        d: data.d,
        m,
        featureNames: [...data.featureNames],
        treatmentNames: [...data.treatmentNames],
        standardizer,
        codes,
        targets,
        history: result.history,
      };
    } catch (e) {
      net.dispose();
      throw e;
    }
    return this;
  }

  /** Fitted state (read-only); throws {@link NotFittedError} before fit. */
  get state(): RepresentationState {
    return this.need('state').state;
  }

  /** Width of `embed`'s rows. */
  get embeddingDim(): number {
    const { params } = this.need('embeddingDim');
    const [u1, u2] = params.hiddenUnits;
    return params.embedding === 'concat' ? u1 + u2 : u2;
  }

  /**
   * The hidden representation h(x) of each row of `features` (`d` columns as in training): an `n x embeddingDim`
   * matrix, the second trunk layer's output, or both trunk layers side by side with `embedding: 'concat'`.
   * Batched; never holds all rows in tensors.
   */
  embed(features: Matrix): Matrix {
    const data = this.hidden(features);
    return { data, rows: features.rows, cols: this.embeddingDim };
  }

  private hidden(features: Matrix): Float32Array {
    const { net, params } = this.need('embed');
    const x = this.inputs(features, 'embed');
    if (params.embedding === 'last') {
      return net.predict(x, { heads: [], hidden: [1], batchSize: params.predictBatchSize }).hidden[0] as Float32Array;
    }
    const [a, b] = net.predict(x, { heads: [], hidden: [0, 1], batchSize: params.predictBatchSize }).hidden as [
      Float32Array,
      Float32Array,
    ];
    const [u1, u2] = params.hiddenUnits;
    const n = a.length / u1;
    const out = new Float32Array(n * (u1 + u2));
    for (let i = 0; i < n; i++) {
      out.set(a.subarray(i * u1, i * u1 + u1), i * (u1 + u2));
      out.set(b.subarray(i * u2, i * u2 + u2), i * (u1 + u2) + u1);
    }
    return out;
  }

  /**
   * Expected response, cost (and extra outcomes) of every arm for every row of `features` (`d` columns as in
   * training): row-major `n x m` each.
   */
  predict(features: Matrix): ArmPredictions {
    const { net, state, params } = this.need('predict');
    const x = this.inputs(features, 'predict');
    const { heads } = net.predict(x, { batchSize: params.predictBatchSize });
    const outcomes: Record<string, Float32Array> = {};
    for (const t of state.targets) {
      const v = decodeTarget(t, heads[t.name] as Float32Array);
      if (t.name !== 'response' && t.name !== 'cost') outcomes[t.name] = v;
    }
    return { response: heads.response as Float32Array, cost: heads.cost as Float32Array, outcomes };
  }

  /** The network's inputs for `features`: standardized, integer codes expanded to indicators. */
  private inputs(features: Matrix, method: string): Float32Array {
    const { state } = this.need(method);
    checkMatrix(features, 'features', { cols: state.d });
    return expandCodes(applyStandardizer(state.standardizer, features.data), features.data, state.d, state.codes);
  }

  /** The versioned JSON form (options, standardization, target scalings and weights). */
  toJSON(): RepresentationNetJSON {
    const { net, state, params } = this.need('toJSON');
    // upliftL2 is written only when set, so an artifact without it (written before the option existed) round-trips
    // to the same JSON; reading fills in 0.
    const { upliftL2, ...rest } = params;
    const out = (upliftL2 > 0 ? params : rest) as RepresentationParams;
    return { kind: KIND, formatVersion: 1, params: out, state: { ...state, weights: net.getWeights() } };
  }

  /** Rebuilds a fitted net from {@link RepresentationNet.toJSON}; throws {@link SerializationError} if malformed. */
  static fromJSON(json: unknown): RepresentationNet {
    readEnvelope(json, KIND, 1, representationSchema);
    const j = json as RepresentationNetJSON;
    let params: RepresentationParams;
    try {
      params = resolveOptions(j.params ?? {});
    } catch (e) {
      throw new SerializationError(`${KIND}.params: ${(e as Error).message}`, { cause: e });
    }
    const s = j.state;
    const targets = s.targets.map((t, i) => checkTarget(t, `${KIND}.state.targets[${i}]`));
    const standardizer = checkStandardizer(s.standardizer, s.d, `${KIND}.state.standardizer`);
    const codes = checkCodeColumns(s.codes, s.d, `${KIND}.state.codes`);
    const out = new RepresentationNet(j.params);
    const net = DenseNet.create({
      inputDim: expandedWidth(s.d, codes),
      trunk: [...params.hiddenUnits],
      heads: targets.map((t) => ({ name: t.name, units: s.m })),
      activation: params.activation,
      fastGradients: params.fastGradients,
    });
    try {
      net.setWeights(s.weights);
    } catch (e) {
      net.dispose();
      throw e;
    }
    out.net = net;
    out.params = params;
    out.fitted = {
      d: s.d,
      m: s.m,
      featureNames: [...s.featureNames],
      treatmentNames: [...s.treatmentNames],
      standardizer,
      codes,
      targets,
      history: Array.isArray(s.history) ? s.history : [],
    };
    return out;
  }

  /** Frees the weights. The model must be refitted (or reloaded) afterwards. Safe to call twice. */
  dispose(): void {
    if (this.net !== undefined) this.disposed = true;
    this.net?.dispose();
    this.net = undefined;
    this.fitted = undefined;
    this.params = undefined;
  }

  private need(method: string): { net: DenseNet; state: RepresentationState; params: RepresentationParams } {
    if (this.net === undefined || this.fitted === undefined || this.params === undefined) {
      throw new NotFittedError(KIND, method, this.disposed);
    }
    return { net: this.net, state: this.fitted, params: this.params };
  }
}

function extraNames(data: RCTDataset, extra: boolean | readonly string[]): string[] {
  const available = Object.keys(data.outcomes ?? {});
  if (extra === false) return [];
  if (extra === true) return available.filter((k) => k !== 'response' && k !== 'cost');
  for (const k of extra) {
    if (!available.includes(k) || k === 'response' || k === 'cost') {
      throw new ValidationError({
        path: ['extraOutcomes', k],
        message: `no extra outcome named ${describe(k)} in the data; available: ${available.join(', ') || 'none'}`,
      });
    }
    const arr = data.outcomes?.[k];
    if (!(arr instanceof Float32Array) || arr.length !== data.n) {
      throw new ValidationError({ path: ['data', 'outcomes', k], message: `expected a Float32Array of ${data.n}` });
    }
  }
  return [...extra];
}
