import type { GroupStats } from '../solver/group-stats.js';

/**
 * A default budget grid (per user) from group statistics: `size` points from the cheapest plan (every group at its
 * cheapest arm) up to the cost of giving every group the arm with the largest response, evenly spaced.
 */
export function defaultBudgetGrid(stats: GroupStats, size = 24): number[] {
  let n = 0;
  let minCost = 0;
  let maxCost = 0;
  for (let g = 0; g < stats.k; g++) {
    const count = stats.groupCount(g);
    if (count === 0) continue;
    let cheapest = Number.POSITIVE_INFINITY;
    let bestResp = Number.NEGATIVE_INFINITY;
    let bestRespCost = 0;
    for (let j = 0; j < stats.m; j++) {
      const c = stats.cell(g, j);
      if (c.count === 0) continue;
      cheapest = Math.min(cheapest, c.cost);
      if (c.response > bestResp) {
        bestResp = c.response;
        bestRespCost = c.cost;
      }
    }
    n += count;
    minCost += count * (Number.isFinite(cheapest) ? cheapest : 0);
    maxCost += count * Math.max(bestRespCost, Number.isFinite(cheapest) ? cheapest : 0);
  }
  const lo = minCost / Math.max(1, n);
  const hi = Math.max(lo, maxCost / Math.max(1, n));
  if (hi - lo < 1e-12) return [lo];
  return Array.from({ length: size }, (_, i) => lo + ((hi - lo) * i) / (size - 1));
}
