import { ValidationError } from '../core/errors.js';
import { KernelInstance, MAX_KERNEL_BYTES } from '../wasm/kernels.js';
import { rowNorms } from './distance.js';
import type { DistanceEngine, ElkanState, HamerlyBounds } from './engine.js';
import { addRow } from './lloyd.js';

/**
 * The k-means distance engine on the library's WebAssembly SIMD kernels (`engine: 'wasm'`, the `auto` choice where
 * WebAssembly SIMD runs): blocked nearest-two scans, Hamerly's filter and Elkan's state in the kernel's memory, and
 * all squared distances for soft assignments.
 */

/** Centroids transposed to `d x kp` (zero padding) and their squared norms (padding +inf) into kernel memory. */
function loadCentroids(
  m: KernelInstance,
  ctAt: number,
  cnAt: number,
  c: Float32Array,
  cNorm: Float64Array,
  k: number,
  d: number,
  kp: number,
): void {
  const ct = m.f32(ctAt, kp * d);
  ct.fill(0);
  for (let j = 0; j < k; j++) for (let t = 0; t < d; t++) ct[t * kp + j] = c[j * d + t] as number;
  const cn = m.f32(cnAt, kp);
  cn.fill(Number.POSITIVE_INFINITY);
  for (let j = 0; j < k; j++) cn[j] = cNorm[j] as number;
}

/** Steps of summed centroid shifts kept for Elkan's lazily updated lower bounds (then a full rescan). */
const DRIFT_STEPS = 64;

