import { ValidationError } from '../core/errors.js';
import { matrix } from '../core/matrix.js';
import { deriveSeed, RNG } from '../core/rng.js';
import type { Matrix } from '../core/types.js';
import { type RCTDataset, subsetRows } from '../data/dataset.js';
import type { RepresentationNetOptions } from '../representation/options.js';
import type { RepresentationNet } from '../representation/representation.js';
import { inProcessTrainer, type NetJob, type NetTrainer } from './trainer.js';

/** Out-of-fold per-arm predictions of a cross-fitted set of representation networks. */
export interface CrossFit {
  /** One network per fold, each trained on the other folds' rows. */
  readonly nets: readonly RepresentationNet[];
  /** The fold of each training row (0..folds-1). */
  readonly fold: Int32Array;
  /** Each row's per-arm expected response by the network that did not see it (row-major `n x m`). */
  readonly response: Float32Array;
  /** Each row's per-arm expected cost by the network that did not see it (row-major `n x m`). */
  readonly cost: Float32Array;
}

/**
 * Folds stratified by arm: within each arm the rows are shuffled (seeded) and dealt to the folds in turn, so every
 * fold holds about the same share of every arm.
 */
export function stratifiedFolds(treatment: Int32Array, m: number, folds: number, seed: number): Int32Array {
  if (!Number.isInteger(folds) || folds < 2) {
    throw new ValidationError({ path: ['crossFit'], message: `expected an integer >= 2 folds, got ${folds}` });
  }
  const rng = new RNG(seed);
  const byArm: number[][] = Array.from({ length: m }, () => []);
  for (let i = 0; i < treatment.length; i++) byArm[treatment[i] as number]?.push(i);
  const fold = new Int32Array(treatment.length);
  for (const rows of byArm) {
    const arr = rng.shuffle(Int32Array.from(rows));
    for (let r = 0; r < arr.length; r++) fold[arr[r] as number] = r % folds;
  }
  return fold;
}

/**
 * How {@link crossFitNets} chose the strength of the networks' prior of homogeneous effects (RepresentationNet
 * `upliftL2`) among several candidates: by a held-out uplift loss on the trial rows of the folds it compared.
 */
export interface UpliftL2Choice {
  /** The strengths compared, in the order given. */
  readonly candidates: readonly number[];
  /** The strength every fold's network was trained with. */
  readonly chosen: number;
  /**
   * Each candidate's mean held-out uplift loss minus the chosen one's, per compared row (0 for the chosen; positive:
   * worse). The loss is the squared error of each arm's predicted response uplift against its doubly robust
   * pseudo-outcome, summed over the treatment arms (see {@link upliftLossRows}).
   */
  readonly lossDifference: readonly number[];
  /** The paired t-statistic of each difference over the compared rows (NaN for the chosen). */
  readonly t: readonly number[];
  /** How many folds had one network per candidate before the choice was made. */
  readonly foldsCompared: number;
  /** How many held-out trial rows the losses were measured on. */
  readonly rowsCompared: number;
}

/** Options of {@link crossFitNets}' choice of `upliftL2`. */
export interface UpliftL2Selection {
  /** Strengths to choose from; with one, that strength is used and nothing is compared. */
  readonly candidates: readonly number[];
  /** The most folds to train one network per candidate on before choosing. @default 2 */
  readonly maxFolds?: number;
  /**
   * The choice is made after fewer than `maxFolds` folds once the leader's loss is below every other candidate's by
   * at least this many standard errors. @default 2
   */
  readonly decisiveT?: number;
}

/** Out-of-fold predictions with the choice of `upliftL2` that produced them (when there was one). */
export interface CrossFitWithChoice extends CrossFit {
  readonly upliftL2?: UpliftL2Choice;
}

