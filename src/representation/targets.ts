import { SerializationError, ValidationError } from '../core/errors.js';
import type { LossKind } from '../nn/spec.js';
import type { OutcomeConfig } from './options.js';

/**
 * How one outcome is fitted and mapped back: the resolved loss, and for continuous losses the affine scaling that
 * gives the (optionally log1p-transformed) labels mean 0 and variance 1, so that heads of very different units
 * (a 0/1 purchase, a cost of a few euros, a GMV of hundreds) weigh alike in the sum of losses.
 */
export interface TargetTransform {
  readonly name: string;
  readonly kind: LossKind;
  readonly log1p: boolean;
  readonly shift: number;
  readonly scale: number;
  readonly weight: number;
  readonly huberDelta: number;
}

/** Resolves `auto` and learns the scaling from the training labels (row weights `w`, e.g. IPW). */
export function fitTarget(name: string, y: Float32Array, w: Float32Array, cfg: OutcomeConfig): TargetTransform {
  let binary = true;
  for (let i = 0; i < y.length; i++) {
    const v = y[i] as number;
    if (!Number.isFinite(v)) {
      throw new ValidationError({ path: [name, i], message: `expected a finite number, got ${v}` });
    }
    if (v !== 0 && v !== 1) binary = false;
  }
  const requested = cfg.loss ?? 'auto';
  const kind: LossKind = requested === 'auto' ? (binary ? 'bce' : 'mse') : requested;
  if (kind === 'bce' && !binary) {
    let bad = 0;
    while (bad < y.length && (y[bad] === 0 || y[bad] === 1)) bad++;
    throw new ValidationError({
      path: [name, bad],
      message: `loss 'bce' needs 0/1 labels, got ${y[bad]}; use 'mse' or 'huber' (or 'auto')`,
    });
  }
  const log1p = kind !== 'bce' && cfg.log1p === true;
  let shift = 0;
  let scale = 1;
  if (kind !== 'bce') {
    let sw = 0;
    let s1 = 0;
    for (let i = 0; i < y.length; i++) {
      const wi = w[i] as number;
      sw += wi;
      s1 += wi * forward(y[i] as number, log1p);
    }
    shift = s1 / Math.max(sw, 1e-12);
    let s2 = 0;
    for (let i = 0; i < y.length; i++) {
      const dv = forward(y[i] as number, log1p) - shift;
      s2 += (w[i] as number) * dv * dv;
    }
    const sd = Math.sqrt(s2 / Math.max(sw, 1e-12));
    scale = sd > 1e-8 ? sd : 1;
  }
  return { name, kind, log1p, shift, scale, weight: cfg.weight ?? 1, huberDelta: cfg.huberDelta ?? 1 };
}

function forward(v: number, log1p: boolean): number {
  return log1p ? Math.log1p(Math.max(v, 0)) : v;
}

/** The training labels of a target: 0/1 for `bce`, standardized (after log1p) otherwise. */
export function encodeTarget(t: TargetTransform, y: Float32Array): Float32Array {
  if (t.kind === 'bce') return y;
  const out = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = (forward(y[i] as number, t.log1p) - t.shift) / t.scale;
  return out;
}

/** Maps head outputs back to the outcome's scale, in place: sigmoid for `bce`, unscale (and expm1) otherwise. */
export function decodeTarget(t: TargetTransform, out: Float32Array): Float32Array {
  for (let i = 0; i < out.length; i++) {
    const z = out[i] as number;
    if (t.kind === 'bce') out[i] = 1 / (1 + Math.exp(-z));
    else {
      const v = z * t.scale + t.shift;
      out[i] = t.log1p ? Math.expm1(v) : v;
    }
  }
  return out;
}

/** Validates a serialized target transform. */
export function checkTarget(value: unknown, where: string): TargetTransform {
  const t = value as TargetTransform;
  const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  if (
    typeof t !== 'object' ||
    t === null ||
    typeof t.name !== 'string' ||
    !['bce', 'mse', 'huber'].includes(t.kind) ||
    typeof t.log1p !== 'boolean' ||
    !num(t.shift) ||
    !num(t.scale) ||
    !(t.scale > 0) ||
    !num(t.weight) ||
    !num(t.huberDelta)
  ) {
    throw new SerializationError(`${where}: expected { name, kind: bce|mse|huber, log1p, shift, scale > 0, weight }`);
  }
  return { ...t };
}
