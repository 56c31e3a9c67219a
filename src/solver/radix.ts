/**
 * Stable sort of upgrades by decreasing float64 key, for the per-user knapsack path. The keys are read from a
 * Float64Array whose bytes are then free for reuse. LSD radix sort in three 16-bit passes on the top 48 bits of
 * the order-preserving integer image of each key (sign, exponent and 36 mantissa bits), carrying the upgrade
 * 32-bit `payload` of each element; runs that tie on those 48 bits are then ordered by the exact key, recomputed
 * from the payload by `exactKey`. Equal keys keep the input order. Memory: 20 bytes per element on top of the keys
 * and payload.
 *
 * Returns the payloads in sorted order (`order`, a view into the second half of an 8-byte-per-element buffer whose bytes the
 * caller may reuse as a Float64Array, writing element a only after reading order[a]) and two spare 4-byte-per-element
 * buffers the caller may reuse.
 */
export function sortDescending(
  keys: Float64Array,
  payload: Uint32Array,
  count: number,
  exactKey: (payload: number) => number,
): { order: Uint32Array; spareA: Int32Array; spareB: Int32Array } {
  const n = count;
  const bits = new Uint32Array(keys.buffer, keys.byteOffset, 2 * n);
  // Ping-pong buffers: indices (8 bytes per element: halves A and B), high words, and low 16 bits of the low word.
  const idxBuf = new ArrayBuffer(8 * n);
  const idxA = new Uint32Array(idxBuf, 0, n);
  const idxB = new Uint32Array(idxBuf, 4 * n, n);
  // High words are kept as int32 bit patterns (digits are extracted with >>> and &), so the JIT stays in int32.
  const hiA = new Int32Array(n);
  const hiB = new Int32Array(n);
  const loA = new Uint16Array(n);
  const loB = new Uint16Array(n);
  const c0 = new Uint32Array(65536);
  const c1 = new Uint32Array(65536);
  const c2 = new Uint32Array(65536);
  // Descending order of the float = ascending order of the complemented order-preserving image.
  for (let i = 0; i < n; i++) {
    let hi = bits[2 * i + 1] as number | 0;
    let lo = bits[2 * i] as number | 0;
    if (hi < 0) {
      hi = ~hi;
      lo = ~lo;
    } else {
      hi = hi | 0x80000000;
    }
    hi = ~hi;
    const l16 = (~lo >>> 16) & 0xffff;
    hiA[i] = hi;
    loA[i] = l16;
    c0[l16] = (c0[l16] as number) + 1;
    c1[hi & 0xffff] = (c1[hi & 0xffff] as number) + 1;
    c2[hi >>> 16] = (c2[hi >>> 16] as number) + 1;
  }
  prefix(c0);
  prefix(c1);
  prefix(c2);
  // Pass 1 (low 16 bits of the low word's top half), from the identity order into B.
  for (let i = 0; i < n; i++) {
    const d = loA[i] as number;
    const p = c0[d] as number;
    c0[d] = p + 1;
    idxB[p] = payload[i] as number;
    hiB[p] = hiA[i] as number;
    loB[p] = d;
  }
  // Pass 2 (low half of the high word), B -> A.
  for (let a = 0; a < n; a++) {
    const h = hiB[a] as number;
    const d = h & 0xffff;
    const p = c1[d] as number;
    c1[d] = p + 1;
    idxA[p] = idxB[a] as number;
    hiA[p] = h;
    loA[p] = loB[a] as number;
  }
  // Pass 3 (high half of the high word), A -> B.
  for (let a = 0; a < n; a++) {
    const h = hiA[a] as number;
    const d = h >>> 16;
    const p = c2[d] as number;
    c2[d] = p + 1;
    idxB[p] = idxA[a] as number;
    hiB[p] = h;
    loB[p] = loA[a] as number;
  }
  // Exact order inside runs tied on 48 bits.
  let s = 0;
  while (s < n) {
    let e = s + 1;
    while (e < n && hiB[e] === hiB[s] && loB[e] === loB[s]) e++;
    if (e - s > 1) fixRun(idxB, s, e, exactKey);
    s = e;
  }
  return { order: idxB, spareA: hiA, spareB: hiB };
}

function prefix(c: Uint32Array): void {
  let sum = 0;
  for (let d = 0; d < c.length; d++) {
    const t = c[d] as number;
    c[d] = sum;
    sum += t;
  }
}

function fixRun(idx: Uint32Array, s: number, e: number, exactKey: (index: number) => number): void {
  const first = exactKey(idx[s] as number);
  let allEqual = true;
  for (let a = s + 1; a < e && allEqual; a++) if (exactKey(idx[a] as number) !== first) allEqual = false;
  if (allEqual) return; // stable: already in input order
  const run = Array.from(idx.subarray(s, e));
  const key = new Map(run.map((i) => [i, exactKey(i)]));
  const pos = new Map(run.map((i, r) => [i, r]));
  run.sort(
    (a, b) => (key.get(b) as number) - (key.get(a) as number) || (pos.get(a) as number) - (pos.get(b) as number),
  );
  idx.set(run, s);
}
