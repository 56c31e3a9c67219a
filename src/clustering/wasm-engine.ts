import { ValidationError } from '../core/errors.js';
import { KernelInstance, MAX_KERNEL_BYTES } from '../wasm/kernels.js';
import { rowNorms } from './distance.js';
import { DRIFT_STEPS, type ElkanState, elkanBytes, KernelElkan } from './elkan.js';
import type { DistanceEngine, HamerlyBounds } from './engine.js';
import { loadCentroids, paddedK, placeScan, type ScanRegions, WASM_CHUNK } from './wasm-scan.js';

/**
 * The k-means distance engine on the library's WebAssembly SIMD kernels (`engine: 'wasm'`, the `auto` choice where
 * WebAssembly SIMD runs): blocked nearest-two scans, Hamerly's filter and Elkan's state (src/clustering/elkan.ts)
 * in the kernel's memory, and all squared distances for soft assignments.
 */

/**
 * The WebAssembly engine. Each engine object owns one kernel instance; the rows of the last `x` it scanned stay
 * in the kernel's memory (copied once; `x` must not change while the engine is in use), unless they would take
 * more than {@link MAX_KERNEL_BYTES}, in which case each chunk of rows is copied in turn.
 */
class WasmEngine implements DistanceEngine {
  readonly name = 'wasm' as const;
  private x: Float32Array | null = null;
  private resident = false;
  private xAt = 0;
  private k = 0;
  private d = 0;
  private scan: ScanRegions = { ct: 0, cn: 0, lab: 0, o1: 0, o2: 0 };
  private idxAt = 0;
  private stageAt = 0;
  /** Regions of the bounds filter, laid out on its first use for this x (0 rows: not yet). */
  private boundsN = 0;
  private labelsAt = 0;
  private upperAt = 0;
  private lowerAt = 0;
  private rescanAt = 0;
  private shiftAt = 0;
  private halfAt = 0;
  private cAt = 0;
  /** Elkan's state laid out after the rows (null: none). */
  private elkanRun: KernelElkan | null = null;

  constructor(
    private readonly kernels: KernelInstance,
    private readonly maxResidentBytes: number,
    private readonly driftSteps: number,
  ) {}

  private layout(x: Float32Array, d: number, k: number): void {
    if (this.x === x && this.k === k && this.d === d) return;
    const kp = paddedK(k);
    const resident = x.byteLength + 4 * (kp * (d + 1) + 4 * WASM_CHUNK) <= this.maxResidentBytes;
    this.x = null;
    try {
      this.place(x, d, kp, resident);
    } catch (e) {
      // The runtime would not grow the memory to hold the rows: copy them in chunk by chunk instead.
      if (!resident || !(e instanceof RangeError)) throw e;
      this.place(x, d, kp, false);
    }
    this.boundsN = 0;
    this.x = x;
    this.k = k;
    this.d = d;
  }

  private place(x: Float32Array, d: number, kp: number, resident: boolean): void {
    const m = this.kernels;
    this.retireElkan();
    m.reset();
    this.resident = resident;
    this.xAt = resident ? m.alloc(x.byteLength) : 0;
    this.stageAt = resident ? 0 : m.alloc(WASM_CHUNK * d * 4);
    this.idxAt = m.alloc(WASM_CHUNK * 4 + 16);
    this.scan = placeScan(m, d, kp, WASM_CHUNK);
    if (resident) m.f32(this.xAt, x.length).set(x);
  }

  private retireElkan(): void {
    this.elkanRun?.retire();
    this.elkanRun = null;
  }

