import type { KernelInstance } from '../wasm/kernels.js';

/** Rows per call of the blocked scan kernels (nearest2, nearestAll). */
export const WASM_CHUNK = 8_192;

/** k padded to the kernels' multiple of four centroids. */
export function paddedK(k: number): number {
  return Math.ceil(k / 4) * 4;
}

/**
 * The regions a blocked scan reads its centroids from and writes a chunk of results to (byte offsets): centroids
 * transposed (`ct`: d x kp f32) and their squared norms (`cn`: kp f32); per row of a chunk its label (`lab`, i32)
 * and the values of its nearest two (`o1`, `o2`, f32).
 */
export interface ScanRegions {
  readonly ct: number;
  readonly cn: number;
  readonly lab: number;
  readonly o1: number;
  readonly o2: number;
}

/** Lays out {@link ScanRegions} for chunks of `rows` rows. Throws RangeError when the memory cannot grow. */
export function placeScan(m: KernelInstance, d: number, kp: number, rows: number): ScanRegions {
  return {
    ct: m.alloc(kp * d * 4),
    cn: m.alloc(kp * 4),
    lab: m.alloc(rows * 4 + 16),
    o1: m.alloc(rows * 4 + 16),
    o2: m.alloc(rows * 4 + 16),
  };
}

/** Centroids transposed to `d x kp` (zero padding) and their squared norms (padding +inf) into kernel memory. */
export function loadCentroids(
  m: KernelInstance,
  at: ScanRegions,
  c: Float32Array,
  cNorm: Float64Array,
  k: number,
  d: number,
  kp: number,
): void {
  const ct = m.f32(at.ct, kp * d);
  ct.fill(0);
  for (let j = 0; j < k; j++) for (let t = 0; t < d; t++) ct[t * kp + j] = c[j * d + t] as number;
  const cn = m.f32(at.cn, kp);
  cn.fill(Number.POSITIVE_INFINITY);
  for (let j = 0; j < k; j++) cn[j] = cNorm[j] as number;
}
