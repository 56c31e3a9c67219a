/**
 * The teacher's soft assignments: `softmax(-d² / (temperature * s))` per row over the squared distances d² to the
 * k centroids, where `s` is the mean squared distance to the nearest centroid (so the temperature is scale-free).
 */
export function softTargets(sqDistances: Float32Array, n: number, k: number, temperature: number): Float32Array {
  let s = 0;
  for (let i = 0; i < n; i++) {
    let mn = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) mn = Math.min(mn, sqDistances[i * k + c] as number);
    s += mn;
  }
  const scale = temperature * Math.max(s / Math.max(1, n), 1e-12);
  const out = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    let mn = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) mn = Math.min(mn, sqDistances[i * k + c] as number);
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(-((sqDistances[i * k + c] as number) - mn) / scale);
      out[i * k + c] = e;
      sum += e;
    }
    for (let c = 0; c < k; c++) out[i * k + c] = (out[i * k + c] as number) / sum;
  }
  return out;
}
