import type { KernelInstance } from '../wasm/kernels.js';
import { rowNorms } from './distance.js';
import type { ElkanState } from './engine.js';
import { addRow, halfDistances } from './lloyd.js';
import { loadCentroids, paddedK, type ScanRegions, WASM_CHUNK } from './wasm-scan.js';

export type { ElkanState };

/**
 * Elkan's k-means state on the WebAssembly kernels, all of it in this module: the regions it lays out in a kernel's
 * memory, the upper bound and k lower bounds per row, the drift table and stamps that let the kernel move a row's
 * lower bounds only when it examines the row, the half centroid distances of each step, and the re-anchoring (all
 * bounds exact again by a full scan) on the first step and whenever the drift table is full. `lloyd` drives it
 * through {@link ElkanState}; the wasm engine creates it for rows resident in its kernel's memory.
 */

/** Steps of summed centroid shifts kept for the lazily moved lower bounds (then all bounds are made exact). */
export const DRIFT_STEPS = 64;

/** Byte sizes of the regions, in layout order (see the `elkan` kernel for what each holds). */
function regionSizes(n: number, k: number, d: number, kp: number, driftSteps: number) {
  return {
    labels: n * 4,
    ub: n * 8,
    lb: n * kp * 4,
    c: k * d * 4,
    drift: driftSteps * kp * 4,
    stamp: n * 4,
    shift: k * 8,
    s: k * 8,
    hcc: k * kp * 4,
    sums: k * d * 8,
    counts: k * 8,
    xn: n * 4,
  };
}

type Layout = { readonly [R in keyof ReturnType<typeof regionSizes>]: number };

/** Bytes the state takes in kernel memory besides the rows and the scan regions (with room for alignment). */
export function elkanBytes(n: number, k: number, d: number, driftSteps: number): number {
  const sizes = regionSizes(n, k, d, paddedK(k), driftSteps);
  return Object.values(sizes).reduce((a, b) => a + b, 0) + 1024;
}

/** Elkan's state for `n` rows resident in `m` at byte offset `xAt` (see the module's description). */
export class KernelElkan implements ElkanState {
  readonly labels: Int32Array;
  readonly upper: Float64Array;
  readonly sums: Float64Array;
  readonly counts: Float64Array;
  private readonly lb: Float32Array;
  private readonly drift: Float32Array;
  private readonly stamp: Int32Array;
  private readonly kp: number;
  private steps = 0;
  /** The current row of the drift table. */
  private now = 0;
  private live = true;

  private constructor(
    private readonly m: KernelInstance,
    private readonly scan: ScanRegions,
    private readonly at: Layout,
    private readonly xAt: number,
    private readonly x: Float32Array,
    private readonly n: number,
    private readonly d: number,
    private readonly k: number,
    private readonly driftSteps: number,
  ) {
    const kp = paddedK(k);
    this.kp = kp;
    this.labels = m.i32(at.labels, n);
    this.upper = m.f64(at.ub, n);
    this.lb = m.f32(at.lb, n * kp);
    this.sums = m.f64(at.sums, k * d);
    this.counts = m.f64(at.counts, k);
    this.drift = m.f32(at.drift, driftSteps * kp);
    this.stamp = m.i32(at.stamp, n);
  }

  /**
   * Lays out the state after whatever `m` holds (the rows of `x` at `xAt`, the scan regions) and assigns every row
   * to its nearest of `init`. Null when the memory cannot grow that far (nothing usable is left laid out then).
   */
  static create(
    m: KernelInstance,
    scan: ScanRegions,
    xAt: number,
    x: Float32Array,
    n: number,
    d: number,
    init: Float32Array,
    k: number,
    driftSteps: number,
  ): KernelElkan | null {
    let at: Layout;
    try {
      const sizes = regionSizes(n, k, d, paddedK(k), driftSteps);
      at = Object.fromEntries(Object.entries(sizes).map(([name, bytes]) => [name, m.alloc(bytes)])) as Layout;
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      return null;
    }
    // (No allocation after this point: growing the memory would detach the views.)
    const state = new KernelElkan(m, scan, at, xAt, x, n, d, k, driftSteps);
    state.start(init);
    return state;
  }

