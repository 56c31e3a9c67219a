import * as tf from '@tensorflow/tfjs';
import * as v from 'valibot';
import { readEnvelope } from '../core/envelope.js';
import { NotFittedError, SerializationError, ValidationError } from '../core/errors.js';
import { checkMatrix } from '../core/matrix.js';
import { DEFAULT_SEED, RNG } from '../core/rng.js';
import type { Matrix } from '../core/types.js';
import { checkNumber, checkOptionKeys } from '../core/validate.js';
import type { Activation } from '../nn/dense.js';
import type { LossFn } from '../nn/losses.js';
import { DenseNet } from '../nn/net.js';
import { applyStandardizer, fitStandardizer } from '../nn/standardize.js';
import { trainNet } from '../nn/train.js';
import { type StudentActivation, StudentNet } from '../policy/student.js';
import { finite, size } from '../solver/schema.js';
import { softTargets } from './soft.js';

/** Schema of the distiller's JSON (the student's own `fromJSON` checks its weights). */
const distillerSchema = v.object({
  state: v.object({ k: size, agreement: v.pipe(finite, v.minValue(0), v.maxValue(1)), student: v.unknown() }),
});

/** Options of {@link Distiller}. All optional. */
export interface DistillerOptions {
  /** Hidden layer sizes of the student. Small on purpose: it is evaluated per user at serving time. @default [64] */
  hidden?: readonly number[];
  /**
   * Softness of the teacher's assignments: targets are `softmax(-d² / (temperature * s))` over the squared
   * distances d² to each centroid, with `s` the mean squared distance to the nearest centroid. @default 0.5
   */
  temperature?: number;
  /** Weight of the soft-target cross-entropy; `1 - softWeight` goes to the hard labels. @default 0.5 */
  softWeight?: number;
  /** Share of rows held out to measure agreement with the teacher. @default 0.1 */
  holdoutFraction?: number;
  /** @default 40 */
  epochs?: number;
  /** @default 512 */
  batchSize?: number;
  /** @default 0.01 */
  learningRate?: number;
  /** Early-stopping patience (epochs). @default 4 */
  patience?: number;
  /** @default 42 */
  seed?: number;
  /** Called after each training epoch. */
  onEpochEnd?: (log: { epoch: number; loss: number; valLoss?: number }) => void;
}

export const defaultDistillerOptions = {
  hidden: [64] as readonly number[],
  temperature: 0.5,
  softWeight: 0.5,
  holdoutFraction: 0.1,
  epochs: 40,
  batchSize: 512,
  learningRate: 0.01,
  patience: 4,
  seed: DEFAULT_SEED,
} satisfies Omit<Required<DistillerOptions>, 'onEpochEnd'>;

/** Every key of {@link DistillerOptions}. */
export const distillerOptionKeys: readonly string[] = [...Object.keys(defaultDistillerOptions), 'onEpochEnd'];

/** What the teacher (representation + clustering) says about each training row. */
export interface DistillTeacher {
  /** The teacher's group of each row, in 0..k-1. */
  readonly groups: Int32Array;
  /** Squared distance of each row to each of the `k` group centres (`n x k`), for soft targets. */
  readonly sqDistances: Matrix;
}

/**
 * Distils representation + clustering into a small classifier from raw (encoded) features to the K groups,
 * trained on the teacher's soft assignments plus hard labels. After `fit` the student is a plain-TypeScript
 * {@link StudentNet} (no tensors held), the very object the serving policy evaluates.
 *
 * @example
 * ```ts
 * const h = net.embed(matrix(train.features, train.d));
 * const clusterer = await new HiddenClusterer({ k: 8 }).fit(h);
 * const d = await new Distiller({ seed: 1 }).fit(matrix(train.features, train.d), {
 *   groups: clusterer.predict(h),
 *   sqDistances: clusterer.sqDistances(h),
 * });
 * console.log(d.agreement); // top-1 agreement with the teacher on held-out rows
 * ```
 */
export class Distiller {
  readonly options: Readonly<DistillerOptions>;
  private fitted: { student: StudentNet; agreement: number; k: number } | undefined;

  constructor(options: DistillerOptions = {}) {
    this.options = options;
  }

