import { readEnvelope } from '../core/envelope.js';
import { SerializationError, ValidationError } from '../core/errors.js';
import { DEFAULT_SEED, RNG } from '../core/rng.js';
import { checkOptionKeys } from '../core/validate.js';
import type { RCTDataset } from '../data/dataset.js';
import { readInt, readNumbers, readStrings } from './json-util.js';
import { statsSchema } from './schema.js';

/** Options of {@link GroupStats.from}. All optional. */
export interface GroupStatsOptions {
  /**
   * Poisson-bootstrap replicates accumulated in the same pass (each row gets a Poisson(1) weight per replicate).
   * They make `bootstrap` scenarios possible in {@link StochasticBudgetSolver} and stay mergeable across shards
   * (give each shard its own seed). @default 0
   */
  replicates?: number;
  /** Seed of the bootstrap weights. @default 42 */
  seed?: number;
  /** Weight rows by 1 / propensity (when the dataset has propensities). @default true */
  ipw?: boolean;
}

export const defaultGroupStatsOptions: Required<GroupStatsOptions> = { replicates: 0, seed: DEFAULT_SEED, ipw: true };

/** The argument of {@link GroupStats.from}: each row's group and the number of groups, with the options. */
export interface GroupStatsFromOptions extends GroupStatsOptions {
  /** The group of each row of the data, in 0..k-1. */
  readonly groups: Int32Array;
  /** Number of groups. */
  readonly k: number;
}

/** Per-capita estimates of one (group, arm) cell. Means are IPW-weighted (Hájek). */
export interface CellEstimate {
  readonly count: number;
  readonly weight: number;
  readonly response: number;
  readonly cost: number;
  /** Standard errors of the means (weighted variance over Kish's effective size). */
  readonly seResponse: number;
  readonly seCost: number;
  /** Covariance of the response and cost means. */
  readonly covResponseCost: number;
  /** Means of the extra outcomes. */
  readonly outcomes: Readonly<Record<string, number>>;
}

/** Per-capita uplift of an arm over control within a group, with standard errors (cells independent). */
export interface UpliftEstimate {
  readonly response: number;
  readonly cost: number;
  readonly seResponse: number;
  readonly seCost: number;
}

/** The names of the per-cell sums {@link GroupStats.moments} returns. */
export type Moment = 'count' | 'weight' | 'weight2' | 'sumY' | 'sumYY' | 'sumC' | 'sumCC' | 'sumYC';
const MOMENTS: readonly Moment[] = ['count', 'weight', 'weight2', 'sumY', 'sumYY', 'sumC', 'sumCC', 'sumYC'];

/** A new mean (and sampling spread) for one cell, for {@link GroupStats.withCellMeans}. */
export interface CellMean {
  readonly group: number;
  readonly arm: number;
  readonly response?: number;
  readonly cost?: number;
  readonly responseSpread?: number;
  readonly costSpread?: number;
}

/**
 * Sufficient statistics of a randomized trial per (group, arm): count, sum of weights and of squared weights,
 * weighted sums and sums of squares of response and cost (and of extra outcomes), optionally Poisson-bootstrap
 * replicates. Immutable; {@link merge} adds shards (associative and commutative), so statistics can be computed
 * where the data lives and combined.
 *
 * @example
 * ```ts
 * const stats = GroupStats.from(train, { groups, k, replicates: 200 });
 * const u = stats.uplift(3, 2); // arm 2 vs control in group 3
 * ```
 */
export class GroupStats {
  readonly k: number;
  readonly m: number;
  readonly outcomeNames: readonly string[];
  readonly replicates: number;
  private readonly mom: Record<Moment, Float64Array>;
  private readonly extra: Record<string, { sum: Float64Array; sum2: Float64Array }>;
  /** Replicate r, cell c at r * k * m + c: bootstrap sums of weight, response and cost. */
  private readonly rep: { w: Float64Array; y: Float64Array; c: Float64Array };

  private constructor(
    k: number,
    m: number,
    outcomeNames: readonly string[],
    replicates: number,
    mom: Record<Moment, Float64Array>,
    extra: Record<string, { sum: Float64Array; sum2: Float64Array }>,
    rep: { w: Float64Array; y: Float64Array; c: Float64Array },
  ) {
    this.k = k;
    this.m = m;
    this.outcomeNames = outcomeNames;
    this.replicates = replicates;
    this.mom = mom;
    this.extra = extra;
    this.rep = rep;
  }