/**
 * Per-row held-out uplift loss of several models' out-of-fold predictions of the same rows: for each row and
 * treatment arm j, the squared difference between the model's predicted uplift mu_j(x) - mu_0(x) and the doubly
 * robust pseudo-outcome `mubar_j(x) - mubar_0(x) + (y - mubar_t(x)) (1[t = j] - 1[t = 0]) / e`, where mubar is the
 * models' mean prediction and e the row's propensity. In a randomized trial the pseudo-outcome's expectation given
 * x is the true uplift whatever mubar is (mubar never saw the row), so the difference of two models' mean losses is an
 * unbiased estimate of the difference of their mean squared uplift errors; the shared mubar only lowers its noise.
 *
 * @param preds each model's per-arm response predictions of the rows (row-major `rows.length x m`)
 * @returns one Float64Array of per-row losses per model
 */
export function upliftLossRows(
  preds: readonly Float32Array[],
  m: number,
  rows: readonly number[],
  data: Pick<RCTDataset, 'treatment' | 'response' | 'propensity' | 'n'>,
  armShare: Float64Array,
): Float64Array[] {
  const out = preds.map(() => new Float64Array(rows.length));
  const k = preds.length;
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r] as number;
    const t = data.treatment[i] as number;
    const y = data.response[i] as number;
    const e = data.propensity !== undefined ? (data.propensity[i] as number) : (armShare[t] as number);
    let mu0 = 0;
    let muT = 0;
    for (const p of preds) {
      mu0 += p[r * m] as number;
      muT += p[r * m + t] as number;
    }
    mu0 /= k;
    muT /= k;
    for (let j = 1; j < m; j++) {
      let muj = 0;
      for (const p of preds) muj += p[r * m + j] as number;
      muj /= k;
      const w = t === j ? 1 / e : t === 0 ? -1 / e : 0;
      const pseudo = muj - mu0 + (y - muT) * w;
      for (let c = 0; c < k; c++) {
        const p = preds[c] as Float32Array;
        const err = pseudo - ((p[r * m + j] as number) - (p[r * m] as number));
        (out[c] as Float64Array)[r] = ((out[c] as Float64Array)[r] as number) + err * err;
      }
    }
  }
  return out;
}

/** Mean and paired t-statistic of `a - b`. */
function pairedT(a: Float64Array, b: Float64Array): { mean: number; t: number } {
  const n = a.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += (a[i] as number) - (b[i] as number);
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((a[i] as number) - (b[i] as number) - mean) ** 2;
  const se = Math.sqrt(ss / Math.max(1, n - 1) / n);
  return { mean, t: se > 0 ? mean / se : mean === 0 ? 0 : Math.sign(mean) * Number.POSITIVE_INFINITY };
}

