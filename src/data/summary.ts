import type { RCTDataset } from './dataset.js';

/** Per-arm figures of a {@link DatasetSummary}. */
export interface ArmSummary {
  readonly name: string;
  readonly count: number;
  readonly share: number;
  readonly meanResponse: number;
  readonly meanCost: number;
  /** Difference in mean response against control, with its standard error (0 for control). */
  readonly upliftResponse: { readonly estimate: number; readonly se: number };
  /** Difference in mean cost against control, with its standard error. */
  readonly upliftCost: { readonly estimate: number; readonly se: number };
}

/** What {@link summarize} returns. */
export interface DatasetSummary {
  readonly n: number;
  readonly d: number;
  readonly arms: readonly ArmSummary[];
}

/**
 * Rows, arms, mean response and cost per arm, and the naive (difference-in-means) uplift of each arm over
 * control with standard errors. In a randomized trial the naive uplift is an unbiased estimate of the average
 * treatment effect.
 */
export function summarize(data: RCTDataset): DatasetSummary {
  const m = data.treatmentNames.length;
  const cnt = new Float64Array(m);
  const sr = new Float64Array(m);
  const sr2 = new Float64Array(m);
  const sc = new Float64Array(m);
  const sc2 = new Float64Array(m);
  for (let i = 0; i < data.n; i++) {
    const t = data.treatment[i] as number;
    const r = data.response[i] as number;
    const c = data.cost[i] as number;
    cnt[t] = (cnt[t] as number) + 1;
    sr[t] = (sr[t] as number) + r;
    sr2[t] = (sr2[t] as number) + r * r;
    sc[t] = (sc[t] as number) + c;
    sc2[t] = (sc2[t] as number) + c * c;
  }
  const mean = (s: Float64Array, j: number) => (s[j] as number) / Math.max(1, cnt[j] as number);
  const varOfMean = (s: Float64Array, s2: Float64Array, j: number) => {
    const k = cnt[j] as number;
    if (k < 2) return 0;
    const mu = (s[j] as number) / k;
    return Math.max(0, ((s2[j] as number) - k * mu * mu) / (k - 1)) / k;
  };
  const arms: ArmSummary[] = data.treatmentNames.map((name, j) => ({
    name,
    count: cnt[j] as number,
    share: (cnt[j] as number) / data.n,
    meanResponse: mean(sr, j),
    meanCost: mean(sc, j),
    upliftResponse: {
      estimate: mean(sr, j) - mean(sr, 0),
      se: j === 0 ? 0 : Math.sqrt(varOfMean(sr, sr2, j) + varOfMean(sr, sr2, 0)),
    },
    upliftCost: {
      estimate: mean(sc, j) - mean(sc, 0),
      se: j === 0 ? 0 : Math.sqrt(varOfMean(sc, sc2, j) + varOfMean(sc, sc2, 0)),
    },
  }));
  return { n: data.n, d: data.d, arms };
}

/** A plain-text table of a {@link DatasetSummary}, for logs and the CLI. */
export function formatSummary(s: DatasetSummary): string {
  const head = ['arm', 'rows', 'share', 'mean response', 'mean cost', 'uplift response (se)', 'uplift cost (se)'];
  const rows = s.arms.map((a, j) => [
    a.name,
    String(a.count),
    a.share.toFixed(3),
    fmt(a.meanResponse),
    fmt(a.meanCost),
    j === 0 ? '(control)' : `${fmt(a.upliftResponse.estimate)} (${fmt(a.upliftResponse.se)})`,
    j === 0 ? '(control)' : `${fmt(a.upliftCost.estimate)} (${fmt(a.upliftCost.se)})`,
  ]);
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => (r[k] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, k) => c.padEnd(widths[k] as number))
      .join('  ')
      .trimEnd();
  return [`${s.n} rows, ${s.d} encoded features, ${s.arms.length} arms`, line(head), ...rows.map(line)].join('\n');
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4);
}