  /**
   * Trains the student to map the rows of `features` (raw encoded features, one row per trial user) to the
   * teacher's groups. Refitting starts over. Returns `this`.
   */
  async fit(features: Matrix, teacher: DistillTeacher): Promise<this> {
    checkOptionKeys(this.options, distillerOptionKeys);
    const o = { ...defaultDistillerOptions, ...this.options };
    checkOptions(o);
    const n = checkMatrix(features, 'features', { minRows: 10 });
    const d = features.cols;
    if (typeof teacher !== 'object' || teacher === null) {
      throw new ValidationError({ path: ['teacher'], message: 'expected { groups, sqDistances }' });
    }
    if (!(teacher.groups instanceof Int32Array) || teacher.groups.length !== n)
      throw new ValidationError({
        path: ['teacher', 'groups'],
        message: `expected an Int32Array of ${n} groups (one per row of features), got ${teacher.groups?.length}`,
      });
    checkMatrix(teacher.sqDistances, 'teacher.sqDistances');
    const k = teacher.sqDistances.cols;
    if (teacher.sqDistances.rows !== n) {
      throw new ValidationError({
        path: ['teacher', 'sqDistances', 'rows'],
        message: `expected ${n} rows (one per row of features), got ${teacher.sqDistances.rows}`,
      });
    }
    for (let i = 0; i < n; i++) {
      const g = teacher.groups[i] as number;
      if (!(g >= 0 && g < k)) {
        throw new ValidationError({
          path: ['teacher', 'groups', i],
          message: `expected a group in 0..${k - 1} (the columns of sqDistances), got ${g}`,
        });
      }
    }
    this.fitted = undefined;
    const rng = new RNG(o.seed);
    const perm = new RNG(rng.child('holdout')).permutation(n);
    const nHold = Math.max(1, Math.floor(n * o.holdoutFraction));
    const holdRows = perm.slice(0, nHold).sort();
    const trainRows = perm.slice(nHold).sort();
    const std = fitStandardizer(features.data, d);
    const z = applyStandardizer(std, features.data);
    const soft = softTargets(teacher.sqDistances.data, n, k, o.temperature);
    const pick = (rows: Int32Array) => {
      const x = new Float32Array(rows.length * d);
      const labels: Record<string, Float32Array> = {};
      for (let c = 0; c < k; c++) labels[`t${c}`] = new Float32Array(rows.length);
      const hard = new Int32Array(rows.length);
      for (let r = 0; r < rows.length; r++) {
        const i = rows[r] as number;
        x.set(z.subarray(i * d, i * d + d), r * d);
        for (let c = 0; c < k; c++) (labels[`t${c}`] as Float32Array)[r] = soft[i * k + c] as number;
        hard[r] = teacher.groups[i] as number;
      }
      return { features: x, labels, treatment: hard, arms: k };
    };
    const net = DenseNet.create({
      inputDim: d,
      trunk: [...o.hidden],
      heads: [{ name: 'group', units: k }],
      seed: rng.child('student'),
    });
    try {
      await trainNet(net, pick(trainRows), distillLoss(k, o.softWeight), {
        epochs: o.epochs,
        batchSize: o.batchSize,
        learningRate: o.learningRate,
        patience: o.patience,
        validationFraction: 0.1,
        seed: rng.child('train'),
        ...(o.onEpochEnd !== undefined ? { onEpochEnd: o.onEpochEnd } : {}),
      });
      const layers = net
        .layerChain('group')
        .map(({ name: _name, ...l }) => ({ ...l, activation: servingActivation(l.activation) }));
      const student = new StudentNet(layers, Float32Array.from(std.mean), Float32Array.from(std.std));
      const scratch = new Float32Array(k);
      let agree = 0;
      for (const i of holdRows) if (student.argmax(features.data, i * d, scratch) === teacher.groups[i]) agree++;
      this.fitted = { student, agreement: agree / holdRows.length, k };
    } finally {
      net.dispose();
    }
    return this;
  }

  /** Top-1 agreement with the teacher on the held-out rows. */
  get agreement(): number {
    return this.state('agreement').agreement;
  }