  /** Accumulates the statistics of `data` with rows assigned to `groups` (values in 0..k-1). */
  static from(data: RCTDataset, opts: GroupStatsFromOptions): GroupStats {
    if (typeof opts !== 'object' || opts === null) {
      throw new ValidationError({ path: ['options'], message: 'expected { groups, k } and the GroupStats options' });
    }
    const { groups, k, ...options } = opts;
    checkOptionKeys(options, Object.keys(defaultGroupStatsOptions), ['options']);
    const o = { ...defaultGroupStatsOptions, ...options };
    const m = data.treatmentNames.length;
    if (!Number.isInteger(k) || k < 1) throw new ValidationError({ path: ['k'], message: `expected k >= 1, got ${k}` });
    if (!(groups instanceof Int32Array) || groups.length !== data.n) {
      throw new ValidationError({ path: ['groups'], message: `expected an Int32Array of ${data.n} group indices` });
    }
    if (!Number.isInteger(o.replicates) || o.replicates < 0) {
      throw new ValidationError({ path: ['replicates'], message: `expected an integer >= 0, got ${o.replicates}` });
    }
    const names = Object.keys(data.outcomes ?? {}).sort();
    const s = GroupStats.empty(k, m, names, o.replicates);
    const { count, weight, weight2, sumY, sumYY, sumC, sumCC, sumYC } = s.mom;
    const R = o.replicates;
    const rng = new RNG(o.seed);
    const km = k * m;
    for (let i = 0; i < data.n; i++) {
      const g = groups[i] as number;
      const t = data.treatment[i] as number;
      if (!(g >= 0 && g < k)) {
        throw new ValidationError({ path: ['groups', i], message: `expected a group in 0..${k - 1}, got ${g}` });
      }
      const c = g * m + t;
      const w = o.ipw && data.propensity !== undefined ? 1 / (data.propensity[i] as number) : 1;
      const y = data.response[i] as number;
      const cc = data.cost[i] as number;
      count[c] = (count[c] as number) + 1;
      weight[c] = (weight[c] as number) + w;
      weight2[c] = (weight2[c] as number) + w * w;
      sumY[c] = (sumY[c] as number) + w * y;
      sumYY[c] = (sumYY[c] as number) + w * y * y;
      sumC[c] = (sumC[c] as number) + w * cc;
      sumCC[c] = (sumCC[c] as number) + w * cc * cc;
      sumYC[c] = (sumYC[c] as number) + w * y * cc;
      for (const name of names) {
        const v = (data.outcomes as Record<string, Float32Array>)[name]?.[i] as number;
        const e = s.extra[name] as { sum: Float64Array; sum2: Float64Array };
        e.sum[c] = (e.sum[c] as number) + w * v;
        e.sum2[c] = (e.sum2[c] as number) + w * v * v;
      }
      for (let r = 0; r < R; r++) {
        const p = poisson1(rng.next());
        if (p === 0) continue;
        const at = r * km + c;
        s.rep.w[at] = (s.rep.w[at] as number) + p * w;
        s.rep.y[at] = (s.rep.y[at] as number) + p * w * y;
        s.rep.c[at] = (s.rep.c[at] as number) + p * w * cc;
      }
    }
    return s;
  }

  private static empty(k: number, m: number, names: readonly string[], replicates: number): GroupStats {
    const km = k * m;
    const mom = Object.fromEntries(MOMENTS.map((name) => [name, new Float64Array(km)])) as Record<Moment, Float64Array>;
    const extra = Object.fromEntries(
      names.map((name) => [name, { sum: new Float64Array(km), sum2: new Float64Array(km) }]),
    );
    const rk = replicates * km;
    return new GroupStats(k, m, names, replicates, mom, extra, {
      w: new Float64Array(rk),
      y: new Float64Array(rk),
      c: new Float64Array(rk),
    });
  }

  /** Rows in group g (all arms). */
  groupCount(g: number): number {
    let n = 0;
    for (let j = 0; j < this.m; j++) n += this.mom.count[g * this.m + j] as number;
    return n;
  }

  /** Rows in total. */
  get n(): number {
    let n = 0;
    for (const c of this.mom.count) n += c;
    return n;
  }

