import { SerializationError } from '../core/errors.js';
import { KernelInstance } from '../wasm/kernels.js';

/** Activation of a dense layer in a {@link StudentNet}. */
export type StudentActivation = 'relu' | 'linear';

/** One dense layer: `out = act(in · kernel + bias)` with `kernel` row-major `[inSize, outSize]` (tfjs layout). */
export interface StudentLayer {
  readonly inSize: number;
  readonly outSize: number;
  readonly kernel: Float32Array;
  readonly bias: Float32Array;
  readonly activation: StudentActivation;
}

/**
 * A layer as the plain forward pass reads it: float64 parameters (no conversion per multiply), the kernel
 * transposed to `[outSize, inSize]` so that each output's weights are contiguous and in input order.
 */
interface ServingLayer {
  readonly inSize: number;
  readonly outSize: number;
  readonly kernelT: Float64Array;
  /** The kernel row-major `[inSize, outSize]`, for one row at a time (zero inputs skipped). */
  readonly kernel: Float64Array;
  readonly bias: Float64Array;
  readonly relu: boolean;
}

/** The JSON form of a {@link StudentLayer}. */
export interface StudentLayerJSON {
  inSize: number;
  outSize: number;
  kernel: number[];
  bias: number[];
  activation: StudentActivation;
}

/**
 * A small dense classifier evaluated in plain TypeScript over typed arrays (no tfjs): the serving form of the
 * distilled student. Inputs are standardized with the stored `mean`/`scale` first; the last layer gives one logit
 * per group.
 */
export class StudentNet {
  readonly inputSize: number;
  readonly outputSize: number;
  private readonly mean: Float32Array;
  private readonly invScale: Float32Array;
  private readonly layers: readonly StudentLayer[];
  /** The same layers in the form {@link StudentNet.forwardBlock} reads. */
  private readonly serving: readonly ServingLayer[];
  private readonly mean64: Float64Array;
  private readonly invScale64: Float64Array;
  /** Widest layer (or input): the stride of one row in the block buffers. */
  private readonly width: number;
  private readonly blockA: Float64Array;
  private readonly blockB: Float64Array;
  /** Scratch of the one-row pass: the non-zero inputs of a layer and their kernel row offsets. */
  private readonly nzValue: Float64Array;
  private readonly nzIndex: Int32Array;
  /** The WebAssembly scorer, made on the first large batch (null: unavailable or switched off). */
  private wasm: WasmStudent | null | undefined;

  constructor(layers: readonly StudentLayer[], mean: Float32Array, scale: Float32Array) {
    if (layers.length === 0) throw new SerializationError('student: expected at least one layer');
    const first = layers[0] as StudentLayer;
    this.inputSize = first.inSize;
    this.outputSize = (layers[layers.length - 1] as StudentLayer).outSize;
    if (mean.length !== this.inputSize || scale.length !== this.inputSize) {
      throw new SerializationError(`student: expected mean and scale of length ${this.inputSize}`);
    }
    let prev = this.inputSize;
    let widest = this.inputSize;
    layers.forEach((l, i) => {
      if (l.inSize !== prev)
        throw new SerializationError(`student: layer ${i} expects ${l.inSize} inputs, previous gives ${prev}`);
      if (l.kernel.length !== l.inSize * l.outSize || l.bias.length !== l.outSize) {
        throw new SerializationError(
          `student: layer ${i} has kernel/bias sizes that do not match ${l.inSize}x${l.outSize}`,
        );
      }
      prev = l.outSize;
      widest = Math.max(widest, l.outSize);
    });
    this.layers = layers;
    this.mean = mean;
    this.invScale = scale.map((s) => (s > 0 ? 1 / s : 1));
    this.serving = layers.map((l) => {
      const kernelT = new Float64Array(l.inSize * l.outSize);
      for (let i = 0; i < l.inSize; i++)
        for (let k = 0; k < l.outSize; k++) kernelT[k * l.inSize + i] = l.kernel[i * l.outSize + k] as number;
      return {
        inSize: l.inSize,
        outSize: l.outSize,
        kernelT,
        kernel: Float64Array.from(l.kernel),
        bias: Float64Array.from(l.bias),
        relu: l.activation === 'relu',
      };
    });
    this.mean64 = Float64Array.from(this.mean);
    this.invScale64 = Float64Array.from(this.invScale);
    this.width = widest;
    this.blockA = new Float64Array(BLOCK_ROWS * widest);
    this.blockB = new Float64Array(BLOCK_ROWS * widest);
    this.nzValue = new Float64Array(widest);
    this.nzIndex = new Int32Array(widest);
  }

