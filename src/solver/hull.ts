/**
 * Adds item `j` (after items of smaller cost) to an upper concave hull of (cost, value) points, first dropping the
 * points that would no longer lie on it.
 */
export function pushUpperHull(hull: number[], j: number, value: ArrayLike<number>, cost: ArrayLike<number>): void {
  while (hull.length >= 2) {
    const p = hull[hull.length - 2] as number;
    const q = hull[hull.length - 1] as number;
    const s1 = ((value[q] as number) - (value[p] as number)) / ((cost[q] as number) - (cost[p] as number));
    const s2 = ((value[j] as number) - (value[q] as number)) / ((cost[j] as number) - (cost[q] as number));
    if (s2 >= s1) hull.pop();
    else break;
  }
  hull.push(j);
}
