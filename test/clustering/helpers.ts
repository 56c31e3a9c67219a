import { RNG } from '../../src/core/rng.js';

/** A well-separated Gaussian mixture: `k` centres at spread `sep`, unit-variance noise. */
export function mixture(n: number, d: number, k: number, sep: number, seed: number) {
  const rng = new RNG(seed);
  const centres = Array.from({ length: k }, () => Array.from({ length: d }, () => sep * rng.normal()));
  const x = new Float32Array(n * d);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = rng.int(k);
    truth[i] = c;
    const centre = centres[c] as number[];
    for (let t = 0; t < d; t++) x[i * d + t] = (centre[t] as number) + rng.normal();
  }
  return { x, truth };
}

/** Adjusted Rand index of two labelings (Hubert and Arabie 1985). */
export function adjustedRandIndex(a: Int32Array, b: Int32Array): number {
  const n = a.length;
  const table = new Map<string, number>();
  const ra = new Map<number, number>();
  const rb = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = `${a[i]},${b[i]}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    ra.set(a[i] as number, (ra.get(a[i] as number) ?? 0) + 1);
    rb.set(b[i] as number, (rb.get(b[i] as number) ?? 0) + 1);
  }
  const c2 = (v: number) => (v * (v - 1)) / 2;
  let index = 0;
  for (const v of table.values()) index += c2(v);
  let sa = 0;
  for (const v of ra.values()) sa += c2(v);
  let sb = 0;
  for (const v of rb.values()) sb += c2(v);
  const expected = (sa * sb) / c2(n);
  const max = (sa + sb) / 2;
  return (index - expected) / (max - expected);
}