  /**
   * The serving forward pass: the logits of `rows` consecutive rows (1 to 4) of `X` from offset
   * `at`, left in (and returned as) an internal buffer that the next call overwrites, row `r`'s logits from
   * `r * width`. In float64, per output: `bias + w0 * z0 + w1 * z1 + ...` in input order over the standardized
   * inputs `z = (x - mean) * invScale`, the very arithmetic of {@link AllocationPolicy.toSQL} and of the
   * WebAssembly kernel, so SQL engines in double precision give the same groups. With four rows each weight is
   * loaded once for the four (about twice the speed of one row at a time); every row's sums are the same either way.
   * One row (the per-user path of `decide` and of the pacer) allocates nothing: see {@link denseOneRow}.
   */
  private forwardBlock(X: ArrayLike<number>, at: number, rows: number): Float64Array {
    const W = this.width;
    const d = this.inputSize;
    const mean = this.mean64;
    const inv = this.invScale64;
    let A = this.blockA;
    let B = this.blockB;
    for (let r = 0; r < rows; r++) {
      const o = r * W;
      const xo = at + r * d;
      for (let j = 0; j < d; j++) A[o + j] = ((X[xo + j] as number) - (mean[j] as number)) * (inv[j] as number);
    }
    const W2 = 2 * W;
    const W3 = 3 * W;
    const layers = this.serving;
    for (let li = 0; li < layers.length; li++) {
      const { inSize, outSize, kernelT: T, kernel, bias, relu } = layers[li] as ServingLayer;
      if (rows === 1) {
        denseOneRow(kernel, bias, inSize, outSize, relu, A, B, this.nzValue, this.nzIndex);
        const t = A;
        A = B;
        B = t;
        continue;
      }
      for (let k = 0; k < outSize; k++) {
        const w = k * inSize;
        const b = bias[k] as number;
        if (rows === BLOCK_ROWS) {
          let s0 = b;
          let s1 = b;
          let s2 = b;
          let s3 = b;
          for (let i = 0; i < inSize; i++) {
            const wi = T[w + i] as number;
            s0 += (A[i] as number) * wi;
            s1 += (A[W + i] as number) * wi;
            s2 += (A[W2 + i] as number) * wi;
            s3 += (A[W3 + i] as number) * wi;
          }
          B[k] = relu && s0 < 0 ? 0 : s0;
          B[W + k] = relu && s1 < 0 ? 0 : s1;
          B[W2 + k] = relu && s2 < 0 ? 0 : s2;
          B[W3 + k] = relu && s3 < 0 ? 0 : s3;
        } else {
          for (let r = 0; r < rows; r++) {
            const o = r * W;
            let s = b;
            for (let i = 0; i < inSize; i++) s += (A[o + i] as number) * (T[w + i] as number);
            B[o + k] = relu && s < 0 ? 0 : s;
          }
        }
      }
      const t = A;
      A = B;
      B = t;
    }
    return A;
  }

  /** Logits of one row (`x` from offset `at`, `inputSize` values) into `out`. */
  logits(x: ArrayLike<number>, at: number, out: Float32Array): Float32Array {
    const z = this.forwardBlock(x, at, 1);
    for (let k = 0; k < this.outputSize; k++) out[k] = z[k] as number;
    return out;
  }

  /** The most likely group of one row (the first one on a tie). `scratch` is kept for compatibility; unused. */
  argmax(x: ArrayLike<number>, at: number, _scratch?: Float32Array): number {
    return firstMax(this.forwardBlock(x, at, 1), 0, this.outputSize);
  }