/** Rows per kernel call of the wasm engine. */
const WASM_CHUNK = 8_192;

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
  private ctAt = 0;
  private cnAt = 0;
  private idxAt = 0;
  private labAt = 0;
  private o1At = 0;
  private o2At = 0;
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
  /** Elkan state laid out for this x ("n,k"; empty: none). */
  private elkanKey = '';

  constructor(
    private readonly kernels: KernelInstance,
    private readonly maxResidentBytes: number,
    private readonly driftSteps: number,
  ) {}

  private layout(x: Float32Array, d: number, k: number): void {
    if (this.x === x && this.k === k && this.d === d) return;
    const kp = Math.ceil(k / 4) * 4;
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
    this.elkanKey = '';
    this.x = x;
    this.k = k;
    this.d = d;
  }

  private place(x: Float32Array, d: number, kp: number, resident: boolean): void {
    const m = this.kernels;
    m.reset();
    this.resident = resident;
    this.xAt = resident ? m.alloc(x.byteLength) : 0;
    this.stageAt = resident ? 0 : m.alloc(WASM_CHUNK * d * 4);
    this.ctAt = m.alloc(kp * d * 4);
    this.cnAt = m.alloc(kp * 4);
    this.idxAt = m.alloc(WASM_CHUNK * 4 + 16);
    this.labAt = m.alloc(WASM_CHUNK * 4 + 16);
    this.o1At = m.alloc(WASM_CHUNK * 4 + 16);
    this.o2At = m.alloc(WASM_CHUNK * 4 + 16);
    if (resident) m.f32(this.xAt, x.length).set(x);
  }

  /** Centroids transposed (d x kp, zero padding) and their squared norms (padding +inf) into the kernel. */
  private loadCentroids(c: Float32Array, cNorm: Float64Array, k: number, d: number, kp: number): void {
    loadCentroids(this.kernels, this.ctAt, this.cnAt, c, cNorm, k, d, kp);
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
    const kp = Math.ceil(k / 4) * 4;
    if (rows === null && this.x !== x) {
      // A full pass over rows not seen before (predict, or a run's first assignment): stream them through the
      // staging buffer; they are copied in whole only if the same rows come back (a later iteration).
      this.x = null;
      this.boundsN = 0;
      this.elkanKey = '';
      this.place(x, d, kp, false);
    } else this.layout(x, d, k);
    this.loadCentroids(c, cNorm, k, d, kp);
    const idx = m.i32(this.idxAt, WASM_CHUNK);
    const lab = m.i32(this.labAt, WASM_CHUNK);
    const o1 = m.f32(this.o1At, WASM_CHUNK);
    const o2 = m.f32(this.o2At, WASM_CHUNK);
    const stage = this.resident ? null : m.f32(this.stageAt, WASM_CHUNK * d);
    const out = { d, ct: this.ctAt, cn: this.cnAt, kp, lab: this.labAt, o1: this.o1At, o2: this.o2At };
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
    const kp = Math.ceil(k / 4) * 4;
    const extra = n * (4 + 4 + 4 + 8 + kp * 4) + k * (d * 12 + kp * 4 + 24) + this.driftSteps * kp * 4 + 1024;
    if (x.byteLength + extra + 4 * (kp * (d + 1) + 4 * WASM_CHUNK) > this.maxResidentBytes) return null;
    // A fresh layout each run: the regions of an earlier run are not reused.
    this.x = null;
    this.layout(x, d, k);
    if (!this.resident) return null;
    const m = this.kernels;
    let at: ReturnType<typeof placeElkan>;
    try {
      at = placeElkan(m, n, k, d, kp, this.driftSteps);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      this.x = null;
      return null;
    }
    // (No allocation after this point: growing the memory would detach the views below.)
    this.elkanKey = `${n},${k}`;
    const labels = m.i32(at.labels, n);
    const upper = m.f64(at.ub, n);
    const lb = m.f32(at.lb, n * kp);
    const sums = m.f64(at.sums, k * d);
    const counts = m.f64(at.counts, k);
    m.calls.sqnorms({ x: this.xAt, d, n, out: at.xn });
    const xnAt = at.xn;
    /**
     * Every distance of every row by the blocked kernel (exact lower bounds, new labels and upper bounds); rows
     * that change centroid move their sums. Used for the initial assignment and for the first step, where the
     * centroids move far and Elkan's bounds would let through most distances anyway.
     */
    const full = (c: Float32Array, initial: boolean): number => {
      this.loadCentroids(c, rowNorms(c, k, d), k, d, kp);
      const lab = m.i32(this.labAt, WASM_CHUNK);
      const o1 = m.f32(this.o1At, WASM_CHUNK);
      const xn = m.f32(xnAt, n);
      let moved = 0;
      for (let start = 0; start < n; start += WASM_CHUNK) {
        const rows = Math.min(WASM_CHUNK, n - start);
        m.calls.nearestAll({
          x: this.xAt + start * d * 4,
          d,
          count: rows,
          ct: this.ctAt,
          cn: this.cnAt,
          kp,
          lab: this.labAt,
          o1: this.o1At,
          o2: this.o2At,
          xn: xnAt + start * 4,
          dist: at.lb + start * kp * 4,
          squared: false,
        });
        for (let r = 0; r < rows; r++) {
          const i = start + r;
          const a = lab[r] as number;
          upper[i] = Math.sqrt(Math.max((xn[i] as number) + (o1[r] as number), 0)) * (1 + 2 ** -20);
          const old = labels[i] as number;
          if (initial) labels[i] = a;
          else if (a !== old) {
            labels[i] = a;
            addRow(sums, counts, x, i, old, d, -1);
            addRow(sums, counts, x, i, a, d, 1);
            moved++;
          }
        }
      }
      return moved;
    };
    sums.fill(0);
    counts.fill(0);
    full(init, true);
    m.calls.accumulate({ x: this.xAt, d, n, labels: at.labels, sums: at.sums, counts: at.counts });
    const drift = m.f32(at.drift, this.driftSteps * kp);
    const stamp = m.i32(at.stamp, n);
    drift.fill(0, 0, kp);
    stamp.fill(0);
    let steps = 0;
    let now = 0;
    const key = this.elkanKey;
    const check = () => {
      if (this.elkanKey !== key) throw new Error('ElkanState used after its engine started another run');
    };
    return {
      labels,
      upper,
      sums,
      counts,
      step: (c, shift) => {
        check();
        now++;
        if (steps++ === 0 || now === this.driftSteps) {
          // The first step (centroids move far) and every driftSteps steps (the drift table is full): all
          // bounds exact again, the table restarts.
          if (now === this.driftSteps) {
            now = 0;
            drift.fill(0, 0, kp);
          } else
            for (let j = 0; j < kp; j++) drift[now * kp + j] = (drift[(now - 1) * kp + j] as number) + (shift[j] ?? 0);
          stamp.fill(now);
          return full(c, false);
        }
        // Summed shifts up to this step (padding lanes stay 0).
        for (let j = 0; j < k; j++) drift[now * kp + j] = (drift[(now - 1) * kp + j] as number) + (shift[j] as number);
        for (let j = k; j < kp; j++) drift[now * kp + j] = 0;
        m.f32(at.c, k * d).set(c.subarray(0, k * d));
        m.f64(at.shift, k).set(shift.subarray(0, k));
        const hcc = m.f32(at.hcc, k * kp);
        hcc.fill(Number.POSITIVE_INFINITY);
        const sHalf = m.f64(at.s, k);
        sHalf.fill(Number.POSITIVE_INFINITY);
        for (let j = 0; j < k; j++) {
          for (let q = j + 1; q < k; q++) {
            let sq = 0;
            for (let t = 0; t < d; t++) {
              const v = (c[j * d + t] as number) - (c[q * d + t] as number);
              sq += v * v;
            }
            const h = 0.5 * Math.sqrt(sq);
            hcc[j * kp + q] = h;
            hcc[q * kp + j] = h;
            if (h < (sHalf[j] as number)) sHalf[j] = h;
            if (h < (sHalf[q] as number)) sHalf[q] = h;
          }
        }
        return m.calls.elkan({ ...at, x: this.xAt, d, n, k, kp, now });
      },
      resetRow: (i) => {
        check();
        lb.fill(0, i * kp, i * kp + k);
        stamp[i] = now;
      },
      inertia: (c) => {
        check();
        m.f32(at.c, k * d).set(c.subarray(0, k * d));
        return m.calls.inertia({ x: this.xAt, d, n, c: at.c, labels: at.labels });
      },
    };
  }
}