  nearestMany(
    x: Float32Array,
    d: number,
    rows: Int32Array | null,
    count: number,
    xNorm: Float64Array,
    c: Float32Array,
    cNorm: Float64Array,
    k: number,
    labels: Int32Array,
    best: Float64Array,
    second: Float64Array,
  ): void {
    if (count === 0) return;
    const m = this.kernels;
    const kp = paddedK(k);
    if (rows === null && this.x !== x) {
      // A full pass over rows not seen before (predict, or a run's first assignment): stream them through the
      // staging buffer; they are copied in whole only if the same rows come back (a later iteration).
      this.x = null;
      this.boundsN = 0;
      this.place(x, d, kp, false);
    } else this.layout(x, d, k);
    const { scan } = this;
    loadCentroids(m, scan, c, cNorm, k, d, kp);
    const idx = m.i32(this.idxAt, WASM_CHUNK);
    const lab = m.i32(scan.lab, WASM_CHUNK);
    const o1 = m.f32(scan.o1, WASM_CHUNK);
    const o2 = m.f32(scan.o2, WASM_CHUNK);
    const stage = this.resident ? null : m.f32(this.stageAt, WASM_CHUNK * d);
    const out = { ...scan, d, kp };
    for (let start = 0; start < count; start += WASM_CHUNK) {
      const n = Math.min(WASM_CHUNK, count - start);
      if (stage === null) {
        if (rows === null) m.calls.nearest2({ ...out, x: this.xAt + start * d * 4, count: n });
        else {
          idx.set(rows.subarray(start, start + n));
          m.calls.nearest2({ ...out, x: this.xAt, rows: this.idxAt, count: n });
        }
      } else {
        if (rows === null) stage.set(x.subarray(start * d, (start + n) * d));
        else {
          for (let r = 0; r < n; r++) {
            const i = rows[start + r] as number;
            stage.set(x.subarray(i * d, i * d + d), r * d);
          }
        }
        m.calls.nearest2({ ...out, x: this.stageAt, count: n });
      }
      for (let r = 0; r < n; r++) {
        const i = rows === null ? start + r : (rows[start + r] as number);
        const xn = xNorm[i] as number;
        // (Kernel values are cn - 2 x.c; adding ||x||^2 gives the squared distance.)
        labels[i] = lab[r] as number;
        best[i] = Math.max(xn + (o1[r] as number), 0);
        second[i] = Math.max(xn + (o2[r] as number), 0);
      }
    }
  }

  private placeBounds(n: number, k: number, d: number): void {
    const m = this.kernels;
    this.retireElkan(); // (a growing memory would detach its views)
    this.labelsAt = m.alloc(n * 4);
    this.upperAt = m.alloc(n * 8);
    this.lowerAt = m.alloc(n * 8);
    this.rescanAt = m.alloc(n * 4);
    this.shiftAt = m.alloc(k * 8);
    this.halfAt = m.alloc(k * 8);
    this.cAt = m.alloc(k * d * 4);
    this.boundsN = n;
  }

  filterBounds(x: Float32Array, d: number, n: number, c: Float32Array, k: number, b: HamerlyBounds): number | null {
    const { labels, upper, lower, shift, half, maxShiftAt, maxShift, secondShift, rescan } = b;
    this.layout(x, d, k);
    if (!this.resident || x.length !== n * d) return null;
    const m = this.kernels;
    if (this.boundsN !== n) {
      try {
        this.placeBounds(n, k, d);
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        this.x = null; // (the layout is partly overwritten: lay out afresh next time)
        return null;
      }
    }
    m.i32(this.labelsAt, n).set(labels);
    m.f64(this.upperAt, n).set(upper);
    m.f64(this.lowerAt, n).set(lower);
    m.f64(this.shiftAt, k).set(shift.subarray(0, k));
    m.f64(this.halfAt, k).set(half.subarray(0, k));
    m.f32(this.cAt, k * d).set(c.subarray(0, k * d));
    const count = m.calls.hamerly({
      x: this.xAt,
      d,
      n,
      c: this.cAt,
      labels: this.labelsAt,
      upper: this.upperAt,
      lower: this.lowerAt,
      shift: this.shiftAt,
      half: this.halfAt,
      maxAt: maxShiftAt,
      maxShift,
      secondShift,
      rescan: this.rescanAt,
    });
    upper.set(m.f64(this.upperAt, n));
    lower.set(m.f64(this.lowerAt, n));
    rescan.set(m.i32(this.rescanAt, count));
    return count;
  }

