import type { AllocationPolicy } from '../policy/policy.js';

/** Final avalanche of a 32-bit hash (murmur3's fmix32). */
function fmix(h: number): number {
  let x = h;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** fmix of the high word of an id below 2^32. */
const FMIX_HI0 = fmix(0x27d4eb2f);

/**
 * A uniform number in [0, 1) from a seed, a salt (one stream per purpose) and a user id: the same triple always
 * gives the same number, on any machine and in any order of arrival. Integer ids are hashed by value (so `7` and
 * `'7'` differ); other numbers and strings by their characters.
 */
export function hashUniform(seed: number, salt: number, id: string | number): number {
  return streamUniform(streamKey(seed, salt), id);
}

/** The hash state of one (seed, salt) stream, computed once for {@link streamUniform}. */
export function streamKey(seed: number, salt: number): number {
  return fmix((seed >>> 0) ^ Math.imul(salt + 1, 0x9e3779b1));
}

/** {@link hashUniform} of an id on a stream whose key {@link streamKey} computed. */
export function streamUniform(key: number, id: string | number): number {
  let h = key;
  if (typeof id === 'number' && Number.isSafeInteger(id)) {
    const lo = id >>> 0;
    const hi = Math.floor(id / 4294967296) >>> 0;
    h = fmix(Math.imul(h ^ lo, 0x01000193) ^ (hi === 0 ? FMIX_HI0 : fmix(hi + 0x27d4eb2f)));
  } else {
    const s = typeof id === 'string' ? id : `#${String(id)}`;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    h = fmix(h ^ s.length);
  }
  return h / 4294967296;
}

/**
 * A 64-bit fingerprint (16 hex digits) of what a policy decides: its feature and treatment names, the student's
 * parameters and the allocation table's budgets, arms and shares. Two policies with the same fingerprint make the
 * same decisions; a {@link BudgetPacer} state records it so it is only restored onto its own policy.
 */
export function policyFingerprint(policy: AllocationPolicy): string {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  const word = (w: number) => {
    a = Math.imul(a ^ w, 0x01000193);
    b = Math.imul(b ^ ((w >>> 16) | (w << 16)), 0x5bd1e995);
  };
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  const f64 = new Float64Array(1);
  const u64 = new Uint32Array(f64.buffer);
  const text = (s: string) => {
    word(s.length);
    for (let i = 0; i < s.length; i++) word(s.charCodeAt(i));
  };
  const floats = (xs: ArrayLike<number>) => {
    word(xs.length);
    for (let i = 0; i < xs.length; i++) {
      f32[0] = xs[i] as number;
      word(u32[0] as number);
    }
  };
  const doubles = (xs: ArrayLike<number>) => {
    word(xs.length);
    for (let i = 0; i < xs.length; i++) {
      f64[0] = xs[i] as number;
      word(u64[0] as number);
      word(u64[1] as number);
    }
  };
  for (const n of policy.featureNames) text(n);
  for (const n of policy.treatmentNames) text(n);
  const p = policy.student.parameters();
  floats(p.mean);
  floats(p.invScale);
  for (const l of p.layers) {
    text(l.activation);
    floats(l.kernel);
    floats(l.bias);
  }
  const t = policy.table;
  doubles(t.budgets);
  word(t.arms.length);
  for (let i = 0; i < t.arms.length; i++) word(t.arms[i] as number);
  if (t.shares !== undefined) doubles(t.shares);
  const hex = (x: number) => (fmix(x) >>> 0).toString(16).padStart(8, '0');
  return hex(a) + hex(b ^ a);
}
