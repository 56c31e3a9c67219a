import type { RCTDataset } from '../data/dataset.js';

/** Per-arm predictions of some rows, row-major `n * m`, in label units. */
export interface RowPredictions {
  readonly response: Float32Array;
  readonly cost: Float32Array;
}

/**
 * Regression-adjusted (augmented IPW) cell means as a data transformation. Row i of arm j in group g gets
 *
 *   y'_i = y_i - f_j(x_i) + mean over every row of group g of f_j(x),
 *
 * so the plain mean of arm j's rows of group g (what {@link GroupStats} computes) becomes the model's mean prediction
 * of arm j over the whole group plus the mean residual of the arm's own rows. With predictions from networks that did
 * not see the row (cross-fitting) the estimate stays unbiased for the group's mean under arm j, and its sampling
 * variance is that of the residuals instead of the raw outcomes; the first term is averaged over all of the group's
 * rows, m times as many as the arm's. Bootstrap replicates of the transformed rows measure the residual noise.
 *
 * `cost` is adjusted only with `adjustCost` (when cost is fixed per arm the model adds nothing but its own error).
 * Extra outcomes are left as they are. Returns a new dataset; `data` is not changed.
 */
export function regressionAdjusted(
  data: RCTDataset,
  groups: Int32Array,
  k: number,
  pred: RowPredictions,
  adjustCost: boolean,
): RCTDataset {
  const m = data.treatmentNames.length;
  const meanR = new Float64Array(k * m);
  const meanC = new Float64Array(k * m);
  const count = new Float64Array(k);
  for (let i = 0; i < data.n; i++) {
    const g = groups[i] as number;
    count[g] = (count[g] as number) + 1;
    for (let j = 0; j < m; j++) {
      meanR[g * m + j] = (meanR[g * m + j] as number) + (pred.response[i * m + j] as number);
      meanC[g * m + j] = (meanC[g * m + j] as number) + (pred.cost[i * m + j] as number);
    }
  }
  for (let g = 0; g < k; g++) {
    const s = (count[g] as number) > 0 ? 1 / (count[g] as number) : 0;
    for (let j = 0; j < m; j++) {
      meanR[g * m + j] = (meanR[g * m + j] as number) * s;
      meanC[g * m + j] = (meanC[g * m + j] as number) * s;
    }
  }
  const response = new Float32Array(data.n);
  const cost = adjustCost ? new Float32Array(data.n) : data.cost;
  for (let i = 0; i < data.n; i++) {
    const c = (groups[i] as number) * m + (data.treatment[i] as number);
    const p = i * m + (data.treatment[i] as number);
    response[i] = (data.response[i] as number) - (pred.response[p] as number) + (meanR[c] as number);
    if (adjustCost) cost[i] = (data.cost[i] as number) - (pred.cost[p] as number) + (meanC[c] as number);
  }
  return { ...data, response, cost };
}

/** The predictions of some rows (in the order of `rows`). */
export function predictionRows(pred: RowPredictions, m: number, rows: ArrayLike<number>): RowPredictions {
  const response = new Float32Array(rows.length * m);
  const cost = new Float32Array(rows.length * m);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r] as number;
    response.set(pred.response.subarray(i * m, i * m + m), r * m);
    cost.set(pred.cost.subarray(i * m, i * m + m), r * m);
  }
  return { response, cost };
}
