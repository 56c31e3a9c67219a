/**
 * The straightforward per-user knapsack path (comparator sort of an index array over Float64 slope keys), kept as
 * the reference for tests and as the peer in bench/mckp.bench.ts. This was the library's first mckpPath.
 */
export interface ReferencePath {
  readonly n: number;
  readonly m: number;
  readonly startArm: Int32Array;
  readonly baseCost: number;
  readonly baseValue: number;
  readonly user: Int32Array;
  readonly toArm: Int32Array;
  readonly deltaCost: Float64Array;
  readonly deltaValue: Float64Array;
  readonly cumCost: Float64Array;
  readonly cumValue: Float64Array;
}

export function referenceMCKPPath(
  values: ArrayLike<number>,
  costs: ArrayLike<number>,
  n: number,
  m: number,
): ReferencePath {
  const startArm = new Int32Array(n);
  let baseCost = 0;
  let baseValue = 0;
  // Upgrades per user, at most m - 1 each.
  const cap = n * (m - 1);
  const uUser = new Int32Array(cap);
  const uArm = new Int32Array(cap);
  const uDc = new Float64Array(cap);
  const uDv = new Float64Array(cap);
  const uSlope = new Float64Array(cap);
  let k = 0;
  const order = new Int32Array(m);
  const hull = new Int32Array(m);
  for (let i = 0; i < n; i++) {
    const o = i * m;
    for (let j = 0; j < m; j++) {
      order[j] = j;
    }
    // Sort arms by cost ascending, value descending (insertion sort: m is small).
    for (let a = 1; a < m; a++) {
      const t = order[a] as number;
      let b = a - 1;
      while (b >= 0 && before(t, order[b] as number, values, costs, o)) {
        order[b + 1] = order[b] as number;
        b--;
      }
      order[b + 1] = t;
    }
    // Upper concave hull over points with increasing cost and strictly increasing value.
    let h = 0;
    for (let a = 0; a < m; a++) {
      const j = order[a] as number;
      const c = costs[o + j] as number;
      const v = values[o + j] as number;
      if (h > 0) {
        const last = hull[h - 1] as number;
        if (v <= (values[o + last] as number)) continue; // dominated: costs at least as much, worth no more
        if (c === (costs[o + last] as number)) continue; // same cost, sorted by value desc: already have the best
      }
      while (h >= 2) {
        const p = hull[h - 2] as number;
        const q = hull[h - 1] as number;
        const s1 =
          ((values[o + q] as number) - (values[o + p] as number)) /
          ((costs[o + q] as number) - (costs[o + p] as number));
        const s2 = (v - (values[o + q] as number)) / (c - (costs[o + q] as number));
        if (s2 >= s1) h--;
        else break;
      }
      hull[h++] = j;
    }
    const s = hull[0] as number;
    startArm[i] = s;
    baseCost += costs[o + s] as number;
    baseValue += values[o + s] as number;
    for (let a = 1; a < h; a++) {
      const p = hull[a - 1] as number;
      const q = hull[a] as number;
      const dc = (costs[o + q] as number) - (costs[o + p] as number);
      const dv = (values[o + q] as number) - (values[o + p] as number);
      uUser[k] = i;
      uArm[k] = q;
      uDc[k] = dc;
      uDv[k] = dv;
      uSlope[k] = dv / dc;
      k++;
    }
  }
  const idx = new Int32Array(k);
  for (let a = 0; a < k; a++) idx[a] = a;
  // Decreasing slope; ties by upgrade index, which keeps each user's upgrades in hull order.
  idx.sort((a, b) => (uSlope[b] as number) - (uSlope[a] as number) || a - b);
  const user = new Int32Array(k);
  const toArm = new Int32Array(k);
  const deltaCost = new Float64Array(k);
  const deltaValue = new Float64Array(k);
  const cumCost = new Float64Array(k);
  const cumValue = new Float64Array(k);
  let cc = baseCost;
  let cv = baseValue;
  for (let a = 0; a < k; a++) {
    const u = idx[a] as number;
    user[a] = uUser[u] as number;
    toArm[a] = uArm[u] as number;
    deltaCost[a] = uDc[u] as number;
    deltaValue[a] = uDv[u] as number;
    cc += uDc[u] as number;
    cv += uDv[u] as number;
    cumCost[a] = cc;
    cumValue[a] = cv;
  }
  return { n, m, startArm, baseCost, baseValue, user, toArm, deltaCost, deltaValue, cumCost, cumValue };
}

function before(a: number, b: number, values: ArrayLike<number>, costs: ArrayLike<number>, o: number): boolean {
  const ca = costs[o + a] as number;
  const cb = costs[o + b] as number;
  if (ca !== cb) return ca < cb;
  const va = values[o + a] as number;
  const vb = values[o + b] as number;
  if (va !== vb) return va > vb;
  return a < b;
}
