import { ValidationError } from '../core/errors.js';
import type { Matrix } from '../core/types.js';

/**
 * Folds groups with too few control rows into their nearest group, so every group's uplift over control can be
 * estimated. `sqDistances` holds each row's squared distance to each of the `k` original centres (`n x k`); a
 * group goes to the group whose centre its rows are closest to on average. `treatment` is each row's arm (0 =
 * control). Returns the map from original to new group (new groups numbered 0..k'-1 in order of their first
 * original group).
 */
export function mergeSmallGroups(
  groups: Int32Array,
  sqDistances: Matrix,
  opts: { treatment: Int32Array; minControl: number },
): Int32Array {
  const n = groups.length;
  const { treatment, minControl } = opts;
  if (sqDistances.rows !== n || treatment.length !== n) {
    throw new ValidationError({
      path: ['sqDistances'],
      message: `expected ${n} rows of distances and treatments (one per group label), got ${sqDistances.rows} and ${treatment.length}`,
    });
  }
  const { data: sq, cols: k } = sqDistances;
  const target = Int32Array.from({ length: k }, (_, g) => g);
  const find = (g: number): number => {
    let r = g;
    while (target[r] !== r) r = target[r] as number;
    return r;
  };
  // Mean squared distance of group g's rows to centre h.
  const size = new Float64Array(k);
  const control = new Float64Array(k);
  const dist = new Float64Array(k * k);
  for (let i = 0; i < n; i++) {
    const g = groups[i] as number;
    size[g] = (size[g] as number) + 1;
    if (treatment[i] === 0) control[g] = (control[g] as number) + 1;
    for (let h = 0; h < k; h++) dist[g * k + h] = (dist[g * k + h] as number) + (sq[i * k + h] as number);
  }
  for (;;) {
    // The root group with the fewest control rows among those below the minimum.
    let worst = -1;
    let roots = 0;
    for (let g = 0; g < k; g++) {
      if (find(g) !== g || size[g] === 0) continue;
      roots++;
      if ((control[g] as number) < minControl && (worst < 0 || (control[g] as number) < (control[worst] as number)))
        worst = g;
    }
    if (worst < 0 || roots <= 1) break;
    let best = -1;
    let bestD = Number.POSITIVE_INFINITY;
    for (let h = 0; h < k; h++) {
      if (h === worst || find(h) !== h || size[h] === 0) continue;
      const d = (dist[worst * k + h] as number) / Math.max(1, size[worst] as number);
      if (d < bestD) {
        bestD = d;
        best = h;
      }
    }
    if (best < 0) break;
    target[worst] = best;
    size[best] = (size[best] as number) + (size[worst] as number);
    control[best] = (control[best] as number) + (control[worst] as number);
    for (let h = 0; h < k; h++) dist[best * k + h] = (dist[best * k + h] as number) + (dist[worst * k + h] as number);
    size[worst] = 0;
  }
  const index = new Int32Array(k).fill(-1);
  let next = 0;
  const map = new Int32Array(k);
  for (let g = 0; g < k; g++) {
    const r = find(g);
    if (index[r] === -1) index[r] = next++;
    map[g] = index[r] as number;
  }
  return map;
}

/** Applies a group map to labels. */
export function remapGroups(groups: Int32Array, map: Int32Array): Int32Array {
  const out = new Int32Array(groups.length);
  for (let i = 0; i < groups.length; i++) out[i] = map[groups[i] as number] as number;
  return out;
}

/** Squared distances to merged groups: the smallest distance to any of a merged group's original centres. */
export function remapDistances(sqDistances: Matrix, map: Int32Array, k2: number): Matrix {
  const { data: sq, rows: n, cols: k } = sqDistances;
  const out = new Float32Array(n * k2).fill(Number.POSITIVE_INFINITY);
  for (let i = 0; i < n; i++) {
    for (let g = 0; g < k; g++) {
      const o = i * k2 + (map[g] as number);
      const v = sq[i * k + g] as number;
      if (v < (out[o] as number)) out[o] = v;
    }
  }
  return { data: out, rows: n, cols: k2 };
}