function concat(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Trains one {@link RepresentationNet} per fold on the rows of the other folds and predicts the held-out fold, so
 * every training row gets per-arm predictions from a network that never saw its outcome. Groups formed on these
 * predictions are independent of each row's own outcome, which keeps the group-level uplift estimates honest
 * (no winner's curse from forming and measuring groups on the same labels).
 *
 * With `select` of two or more `upliftL2` candidates, the first folds get one network per candidate (same seed, so
 * the comparison shares initialisation and batch order), the candidates are compared by their held-out uplift loss
 * on those folds' rows ({@link upliftLossRows}), and the remaining folds are trained with the winner only. The
 * comparison stops after the first fold where the leader is ahead of every other candidate by `decisiveT` standard
 * errors, and after `maxFolds` folds at the latest.
 *
 * `trainer` trains the networks: one at a time in this thread by default, or several at once on worker threads
 * (`fitWorkers` of the pipeline). Each network's seed depends only on its fold, so the result is the same whatever
 * the trainer.
 */
export async function crossFitNets(
  train: RCTDataset,
  folds: number,
  options: RepresentationNetOptions,
  seed: number,
  onFold?: (fold: number) => void,
  select?: UpliftL2Selection,
  trainer: NetTrainer = inProcessTrainer,
): Promise<CrossFitWithChoice> {
  const m = train.treatmentNames.length;
  const fold = stratifiedFolds(train.treatment, m, folds, deriveSeed(seed, 'crossfit/folds'));
  const response = new Float32Array(train.n * m);
  const cost = new Float32Array(train.n * m);
  const candidates = select?.candidates ?? [options.upliftL2 ?? 0];
  if (candidates.length === 0)
    throw new ValidationError({ path: ['upliftL2'], message: 'expected at least one candidate strength' });
  const maxFolds = Math.min(folds, select?.maxFolds ?? 2);
  const decisiveT = select?.decisiveT ?? 2;
  const armShare = new Float64Array(m);
  for (let i = 0; i < train.n; i++) {
    const t = train.treatment[i] as number;
    armShare[t] = (armShare[t] as number) + 1 / train.n;
  }
  const nets: RepresentationNet[] = [];
  // While comparing: every candidate's network and held-out predictions of each compared fold.
  const pending: { nets: RepresentationNet[]; rows: number[]; response: Float32Array[]; cost: Float32Array[] }[] = [];
  const losses: Float64Array[][] = candidates.map(() => []);
  let chosen = candidates.length === 1 ? 0 : -1;
  let choice: UpliftL2Choice | undefined;
  const place = (rows: readonly number[], r: Float32Array, c: Float32Array) => {
    for (let q = 0; q < rows.length; q++) {
      const i = rows[q] as number;
      response.set(r.subarray(q * m, q * m + m), i * m);
      cost.set(c.subarray(q * m, q * m + m), i * m);
    }
  };
  const split = (f: number) => {
    const inRows: number[] = [];
    const outRows: number[] = [];
    for (let i = 0; i < train.n; i++) (fold[i] === f ? outRows : inRows).push(i);
    const held = subsetRows(train, outRows);
    return { fitData: subsetRows(train, inRows), outRows, heldX: matrix(held.features, held.d, 'features') };
  };
  const job = (f: number, fitData: RCTDataset, strength: number): NetJob => ({
    options: { ...options, upliftL2: strength, seed: deriveSeed(seed, `crossfit/net${f}`) },
    data: fitData,
  });
  // Trains the jobs, up to the trainer's concurrency at once, and returns the networks in job order; on a failure
  // the networks already trained are freed.
  const trainAll = async (jobs: readonly NetJob[]): Promise<RepresentationNet[]> => {
    const out: RepresentationNet[] = [];
    const c = Math.max(1, trainer.concurrency);
    for (let s = 0; s < jobs.length; s += c) {
      const settled = await Promise.allSettled(jobs.slice(s, s + c).map((j) => trainer.train(j)));
      const failed = settled.find((r) => r.status === 'rejected');
      for (const r of settled) if (r.status === 'fulfilled') out.push(r.value);
      if (failed !== undefined) {
        for (const n of out) n.dispose();
        throw failed.reason;
      }
    }
    return out;
  };
  try {
    for (let f = 0; f < folds; ) {
      if (chosen >= 0) {
        // The rest of the folds with the chosen strength, as many at once as the trainer trains.
        const batch: number[] = [];
        for (let g = f; g < Math.min(folds, f + Math.max(1, trainer.concurrency)); g++) batch.push(g);
        const splits = batch.map((g) => {
          onFold?.(g);
          return split(g);
        });
        const trained = await trainAll(
          batch.map((g, b) => job(g, (splits[b] as ReturnType<typeof split>).fitData, candidates[chosen] as number)),
        );
        nets.push(...trained);
        trained.forEach((net, b) => {
          const sp = splits[b] as ReturnType<typeof split>;
          const p = net.predict(sp.heldX);
          place(sp.outRows, p.response, p.cost);
        });
        f += batch.length;
        continue;
      }
      onFold?.(f);
      const { fitData, outRows, heldX } = split(f);
      const entry = {
        nets: [] as RepresentationNet[],
        rows: outRows,
        response: [] as Float32Array[],
        cost: [] as Float32Array[],
      };
      pending.push(entry);
      entry.nets = await trainAll(candidates.map((strength) => job(f, fitData, strength)));
      for (const net of entry.nets) {
        const p = net.predict(heldX);
        entry.response.push(p.response);
        entry.cost.push(p.cost);
      }
      f++;
      const fl = upliftLossRows(entry.response, m, outRows, train, armShare);
      fl.forEach((l, c) => {
        losses[c]?.push(l);
      });
      const all = losses.map(concat);
      const means = all.map((l) => l.reduce((s, v) => s + v, 0) / Math.max(1, l.length));
      let leader = 0;
      for (let c = 1; c < candidates.length; c++) if ((means[c] as number) < (means[leader] as number)) leader = c;
      const vs = all.map((l, c) =>
        c === leader ? { mean: 0, t: Number.NaN } : pairedT(l, all[leader] as Float64Array),
      );
      if (pending.length >= maxFolds || vs.every((x, c) => c === leader || x.t >= decisiveT)) {
        chosen = leader;
        choice = {
          candidates: [...candidates],
          chosen: candidates[leader] as number,
          lossDifference: vs.map((x) => x.mean),
          t: vs.map((x) => x.t),
          foldsCompared: pending.length,
          rowsCompared: (all[leader] as Float64Array).length,
        };
        for (const e of pending) {
          e.nets.forEach((n, c) => {
            if (c !== leader) n.dispose();
          });
          nets.push(e.nets[leader] as RepresentationNet);
          place(e.rows, e.response[leader] as Float32Array, e.cost[leader] as Float32Array);
          e.nets = [];
        }
        pending.length = 0;
      }
    }
  } catch (e) {
    for (const n of nets) n.dispose();
    for (const p of pending) for (const n of p.nets) n.dispose();
    throw e;
  }
  return { nets, fold, response, cost, ...(choice !== undefined ? { upliftL2: choice } : {}) };
}

/** The mean of the fold networks' per-arm predictions for new rows (the teacher of users outside the trial). */
export function ensemblePredict(
  nets: readonly RepresentationNet[],
  features: Matrix,
): { response: Float32Array; cost: Float32Array } {
  let response: Float32Array | undefined;
  let cost: Float32Array | undefined;
  for (const net of nets) {
    const p = net.predict(features);
    if (response === undefined || cost === undefined) {
      response = Float32Array.from(p.response);
      cost = Float32Array.from(p.cost);
    } else {
      for (let i = 0; i < response.length; i++) response[i] = (response[i] as number) + (p.response[i] as number);
      for (let i = 0; i < cost.length; i++) cost[i] = (cost[i] as number) + (p.cost[i] as number);
    }
  }
  if (response === undefined || cost === undefined)
    throw new ValidationError({ path: ['nets'], message: 'expected at least one network' });
  const s = 1 / nets.length;
  for (let i = 0; i < response.length; i++) response[i] = (response[i] as number) * s;
  for (let i = 0; i < cost.length; i++) cost[i] = (cost[i] as number) * s;
  return { response, cost };
}

/**
 * The uplift space the groups are formed in: for every arm j >= 1, the predicted response uplift over control and,
 * unless cost is fixed per arm in the trial, the predicted cost uplift: an `n x (m - 1)` matrix, `n x 2(m - 1)`
 * with costs. The clusterer standardizes the columns.
 */
export function upliftSpace(
  pred: { response: Float32Array; cost: Float32Array },
  m: number,
  withCost: boolean,
): Matrix {
  const n = pred.response.length / m;
  const dim = (m - 1) * (withCost ? 2 : 1);
  const x = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const r0 = pred.response[i * m] as number;
    const c0 = pred.cost[i * m] as number;
    let o = i * dim;
    for (let j = 1; j < m; j++) {
      x[o++] = (pred.response[i * m + j] as number) - r0;
      if (withCost) x[o++] = (pred.cost[i * m + j] as number) - c0;
    }
  }
  return { data: x, rows: n, cols: dim };
}

/** Whether the trial's cost varies within some arm (if not, arm costs are fixed and carry no per-user signal). */
export function costVariesWithinArms(data: RCTDataset): boolean {
  const m = data.treatmentNames.length;
  const first = new Float64Array(m).fill(Number.NaN);
  for (let i = 0; i < data.n; i++) {
    const t = data.treatment[i] as number;
    const c = data.cost[i] as number;
    if (Number.isNaN(first[t] as number)) first[t] = c;
    else if (c !== first[t]) return true;
  }
  return false;
}