  /** The plain-TypeScript student (what serving evaluates). */
  get student(): StudentNet {
    return this.state('student').student;
  }

  /** The student's group for each row of `features` (the training feature layout). */
  predict(features: Matrix): Int32Array {
    const { student, k } = this.state('predict');
    const d = student.inputSize;
    const n = checkMatrix(features, 'features', { cols: d });
    const out = new Int32Array(n);
    const scratch = new Float32Array(k);
    for (let i = 0; i < n; i++) out[i] = student.argmax(features.data, i * d, scratch);
    return out;
  }

  /** Versioned JSON. */
  toJSON(): { kind: 'Distiller'; formatVersion: 1; params: DistillerOptions; state: unknown } {
    const f = this.state('toJSON');
    const { onEpochEnd: _, ...params } = this.options;
    return {
      kind: 'Distiller',
      formatVersion: 1,
      params,
      state: { k: f.k, agreement: f.agreement, student: f.student.toJSON() },
    };
  }

  /** Rebuilds a fitted distiller from {@link Distiller.toJSON} output; throws SerializationError on bad input. */
  static fromJSON(json: unknown): Distiller {
    const j = json as {
      kind?: unknown;
      formatVersion?: unknown;
      params?: unknown;
      state?: { k?: unknown; agreement?: unknown; student?: unknown };
    };
    readEnvelope(json, 'Distiller', 1, distillerSchema);
    const s = j.state as { k: number; agreement: number; student: unknown };
    const student = StudentNet.fromJSON(s.student);
    if (student.outputSize !== s.k)
      throw new SerializationError(`Distiller.state: student has ${student.outputSize} outputs, expected k = ${s.k}`);
    const d = new Distiller(typeof j.params === 'object' && j.params !== null ? (j.params as DistillerOptions) : {});
    d.fitted = { student, agreement: s.agreement, k: s.k };
    return d;
  }

  private state(method: string) {
    if (this.fitted === undefined) throw new NotFittedError('Distiller', method);
    return this.fitted;
  }
}

/** Cross-entropy against soft targets (labels t0..t{k-1}) and hard labels (the treatment one-hot). */
function distillLoss(k: number, softWeight: number): LossFn {
  return (out, batch) =>
    tf.tidy(() => {
      const logits = out.heads.group as tf.Tensor2D;
      const logp = tf.logSoftmax(logits);
      const cols: tf.Tensor1D[] = [];
      for (let c = 0; c < k; c++) cols.push(batch.labels[`t${c}`] as tf.Tensor1D);
      const soft = tf.stack(cols, 1);
      const softCe = tf.neg(tf.sum(tf.mul(soft, logp), 1));
      const hardCe = tf.neg(tf.sum(tf.mul(batch.treatment as tf.Tensor2D, logp), 1));
      const per = tf.add(tf.mul(softWeight, softCe), tf.mul(1 - softWeight, hardCe));
      return tf.div(tf.sum(tf.mul(per, batch.weights)), tf.sum(batch.weights)) as tf.Scalar;
    });
}

function checkOptions(o: typeof defaultDistillerOptions): void {
  if (!Array.isArray(o.hidden) || !o.hidden.every((u) => Number.isInteger(u) && u > 0)) {
    throw new ValidationError({
      path: ['hidden'],
      message: `expected an array of positive integers, got ${JSON.stringify(o.hidden)}`,
    });
  }
  checkNumber('temperature', o.temperature, { min: 1e-6 });
  checkNumber('softWeight', o.softWeight, { min: 0, max: 1 });
  checkNumber('holdoutFraction', o.holdoutFraction, { min: 0.01, max: 0.5 });
  checkNumber('epochs', o.epochs, { min: 1, integer: true });
  checkNumber('batchSize', o.batchSize, { min: 1, integer: true });
  checkNumber('learningRate', o.learningRate, { min: 1e-9 });
  checkNumber('patience', o.patience, { min: 1, integer: true });
}

/** The serving student evaluates ReLU and linear layers; the student net is built with those only. */
function servingActivation(a: Activation): StudentActivation {
  if (a !== 'relu' && a !== 'linear') {
    throw new ValidationError({ path: ['activation'], message: `the serving student has no '${a}' layers` });
  }
  return a;
}
