import type { StudentNet } from '../policy/student.js';

interface KernelLayer {
  readonly inSize: number;
  readonly outSize: number;
  /** Row-major `[inSize, outSize]`, float64. */
  readonly kernel: Float64Array;
  readonly bias: Float64Array;
  readonly relu: boolean;
}

/**
 * The student's group of one row for the pacer's per-user hot path: the same parameters as {@link StudentNet}
 * (read once from `student.parameters()`), the same float64 arithmetic and the same order of every sum (each output
 * from its bias, then the inputs in order, zero inputs skipped as they add exact zeros), so it gives the very group
 * of `student.argmax`. It differs only in schedule: the non-zero inputs of a layer are gathered once without
 * branches, and outputs are accumulated eight at a time in locals, so a weight is loaded once and no partial sum
 * goes through memory. Nothing is allocated per call.
 */
export class GroupKernel {
  readonly inputSize: number;
  readonly outputSize: number;
  private readonly mean: Float64Array;
  private readonly invScale: Float64Array;
  private readonly layers: readonly KernelLayer[];
  private readonly bufA: Float64Array;
  private readonly bufB: Float64Array;
  /** Non-zero inputs of the current layer: values and their indices. */
  private readonly nzValue: Float64Array;
  private readonly nzIndex: Int32Array;

  constructor(student: StudentNet) {
    const p = student.parameters();
    this.mean = Float64Array.from(p.mean);
    this.invScale = Float64Array.from(p.invScale);
    this.layers = p.layers.map((l) => ({
      inSize: l.inSize,
      outSize: l.outSize,
      kernel: Float64Array.from(l.kernel),
      bias: Float64Array.from(l.bias),
      relu: l.activation === 'relu',
    }));
    this.inputSize = this.mean.length;
    this.outputSize = (this.layers[this.layers.length - 1] as KernelLayer).outSize;
    let widest = this.inputSize;
    for (const l of this.layers) widest = Math.max(widest, l.outSize);
    this.bufA = new Float64Array(widest);
    this.bufB = new Float64Array(widest);
    this.nzValue = new Float64Array(widest);
    this.nzIndex = new Int32Array(widest);
  }

  /** The most likely group of the row of `x` at offset `at` (the first one on a tie), as `student.argmax`. */
  group(x: ArrayLike<number>, at: number): number {
    let cur = this.bufA;
    let nxt = this.bufB;
    const d = this.inputSize;
    const mean = this.mean;
    const inv = this.invScale;
    for (let j = 0; j < d; j++) cur[j] = ((x[at + j] as number) - (mean[j] as number)) * (inv[j] as number);
    const layers = this.layers;
    for (let li = 0; li < layers.length; li++) {
      const l = layers[li] as KernelLayer;
      dense(l.kernel, l.bias, l.inSize, l.outSize, l.relu, cur, nxt, this.nzValue, this.nzIndex);
      const t = cur;
      cur = nxt;
      nxt = t;
    }
    const K = this.outputSize;
    let best = 0;
    let top = cur[0] as number;
    for (let k = 1; k < K; k++) {
      const v = cur[k] as number;
      if (v > top) {
        top = v;
        best = k;
      }
    }
    return best;
  }
}

/**
 * `out = act(bias + sum_i in_i * kernel_i)`, each sum in input order over the non-zero inputs (`vs`, `ix`: scratch
 * for their values and kernel row offsets).
 */
function dense(
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