  /**
   * The group of each of `n` rows of `X` (row-major, `inputSize` columns, from row `from`) into `groups`; the same
   * result as {@link argmax} row by row. Batches of 64 rows or more run in the library's WebAssembly SIMD kernel
   * (float64, every sum in the same order, so the same groups and the same SQL agreement) where available; see
   * `setWasmKernels`. Otherwise 4 rows at a time in plain TypeScript.
   */
  argmaxBatch(X: Float32Array, groups: Int32Array, from = 0, n = groups.length): Int32Array {
    const d = this.inputSize;
    if (n >= WASM_MIN_ROWS && KernelInstance.enabled()) {
      if (this.wasm === undefined) this.wasm = WasmStudent.create(this.layers, this.mean64, this.invScale64);
      if (this.wasm !== null) {
        this.wasm.argmax(X, from, n, groups);
        return groups;
      }
    }
    const W = this.width;
    const K = this.outputSize;
    for (let r = 0; r < n; r += BLOCK_ROWS) {
      const rows = Math.min(BLOCK_ROWS, n - r);
      const z = this.forwardBlock(X, (from + r) * d, rows);
      for (let q = 0; q < rows; q++) groups[r + q] = firstMax(z, q * W, K);
    }
    return groups;
  }

  /** Group probabilities of one row (softmax of the logits). */
  probabilities(x: ArrayLike<number>, at = 0): Float64Array {
    const z = this.forwardBlock(x, at, 1);
    let mx = -Infinity;
    for (let k = 0; k < this.outputSize; k++) mx = Math.max(mx, z[k] as number);
    const p = new Float64Array(this.outputSize);
    let s = 0;
    for (let k = 0; k < p.length; k++) {
      p[k] = Math.exp((z[k] as number) - mx);
      s += p[k] as number;
    }
    for (let k = 0; k < p.length; k++) p[k] = (p[k] as number) / s;
    return p;
  }

  /**
   * Copies of the exact parameters the student evaluates: the standardization (`mean`, and `invScale`, the
   * multiplier 1/scale as stored in float32) and the layers. Used to compile the student elsewhere, e.g. into SQL.
   */
  parameters(): { mean: Float32Array; invScale: Float32Array; layers: StudentLayer[] } {
    return {
      mean: this.mean.slice(),
      invScale: this.invScale.slice(),
      layers: this.layers.map((l) => ({ ...l, kernel: l.kernel.slice(), bias: l.bias.slice() })),
    };
  }

  /** Plain-JSON form (numbers as arrays). */
  toJSON(): { layers: StudentLayerJSON[]; mean: number[]; scale: number[] } {
    return {
      layers: this.layers.map((l) => ({
        inSize: l.inSize,
        outSize: l.outSize,
        kernel: Array.from(l.kernel),
        bias: Array.from(l.bias),
        activation: l.activation,
      })),
      mean: Array.from(this.mean),
      scale: Array.from(this.invScale, (v) => 1 / v),
    };
  }

  /** Rebuilds a student from untrusted JSON; throws SerializationError on anything off. */
  static fromJSON(value: unknown, maxParams = 50_000_000): StudentNet {
    const v = value as { layers?: unknown; mean?: unknown; scale?: unknown };
    if (typeof value !== 'object' || value === null || !Array.isArray(v.layers)) {
      throw new SerializationError('student: expected { layers, mean, scale }');
    }
    let params = 0;
    const layers = v.layers.map((raw: unknown, i: number): StudentLayer => {
      const l = raw as Partial<StudentLayerJSON>;
      if (typeof raw !== 'object' || raw === null)
        throw new SerializationError(`student.layers[${i}]: expected an object`);
      const inSize = l.inSize;
      const outSize = l.outSize;
      if (!isCount(inSize) || !isCount(outSize))
        throw new SerializationError(`student.layers[${i}]: inSize/outSize must be positive integers`);
      params += inSize * outSize + outSize;
      if (params > maxParams) throw new SerializationError(`student: more than ${maxParams} parameters`);
      if (l.activation !== 'relu' && l.activation !== 'linear') {
        throw new SerializationError(`student.layers[${i}].activation: expected 'relu' or 'linear'`);
      }
      return {
        inSize,
        outSize,
        kernel: finiteArray(l.kernel, inSize * outSize, `student.layers[${i}].kernel`),
        bias: finiteArray(l.bias, outSize, `student.layers[${i}].bias`),
        activation: l.activation,
      };
    });
    const d = layers[0]?.inSize ?? 0;
    return new StudentNet(layers, finiteArray(v.mean, d, 'student.mean'), finiteArray(v.scale, d, 'student.scale'));
  }
}

