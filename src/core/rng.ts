import seedrandom from 'seedrandom';

/**
 * A seeded pseudo-random generator (seedrandom's ARC4-based `alea`-free default PRNG) with the helpers
 * the library needs. Never use `Math.random` in library code: take a seed and derive child seeds.
 */
export class RNG {
  readonly seed: number;
  private readonly prng: seedrandom.PRNG;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new TypeError(`seed must be a finite number, got ${seed}`);
    this.seed = seed;
    this.prng = seedrandom.alea(`hrc:${seed}`);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.prng();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.prng() * n);
  }

  /** Uniform 32-bit unsigned integer. */
  uint32(): number {
    return this.prng.int32() >>> 0;
  }

  /** Standard normal by the polar Box–Muller method. */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const s = this.spareNormal;
      this.spareNormal = undefined;
      return s;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.prng() - 1;
      v = 2 * this.prng() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return u * f;
  }

  /** Student-t with `df` degrees of freedom (heavy tails). */
  studentT(df: number): number {
    let chi = 0;
    for (let i = 0; i < df; i++) {
      const z = this.normal();
      chi += z * z;
    }
    return this.normal() / Math.sqrt(chi / df);
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /**
   * A child seed for a named sub-component: stable for the same parent seed and name, different across names,
   * so adding a component does not shift the random streams of the others.
   */
  child(name: string): number {
    return deriveSeed(this.seed, name);
  }
}

/**
 * Derives a child seed from a parent seed and a name (FNV-1a over both, then a mix). Never returns 0,
 * because tfjs treats a seed of 0 as "no seed" in its random ops.
 */
export function deriveSeed(parent: number, name: string): number {
  let h = 0x811c9dc5 ^ (parent >>> 0) ^ Math.floor(parent / 2 ** 32);
  const s = `${name}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  const out = (h >>> 0) % 2147483646;
  return out + 1;
}

/** The library's default seed when a caller gives none. Runs are reproducible unless a seed is varied on purpose. */
export const DEFAULT_SEED = 42;