  /** Per-capita estimates of cell (g, j); means are NaN for an empty cell. */
  cell(g: number, j: number): CellEstimate {
    this.checkCell(g, j);
    const c = g * this.m + j;
    const M = this.mom;
    const w = M.weight[c] as number;
    const nEff = w > 0 ? (w * w) / (M.weight2[c] as number) : 0;
    const y = (M.sumY[c] as number) / w;
    const cc = (M.sumC[c] as number) / w;
    const corr = nEff > 1 ? nEff / (nEff - 1) : Number.NaN;
    const varY = Math.max(0, (M.sumYY[c] as number) / w - y * y) * corr;
    const varC = Math.max(0, (M.sumCC[c] as number) / w - cc * cc) * corr;
    const cov = ((M.sumYC[c] as number) / w - y * cc) * corr;
    const outcomes: Record<string, number> = {};
    for (const name of this.outcomeNames) outcomes[name] = (this.extra[name]?.sum[c] as number) / w;
    return {
      count: M.count[c] as number,
      weight: w,
      response: y,
      cost: cc,
      seResponse: Math.sqrt(varY / nEff),
      seCost: Math.sqrt(varC / nEff),
      covResponseCost: cov / nEff,
      outcomes,
    };
  }

  /** Uplift of arm j over control (arm 0) in group g: difference of per-capita means, SEs added in quadrature. */
  uplift(g: number, j: number): UpliftEstimate {
    const a = this.cell(g, j);
    const b = this.cell(g, 0);
    return {
      response: a.response - b.response,
      cost: a.cost - b.cost,
      seResponse: Math.sqrt(a.seResponse ** 2 + b.seResponse ** 2),
      seCost: Math.sqrt(a.seCost ** 2 + b.seCost ** 2),
    };
  }

  /** Bootstrap replicate r's per-capita means of response and cost of every cell (row-major k * m). */
  replicateMeans(r: number): { response: Float64Array; cost: Float64Array } {
    if (!(Number.isInteger(r) && r >= 0 && r < this.replicates)) {
      throw new ValidationError({ path: ['replicate'], message: `expected 0..${this.replicates - 1}, got ${r}` });
    }
    const km = this.k * this.m;
    const response = new Float64Array(km);
    const cost = new Float64Array(km);
    for (let c = 0; c < km; c++) {
      const w = this.rep.w[r * km + c] as number;
      response[c] = (this.rep.y[r * km + c] as number) / w;
      cost[c] = (this.rep.c[r * km + c] as number) / w;
    }
    return { response, cost };
  }

  /**
   * These statistics with pseudo-observations added: for each entry, `weight` unit-weight rows of response
   * `response` and cost `cost` in cell (group, arm), in the moments and in every bootstrap replicate alike. Row counts
   * (`count`, used for minimum-count checks) stay those of the real rows. This is how a prior is put on a cell's mean
   * (shrinkage toward a parent estimate): the cell's mean moves to `(W * mean + weight * response) / (W + weight)`.
   * The pseudo-rows are the same in every replicate, so they narrow the replicates' spread of both response and cost
   * by `W / (W + weight)`; to recentre a cell and choose its spread, use {@link withCellMeans}.
   */
  withPseudoRows(
    rows: readonly {
      readonly group: number;
      readonly arm: number;
      readonly weight: number;
      readonly response: number;
      readonly cost: number;
    }[],
  ): GroupStats {
    const out = this.copy();
    const km = this.k * this.m;
    const M = out.mom;
    for (const r of rows) {
      this.checkCell(r.group, r.arm);
      if (!(Number.isFinite(r.weight) && r.weight >= 0 && Number.isFinite(r.response) && Number.isFinite(r.cost))) {
        throw new ValidationError({
          path: ['rows', r.group, r.arm],
          message: `expected a finite weight >= 0 and finite response and cost, got ${r.weight}, ${r.response}, ${r.cost}`,
        });
      }
      if (r.weight === 0) continue;
      const c = r.group * this.m + r.arm;
      const w = r.weight;
      M.weight[c] = (M.weight[c] as number) + w;
      M.weight2[c] = (M.weight2[c] as number) + w;
      M.sumY[c] = (M.sumY[c] as number) + w * r.response;
      M.sumYY[c] = (M.sumYY[c] as number) + w * r.response * r.response;
      M.sumC[c] = (M.sumC[c] as number) + w * r.cost;
      M.sumCC[c] = (M.sumCC[c] as number) + w * r.cost * r.cost;
      M.sumYC[c] = (M.sumYC[c] as number) + w * r.response * r.cost;
      for (let q = 0; q < this.replicates; q++) {
        const at = q * km + c;
        out.rep.w[at] = (out.rep.w[at] as number) + w;
        out.rep.y[at] = (out.rep.y[at] as number) + w * r.response;
        out.rep.c[at] = (out.rep.c[at] as number) + w * r.cost;
      }
    }
    return out;
  }