/** Rows of one pass of the plain forward ({@link StudentNet.forwardBlock}). */
const BLOCK_ROWS = 4;
/** Smallest batch sent to the WebAssembly scorer. */
const WASM_MIN_ROWS = 64;
/** Rows per kernel pass (activations of a pass stay in cache). */
const WASM_BLOCK = 256;

/**
 * The student on the WebAssembly kernels: standardization, dense layers (two rows by eight outputs per SIMD step,
 * float64, each output's sum in input order from the bias, as in {@link StudentNet}'s own loops) and argmax. Output
 * widths are padded to multiples of 8 with zero weights; the argmax reads only the real outputs.
 */
class WasmStudent {
  private constructor(
    private readonly m: KernelInstance,
    private readonly d: number,
    private readonly k: number,
    private readonly meanAt: number,
    private readonly invAt: number,
    private readonly layers: readonly { at: number; biasAt: number; inSize: number; outP: number; relu: boolean }[],
    private readonly xAt: number,
    private readonly zAt: number,
    private readonly aAt: number,
    private readonly bAt: number,
    private readonly outAt: number,
  ) {}

  static create(layers: readonly StudentLayer[], mean: Float64Array, inv: Float64Array): WasmStudent | null {
    const m = KernelInstance.create();
    if (m === null) return null;
    const d = mean.length;
    const pad = (v: number) => Math.ceil(v / 8) * 8;
    const widest = Math.max(...layers.map((l) => pad(l.outSize)));
    const meanAt = m.alloc(d * 8);
    const invAt = m.alloc(d * 8);
    const placed = layers.map((l) => {
      const outP = pad(l.outSize);
      const relu = l.activation === 'relu';
      return { at: m.alloc(l.inSize * outP * 8), biasAt: m.alloc(outP * 8), inSize: l.inSize, outP, relu };
    });
    const xAt = m.alloc(WASM_BLOCK * d * 4);
    const zAt = m.alloc(WASM_BLOCK * d * 8);
    const aAt = m.alloc(WASM_BLOCK * widest * 8);
    const bAt = m.alloc(WASM_BLOCK * widest * 8);
    const outAt = m.alloc(WASM_BLOCK * 4);
    m.f64(meanAt, d).set(mean);
    m.f64(invAt, d).set(inv);
    layers.forEach((l, li) => {
      const p = placed[li] as (typeof placed)[number];
      const kernel = m.f64(p.at, l.inSize * p.outP);
      for (let i = 0; i < l.inSize; i++) kernel.set(l.kernel.subarray(i * l.outSize, (i + 1) * l.outSize), i * p.outP);
      m.f64(p.biasAt, p.outP).set(l.bias);
    });
    const k = (layers[layers.length - 1] as StudentLayer).outSize;
    return new WasmStudent(m, d, k, meanAt, invAt, placed, xAt, zAt, aAt, bAt, outAt);
  }

  argmax(X: Float32Array, from: number, n: number, groups: Int32Array): void {
    const { m, d } = this;
    const e = m.calls;
    const x = m.f32(this.xAt, WASM_BLOCK * d);
    const out = m.i32(this.outAt, WASM_BLOCK);
    for (let start = 0; start < n; start += WASM_BLOCK) {
      const rows = Math.min(WASM_BLOCK, n - start);
      x.set(X.subarray((from + start) * d, (from + start + rows) * d));
      e.standardize({ x: this.xAt, n: rows, d, mean: this.meanAt, inv: this.invAt, out: this.zAt });
      let input = this.zAt;
      let stride = d;
      let output = this.aAt;
      for (const l of this.layers) {
        e.dense({
          input,
          inStride: stride,
          n: rows,
          kernel: l.at,
          bias: l.biasAt,
          inSize: l.inSize,
          outP: l.outP,
          relu: l.relu,
          out: output,
        });
        input = output;
        stride = l.outP;
        output = output === this.aAt ? this.bAt : this.aAt;
      }
      e.argmax({ input, stride, n: rows, k: this.k, out: this.outAt });
      groups.set(rows === WASM_BLOCK ? out : out.subarray(0, rows), start);
    }
  }
}