  elkan(x: Float32Array, n: number, d: number, init: Float32Array, k: number): ElkanState | null {
    if (x.length !== n * d) return null;
    const kp = paddedK(k);
    const extra = elkanBytes(n, k, d, this.driftSteps);
    if (x.byteLength + extra + 4 * (kp * (d + 1) + 4 * WASM_CHUNK) > this.maxResidentBytes) return null;
    // A fresh layout each run: the regions of an earlier run are not reused.
    this.x = null;
    this.layout(x, d, k);
    if (!this.resident) return null;
    const state = KernelElkan.create(this.kernels, this.scan, this.xAt, x, n, d, init, k, this.driftSteps);
    if (state === null) this.x = null; // (the layout is partly overwritten: lay out afresh next time)
    this.elkanRun = state;
    return state;
  }
}

/** Settings of {@link wasmDistanceEngine} (for tests and memory-constrained runtimes). */
export interface WasmEngineOptions {
  /** Rows stay in the kernel's memory while they take at most this (with centroids and buffers). @default 2 GiB */
  maxResidentBytes?: number;
  /** Elkan's lazily moved lower bounds are made exact again every this many steps. @default 64 */
  driftSteps?: number;
  /** Cap on the kernel's memory, as a runtime that refuses to grow it would impose. @default none */
  memoryLimitBytes?: number;
}

/**
 * A new wasm engine. Rows stay in the kernel's memory while they fit (`maxResidentBytes`, and whatever memory the
 * runtime grants); otherwise they are copied in chunk by chunk. Elkan's state, or else Hamerly's, is kept in the
 * kernel when memory allows; else `lloyd` runs its TypeScript bound loop.
 */
export function wasmDistanceEngine(options: WasmEngineOptions = {}): DistanceEngine {
  const kernels = KernelInstance.create(options.memoryLimitBytes);
  if (kernels === null) {
    throw new ValidationError({
      path: ['engine'],
      message:
        "'wasm' needs WebAssembly SIMD, which this runtime lacks or setWasmKernels(false) switched off; use 'auto', 'tfjs' or 'js'",
    });
  }
  return new WasmEngine(
    kernels,
    options.maxResidentBytes ?? MAX_KERNEL_BYTES,
    Math.max(2, options.driftSteps ?? DRIFT_STEPS),
  );
}

/**
 * Squared distances of every row to every centroid (row-major `n x k`, float32) on the WebAssembly kernels, in
 * chunks of rows (memory: a chunk, not the input), or null where the kernels are unavailable.
 */
export function wasmSqDistances(
  x: Float32Array,
  n: number,
  d: number,
  c: Float32Array,
  k: number,
): Float32Array | null {
  const m = KernelInstance.create();
  if (m === null) return null;
  const kp = paddedK(k);
  const rows = Math.max(1, Math.min(WASM_CHUNK, n));
  const xAt = m.alloc(rows * d * 4);
  const xnAt = m.alloc(rows * 4);
  const sqAt = m.alloc(rows * kp * 4);
  const scan = placeScan(m, d, kp, rows);
  loadCentroids(m, scan, c, rowNorms(c, k, d), k, d, kp);
  const xs = m.f32(xAt, rows * d);
  const sq = m.f32(sqAt, rows * kp);
  const out = new Float32Array(n * k);
  for (let start = 0; start < n; start += rows) {
    const count = Math.min(rows, n - start);
    xs.set(x.subarray(start * d, (start + count) * d));
    m.calls.sqnorms({ x: xAt, d, n: count, out: xnAt });
    m.calls.nearestAll({ ...scan, x: xAt, d, count, kp, xn: xnAt, dist: sqAt, squared: true });
    if (kp === k) out.set(sq.subarray(0, count * k), start * k);
    else for (let r = 0; r < count; r++) out.set(sq.subarray(r * kp, r * kp + k), (start + r) * k);
  }
  return out;
}