  /**
   * These statistics with some cells recentred on new means (a posterior mean from shrinkage, say), in the moments
   * and in every bootstrap replicate: for each entry, the cell's response mean becomes `response` and its cost mean
   * `cost` (each left as it is when not given), and the sampling spread around the mean is multiplied by
   * `responseSpread` and `costSpread` (default 1: unchanged). Each replicate keeps its own deviation from the cell's
   * mean, scaled by the spread, so the scenarios built from the replicates are centred on the new means and an
   * outcome whose mean is not moved keeps all its sampling noise. Counts and weights stay those of the real rows.
   * Extra outcomes are not changed.
   */
  withCellMeans(entries: readonly CellMean[]): GroupStats {
    const out = this.copy();
    const km = this.k * this.m;
    const M = out.mom;
    for (const e of entries) {
      this.checkCell(e.group, e.arm);
      const fy = e.responseSpread ?? 1;
      const fc = e.costSpread ?? 1;
      const bad = [e.response, e.cost].some((v) => v !== undefined && !Number.isFinite(v));
      if (bad || !(Number.isFinite(fy) && fy >= 0 && Number.isFinite(fc) && fc >= 0)) {
        throw new ValidationError({
          path: ['entries', e.group, e.arm],
          message: `expected finite means and spreads >= 0, got response ${e.response}, cost ${e.cost}, spreads ${fy}, ${fc}`,
        });
      }
      const c = e.group * this.m + e.arm;
      const W = M.weight[c] as number;
      if (!(W > 0)) continue;
      const y = (M.sumY[c] as number) / W;
      const cc = (M.sumC[c] as number) / W;
      const vy = (M.sumYY[c] as number) / W - y * y;
      const vc = (M.sumCC[c] as number) / W - cc * cc;
      const cov = (M.sumYC[c] as number) / W - y * cc;
      const ty = e.response ?? y;
      const tc = e.cost ?? cc;
      M.sumY[c] = W * ty;
      M.sumC[c] = W * tc;
      M.sumYY[c] = W * (ty * ty + fy * fy * vy);
      M.sumCC[c] = W * (tc * tc + fc * fc * vc);
      M.sumYC[c] = W * (ty * tc + fy * fc * cov);
      for (let q = 0; q < this.replicates; q++) {
        const at = q * km + c;
        const w = out.rep.w[at] as number;
        if (!(w > 0)) continue;
        out.rep.y[at] = w * (ty + fy * ((out.rep.y[at] as number) / w - y));
        out.rep.c[at] = w * (tc + fc * ((out.rep.c[at] as number) / w - cc));
      }
    }
    return out;
  }

  /** A deep copy. */
  private copy(): GroupStats {
    const out = GroupStats.empty(this.k, this.m, this.outcomeNames, this.replicates);
    for (const name of MOMENTS) out.mom[name].set(this.mom[name]);
    for (const name of this.outcomeNames) {
      const o = out.extra[name] as { sum: Float64Array; sum2: Float64Array };
      o.sum.set(this.extra[name]?.sum as Float64Array);
      o.sum2.set(this.extra[name]?.sum2 as Float64Array);
    }
    out.rep.w.set(this.rep.w);
    out.rep.y.set(this.rep.y);
    out.rep.c.set(this.rep.c);
    return out;
  }

  /** The sum of two shards' statistics (same k, arms, outcomes and replicate count). */
  merge(other: GroupStats): GroupStats {
    if (
      other.k !== this.k ||
      other.m !== this.m ||
      other.replicates !== this.replicates ||
      other.outcomeNames.join('\u0000') !== this.outcomeNames.join('\u0000')
    ) {
      throw new ValidationError({
        path: ['other'],
        message: `cannot merge stats of shape k=${other.k}, m=${other.m}, replicates=${other.replicates}, outcomes=[${other.outcomeNames}] into k=${this.k}, m=${this.m}, replicates=${this.replicates}, outcomes=[${this.outcomeNames}]`,
      });
    }
    const out = GroupStats.empty(this.k, this.m, this.outcomeNames, this.replicates);
    for (const name of MOMENTS) addInto(out.mom[name], this.mom[name], other.mom[name]);
    for (const name of this.outcomeNames) {
      const o = out.extra[name] as { sum: Float64Array; sum2: Float64Array };
      addInto(o.sum, this.extra[name]?.sum as Float64Array, other.extra[name]?.sum as Float64Array);
      addInto(o.sum2, this.extra[name]?.sum2 as Float64Array, other.extra[name]?.sum2 as Float64Array);
    }
    addInto(out.rep.w, this.rep.w, other.rep.w);
    addInto(out.rep.y, this.rep.y, other.rep.y);
    addInto(out.rep.c, this.rep.c, other.rep.c);
    return out;
  }