/** Index of the first largest of `k` values of `z` from `at`. */
function firstMax(z: Float64Array, at: number, k: number): number {
  let best = 0;
  let top = z[at] as number;
  for (let j = 1; j < k; j++) {
    const v = z[at + j] as number;
    if (v > top) {
      top = v;
      best = j;
    }
  }
  return best;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= 1_000_000;
}

/** Validates an untrusted array of finite numbers of an exact length. */
export function finiteArray(v: unknown, length: number, where: string): Float32Array {
  if (!Array.isArray(v) || v.length !== length) {
    throw new SerializationError(`${where}: expected an array of ${length} numbers`);
  }
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw new SerializationError(`${where}[${i}]: expected a finite number`);
    out[i] = x;
  }
  return out;
}

/**
 * One row of a dense layer: `out = act(bias + sum_i in_i * kernel_i)` over the row-major kernel, each output's sum
 * from its bias in input order. Zero inputs (ReLU zeros) are skipped, which adds exact zeros, so the sums are those
 * of the full loop; the non-zero inputs are gathered once without branches (`vs`, `ix`: scratch for their values and
 * kernel row offsets), and outputs are accumulated eight at a time in locals, so a weight is loaded once and no
 * partial sum goes through memory.
 */
function denseOneRow(
  W: Float64Array,
  bias: Float64Array,
  inSize: number,
  outSize: number,
  relu: boolean,
  input: Float64Array,
  out: Float64Array,
  vs: Float64Array,
  ix: Int32Array,
): void {
  let nz = 0;
  for (let i = 0; i < inSize; i++) {
    const v = input[i] as number;
    vs[nz] = v;
    ix[nz] = i * outSize;
    nz += v !== 0 ? 1 : 0;
  }
  let k = 0;
  for (; k + 8 <= outSize; k += 8) {
    let s0 = bias[k] as number;
    let s1 = bias[k + 1] as number;
    let s2 = bias[k + 2] as number;
    let s3 = bias[k + 3] as number;
    let s4 = bias[k + 4] as number;
    let s5 = bias[k + 5] as number;
    let s6 = bias[k + 6] as number;
    let s7 = bias[k + 7] as number;
    for (let n = 0; n < nz; n++) {
      const v = vs[n] as number;
      const w = (ix[n] as number) + k;
      s0 += v * (W[w] as number);
      s1 += v * (W[w + 1] as number);
      s2 += v * (W[w + 2] as number);
      s3 += v * (W[w + 3] as number);
      s4 += v * (W[w + 4] as number);
      s5 += v * (W[w + 5] as number);
      s6 += v * (W[w + 6] as number);
      s7 += v * (W[w + 7] as number);
    }
    if (relu) {
      if (s0 < 0) s0 = 0;
      if (s1 < 0) s1 = 0;
      if (s2 < 0) s2 = 0;
      if (s3 < 0) s3 = 0;
      if (s4 < 0) s4 = 0;
      if (s5 < 0) s5 = 0;
      if (s6 < 0) s6 = 0;
      if (s7 < 0) s7 = 0;
    }
    out[k] = s0;
    out[k + 1] = s1;
    out[k + 2] = s2;
    out[k + 3] = s3;
    out[k + 4] = s4;
    out[k + 5] = s5;
    out[k + 6] = s6;
    out[k + 7] = s7;
  }
  for (; k < outSize; k++) {
    let s = bias[k] as number;
    for (let n = 0; n < nz; n++) s += (vs[n] as number) * (W[(ix[n] as number) + k] as number);
    out[k] = relu && s < 0 ? 0 : s;
  }
}