  /** Marks the state unusable (its engine laid out its memory anew). */
  retire(): void {
    this.live = false;
  }

  private check(): void {
    if (!this.live) throw new Error('ElkanState used after its engine started another run');
  }

  private start(init: Float32Array): void {
    const { m, at, xAt, d, n, kp } = this;
    m.calls.sqnorms({ x: xAt, d, n, out: at.xn });
    this.sums.fill(0);
    this.counts.fill(0);
    this.rescanAll(init, true);
    m.calls.accumulate({ x: xAt, d, n, labels: at.labels, sums: at.sums, counts: at.counts });
    this.drift.fill(0, 0, kp);
    this.stamp.fill(0);
  }

  /**
   * Every distance of every row by the blocked kernel (exact lower bounds, new labels and upper bounds); rows
   * that change centroid move their sums (`initial`: labels only). Used for the initial assignment and to
   * re-anchor the bounds, on the first step (the centroids move far and the bounds would let most distances
   * through anyway) and when the drift table is full.
   */
  private rescanAll(c: Float32Array, initial: boolean): number {
    const { m, scan, at, x, n, d, k, kp, labels, upper, sums, counts } = this;
    loadCentroids(m, scan, c, rowNorms(c, k, d), k, d, kp);
    const lab = m.i32(scan.lab, WASM_CHUNK);
    const o1 = m.f32(scan.o1, WASM_CHUNK);
    const xn = m.f32(at.xn, n);
    let moved = 0;
    for (let start = 0; start < n; start += WASM_CHUNK) {
      const rows = Math.min(WASM_CHUNK, n - start);
      m.calls.nearestAll({
        ...scan,
        x: this.xAt + start * d * 4,
        d,
        count: rows,
        kp,
        xn: at.xn + start * 4,
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
  }

  /** Row `now` of the drift table: row `now - 1` plus this step's shifts (padding lanes stay 0). */
  private addDrift(shift: Float64Array): void {
    const { drift, k, kp, now } = this;
    for (let j = 0; j < k; j++) drift[now * kp + j] = (drift[(now - 1) * kp + j] as number) + (shift[j] as number);
    for (let j = k; j < kp; j++) drift[now * kp + j] = 0;
  }

  step(c: Float32Array, shift: Float64Array): number {
    this.check();
    const { m, at, d, n, k, kp } = this;
    this.now++;
    if (this.steps++ === 0 || this.now === this.driftSteps) {
      // Re-anchor: all bounds exact again; when the drift table is full it restarts.
      if (this.now === this.driftSteps) {
        this.now = 0;
        this.drift.fill(0, 0, kp);
      } else this.addDrift(shift);
      this.stamp.fill(this.now);
      return this.rescanAll(c, false);
    }
    this.addDrift(shift);
    m.f32(at.c, k * d).set(c.subarray(0, k * d));
    m.f64(at.shift, k).set(shift.subarray(0, k));
    const hcc = m.f32(at.hcc, k * kp);
    hcc.fill(Number.POSITIVE_INFINITY);
    halfDistances(c, k, d, m.f64(at.s, k), { out: hcc, stride: kp });
    return m.calls.elkan({ ...at, x: this.xAt, d, n, k, kp, now: this.now });
  }

  resetRow(i: number): void {
    this.check();
    this.lb.fill(0, i * this.kp, i * this.kp + this.k);
    this.stamp[i] = this.now;
  }

  inertia(c: Float32Array): number {
    this.check();
    const { m, at, d, n, k } = this;
    m.f32(at.c, k * d).set(c.subarray(0, k * d));
    return m.calls.inertia({ x: this.xAt, d, n, c: at.c, labels: at.labels });
  }
}