/** The regions of Elkan's state in a kernel's memory (byte offsets). Throws RangeError when memory runs out. */
function placeElkan(m: KernelInstance, n: number, k: number, d: number, kp: number, driftSteps: number) {
  return {
    labels: m.alloc(n * 4),
    ub: m.alloc(n * 8),
    lb: m.alloc(n * kp * 4),
    c: m.alloc(k * d * 4),
    drift: m.alloc(driftSteps * kp * 4),
    stamp: m.alloc(n * 4),
    shift: m.alloc(k * 8),
    s: m.alloc(k * 8),
    hcc: m.alloc(k * kp * 4),
    sums: m.alloc(k * d * 8),
    counts: m.alloc(k * 8),
    xn: m.alloc(n * 4),
  };
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
  const kp = Math.ceil(k / 4) * 4;
  const rows = Math.max(1, Math.min(WASM_CHUNK, n));
  const xAt = m.alloc(rows * d * 4);
  const ctAt = m.alloc(kp * d * 4);
  const cnAt = m.alloc(kp * 4);
  const xnAt = m.alloc(rows * 4);
  const sqAt = m.alloc(rows * kp * 4);
  const labAt = m.alloc(rows * 4 + 16);
  const o1At = m.alloc(rows * 4 + 16);
  const o2At = m.alloc(rows * 4 + 16);
  loadCentroids(m, ctAt, cnAt, c, rowNorms(c, k, d), k, d, kp);
  const xs = m.f32(xAt, rows * d);
  const sq = m.f32(sqAt, rows * kp);
  const out = new Float32Array(n * k);
  for (let start = 0; start < n; start += rows) {
    const count = Math.min(rows, n - start);
    xs.set(x.subarray(start * d, (start + count) * d));
    m.calls.sqnorms({ x: xAt, d, n: count, out: xnAt });
    m.calls.nearestAll({
      x: xAt,
      d,
      count,
      ct: ctAt,
      cn: cnAt,
      kp,
      lab: labAt,
      o1: o1At,
      o2: o2At,
      xn: xnAt,
      dist: sqAt,
      squared: true,
    });
    if (kp === k) out.set(sq.subarray(0, count * k), start * k);
    else for (let r = 0; r < count; r++) out.set(sq.subarray(r * kp, r * kp + k), (start + r) * k);
  }
  return out;
}
