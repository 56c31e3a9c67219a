/**
 * Stable sort of upgrades by decreasing float64 key, for the per-user knapsack path. The keys are read from a
 * Float64Array whose bytes are then free for reuse. LSD radix sort in six 8-bit passes (a pass whose digit is the same for all elements is skipped) on the top 48 bits of
 * the order-preserving integer image of each key (sign, exponent and 36 mantissa bits), carrying the upgrade
 * 32-bit `payload` of each element; runs that tie on those 48 bits are then ordered by the exact key, recomputed
 * from the payload by `exactKey`. Equal keys keep the input order. Float64 `carry` columns travel with the
 * elements, so the caller never gathers from random positions afterwards. Memory: 20 bytes per element, plus 8 per
 * carried column after the first, on top of the keys, payload and carried inputs (all of which are overwritten).
 *
 * Returns the payloads and carried columns in sorted order, and two spare 4-byte-per-element buffers the caller
 * may reuse.
 */
export function sortDescending(
  keys: Float64Array,
  payload: Uint32Array,
  count: number,
  exactKey: (payload: number) => number,
  carry: readonly Float64Array[] = [],
): { order: Uint32Array; spareA: Int32Array; spareB: Int32Array; carried: Float64Array[] } {
  const n = count;
  const nc = carry.length;
  const bits = new Uint32Array(keys.buffer, keys.byteOffset, 2 * n);
  // Ping-pong buffers: payloads, high words (int32 bit patterns, so the JIT stays in int32), top 16 bits of the
  // low words, carried columns (the carried input is reused as the second buffer).
  let idxS: Uint32Array = payload.subarray(0, n);
  let idxD: Uint32Array = new Uint32Array(n);
  let hiS = new Int32Array(n);
  let hiD = new Int32Array(n);
  let loS = new Uint16Array(n);
  let loD = new Uint16Array(n);
  let cS: Float64Array[] = carry.map((c) => c.subarray(0, n));
  // The first carried column's second buffer is allocated after the keys are read: it reuses the keys' bytes.
  let cD: Float64Array[] = carry.map((_, t) => (t === 0 ? new Float64Array(0) : new Float64Array(n)));
  // Six 8-bit digits, least significant first: two of the low word's top 16 bits, four of the high word.
  const counts = new Uint32Array(6 * 256);
  // Descending order of the float = ascending order of the complemented order-preserving image.
  for (let i = 0; i < n; i++) {
    let hi = (bits[2 * i + 1] as number) | 0;
    let lo = (bits[2 * i] as number) | 0;
    if (hi < 0) {
      hi = ~hi;
      lo = ~lo;
    } else {
      hi = hi | 0x80000000;
    }
    hi = ~hi;
    const l16 = (~lo >>> 16) & 0xffff;
    hiS[i] = hi;
    loS[i] = l16;
    counts[l16 & 0xff] = (counts[l16 & 0xff] as number) + 1;
    counts[256 + (l16 >>> 8)] = (counts[256 + (l16 >>> 8)] as number) + 1;
    counts[512 + (hi & 0xff)] = (counts[512 + (hi & 0xff)] as number) + 1;
    counts[768 + ((hi >>> 8) & 0xff)] = (counts[768 + ((hi >>> 8) & 0xff)] as number) + 1;
    counts[1024 + ((hi >>> 16) & 0xff)] = (counts[1024 + ((hi >>> 16) & 0xff)] as number) + 1;
    counts[1280 + (hi >>> 24)] = (counts[1280 + (hi >>> 24)] as number) + 1;
  }
  if (nc > 0) cD[0] = keys.subarray(0, n);
  for (let pass = 0; pass < 6; pass++) {
    const c = counts.subarray(pass * 256, (pass + 1) * 256);
    let single = false;
    for (let d = 0; d < 256; d++) if (c[d] === n) single = true;
    if (single || n === 0) continue; // every element has the same digit: nothing moves
    let sum = 0;
    for (let d = 0; d < 256; d++) {
      const t = c[d] as number;
      c[d] = sum;
      sum += t;
    }
    const useLo = pass < 2;
    const shift = (pass % 2 === 0 ? 0 : 8) + (pass >= 4 ? 16 : 0);
    for (let a = 0; a < n; a++) {
      const h = hiS[a] as number;
      const l = loS[a] as number;
      const d = ((useLo ? l : h) >>> shift) & 0xff;
      const p = c[d] as number;
      c[d] = p + 1;
      idxD[p] = idxS[a] as number;
      hiD[p] = h;
      loD[p] = l;
      for (let t = 0; t < nc; t++) (cD[t] as Float64Array)[p] = (cS[t] as Float64Array)[a] as number;
    }
    [idxS, idxD] = [idxD, idxS];
    [hiS, hiD] = [hiD, hiS];
    [loS, loD] = [loD, loS];
    [cS, cD] = [cD, cS];
  }
  const idxB = idxS;
  const hiB = hiS;
  const loB = loS;
  const cy = cS;
  const hiA = hiD;
  const hiSpare = hiB;
  // Exact order inside runs tied on 48 bits.
  let s = 0;
  while (s < n) {
    let e = s + 1;
    while (e < n && hiB[e] === hiB[s] && loB[e] === loB[s]) e++;
    if (e - s > 1) fixRun(idxB, s, e, exactKey, cy);
    s = e;
  }
  return { order: idxB, spareA: hiA, spareB: hiSpare, carried: cy };
}

function fixRun(
  idx: Uint32Array,
  s: number,
  e: number,
  exactKey: (payload: number) => number,
  carried: Float64Array[],
): void {
  const first = exactKey(idx[s] as number);
  let allEqual = true;
  for (let a = s + 1; a < e && allEqual; a++) if (exactKey(idx[a] as number) !== first) allEqual = false;
  if (allEqual) return; // stable: already in input order
  const keys = Array.from(idx.subarray(s, e), (p) => exactKey(p));
  const perm = keys.map((_, r) => r);
  perm.sort((a, b) => (keys[b] as number) - (keys[a] as number) || a - b);
  const payloads = Array.from(idx.subarray(s, e));
  perm.forEach((r, a) => {
    idx[s + a] = payloads[r] as number;
  });
  for (const col of carried) {
    const vals = Array.from(col.subarray(s, e));
    perm.forEach((r, a) => {
      col[s + a] = vals[r] as number;
    });
  }
}
