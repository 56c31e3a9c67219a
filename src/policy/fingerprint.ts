import type { RCTDataset } from '../data/dataset.js';

/**
 * A 64-bit FNV-1a-style fingerprint (two 32-bit lanes) of a dataset's contents: sizes, features, arms, responses
 * and costs. Recorded in a policy so its training data can be recognised; not a cryptographic hash.
 */
export function datasetFingerprint(data: RCTDataset): string {
  let a = 0x811c9dc5 ^ data.n;
  let b = 0x01000193 ^ data.d;
  const mix = (words: Uint32Array) => {
    for (let i = 0; i < words.length; i++) {
      const w = words[i] as number;
      a = Math.imul(a ^ w, 0x01000193);
      b = Math.imul(b ^ (w >>> 16) ^ (w << 16), 0x5bd1e995);
    }
  };
  mix(new Uint32Array(data.features.buffer, data.features.byteOffset, data.features.length));
  mix(new Uint32Array(data.treatment.buffer, data.treatment.byteOffset, data.treatment.length));
  mix(new Uint32Array(data.response.buffer, data.response.byteOffset, data.response.length));
  mix(new Uint32Array(data.cost.buffer, data.cost.byteOffset, data.cost.length));
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** A uniform number in [0, 1) from a row's feature values (FNV-1a over their float bits), for splitting groups. */
export function rowUniform(x: ArrayLike<number>, at: number, d: number): number {
  let h = 0x811c9dc5;
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  for (let j = 0; j < d; j++) {
    f[0] = x[at + j] as number;
    h = Math.imul(h ^ (u[0] as number), 0x01000193);
  }
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) / 4294967296;
}