  /** Raw sums (copies), for custom estimators. */
  moments(): Record<Moment, Float64Array> {
    return Object.fromEntries(MOMENTS.map((n) => [n, Float64Array.from(this.mom[n])])) as Record<Moment, Float64Array>;
  }

  /** Versioned plain form: `{ kind: 'GroupStats', formatVersion: 1, params, state }`. */
  toJSON(): { kind: 'GroupStats'; formatVersion: 1; params: Record<string, unknown>; state: Record<string, unknown> } {
    const state: Record<string, unknown> = {};
    for (const n of MOMENTS) state[n] = Array.from(this.mom[n]);
    state.outcomes = Object.fromEntries(
      this.outcomeNames.map((n) => [
        n,
        { sum: Array.from(this.extra[n]?.sum ?? []), sum2: Array.from(this.extra[n]?.sum2 ?? []) },
      ]),
    );
    state.replicates = { w: Array.from(this.rep.w), y: Array.from(this.rep.y), c: Array.from(this.rep.c) };
    return {
      kind: 'GroupStats',
      formatVersion: 1,
      params: { k: this.k, m: this.m, outcomeNames: [...this.outcomeNames], replicates: this.replicates },
      state,
    };
  }

  /** Restores from {@link toJSON}; validates untrusted input and throws SerializationError. */
  static fromJSON(json: unknown): GroupStats {
    // The schema checks every declared size against the stored arrays before anything is allocated.
    const { params, state } = readEnvelope(json, 'GroupStats', 1, statsSchema);
    const k = readInt(params.k, 'GroupStats.params.k', 1);
    const m = readInt(params.m, 'GroupStats.params.m', 1);
    const R = readInt(params.replicates, 'GroupStats.params.replicates', 0);
    const names = readStrings(params.outcomeNames, 'GroupStats.params.outcomeNames');
    const s = GroupStats.empty(k, m, names, R);
    const km = k * m;
    for (const n of MOMENTS) s.mom[n].set(readNumbers(state[n], km, `GroupStats.state.${n}`));
    for (let c = 0; c < km; c++) {
      if ((s.mom.count[c] as number) < 0 || (s.mom.weight[c] as number) < 0 || (s.mom.weight2[c] as number) < 0) {
        throw new SerializationError(`GroupStats.state: negative count or weight in cell ${c}`);
      }
    }
    const outs = (state.outcomes ?? {}) as Record<string, { sum?: unknown; sum2?: unknown }>;
    for (const n of names) {
      const e = s.extra[n] as { sum: Float64Array; sum2: Float64Array };
      e.sum.set(readNumbers(outs[n]?.sum, km, `GroupStats.state.outcomes.${n}.sum`));
      e.sum2.set(readNumbers(outs[n]?.sum2, km, `GroupStats.state.outcomes.${n}.sum2`));
    }
    const rep = (state.replicates ?? {}) as Record<string, unknown>;
    s.rep.w.set(readNumbers(rep.w, R * km, 'GroupStats.state.replicates.w'));
    s.rep.y.set(readNumbers(rep.y, R * km, 'GroupStats.state.replicates.y'));
    s.rep.c.set(readNumbers(rep.c, R * km, 'GroupStats.state.replicates.c'));
    return s;
  }

  private checkCell(g: number, j: number): void {
    if (!(Number.isInteger(g) && g >= 0 && g < this.k && Number.isInteger(j) && j >= 0 && j < this.m)) {
      throw new ValidationError({
        path: ['cell'],
        message: `expected g in 0..${this.k - 1} and j in 0..${this.m - 1}, got (${g}, ${j})`,
      });
    }
  }
}

function addInto(out: Float64Array, a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) + (b[i] as number);
}

/** Poisson(1) by inversion of a uniform draw. */
function poisson1(u: number): number {
  let p = Math.exp(-1);
  let f = p;
  let x = 0;
  while (u > f && x < 20) {
    x++;
    p /= x;
    f += p;
  }
  return x;
}
