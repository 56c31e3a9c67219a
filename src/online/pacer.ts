import { SerializationError, ValidationError } from '../core/errors.js';
import { rowCount } from '../core/matrix.js';
import { describe } from '../core/validate.js';
import { rowUniform } from '../policy/fingerprint.js';
import type { AllocationPolicy } from '../policy/policy.js';
import type { StudentNet } from '../policy/student.js';
import { DriftMonitor, type DriftSummary } from './drift.js';
import { policyFingerprint, streamKey, streamUniform } from './hash.js';
import { type PacerJSON, type PacerStateJSON, readPacerJSON, writePacerParams } from './pacer-json.js';
import { ArmCaps, LadderCosts } from './pacer-ladder.js';
import { SpendLedger } from './pacer-ledger.js';
import { type BudgetPacerOptions, type ResolvedPacerOptions, resolvePacerOptions } from './pacer-options.js';
import type { CostObservation, PacerDecision, PacerStatus } from './pacer-types.js';

export type { CostObservation, PacerDecision, PacerStatus } from './pacer-types.js';

const SALT_HOLDOUT = 1;
const SALT_MIX = 2;
const SALT_UNIFORM = 3;
const SALT_SHARE = 4;
/** Rows per micro-batch of `decideMany`. */
const BATCH = 1024;

/**
 * Runs an {@link AllocationPolicy} over a period with a total budget as users arrive one by one. `decide(x)` gives
 * the arm at the current level of the ladder formed by the policy's budget grid; `observe({ cost, at })` feeds
 * realised spend, which may come late (a redemption is known hours after the decision).
 *
 * The level is the budget's dual price read on the ladder: every `interval` decisions the pacer forecasts the
 * final cost of the decisions made (realised cost for decisions older than `delay`, the plan's cost times the
 * realised-to-planned ratio of matured decisions for younger ones), and moves to the point of the ladder whose cost
 * on the running group mix, times that ratio, spends the rest of the budget over the remaining arrivals. Between
 * two grid plans it sends a hash-chosen share of users to the dearer one, so any spend rate between the cheapest and
 * dearest plan is reachable. Per-arm caps are counted online and never exceeded (a capped user gets the group's arm
 * at the next lower plan that is not capped, else control); a seeded hash of the user id holds a stable share of
 * users out. State is a small JSON (`toJSON` / `fromJSON`) that checks the policy's fingerprint on restore.
 *
 * @example
 * ```ts
 * const pacer = new BudgetPacer({ policy, budget: { total: 50_000 }, arrivals: 1_000_000, holdout: 0.05 });
 * const d = pacer.decision(x, userId);            // { id, arm, propensity, planBudget, group, ... }
 * // hours later, when the redemption is known:
 * pacer.observe({ cost: 3, at: d.seq, arm: d.arm });
 * // a micro-batch of requests (row-major n * d): the same arms as decide row by row, faster
 * const arms = pacer.decideMany(X, undefined, userIds);
 * ```
 */
export class BudgetPacer {
  readonly policy: AllocationPolicy;
  readonly fingerprint: string;
  /** The drift monitor fed by this pacer (undefined when `drift: false`). */
  readonly monitor: DriftMonitor | undefined;
  private readonly o: ResolvedPacerOptions;
  private readonly options: BudgetPacerOptions;
  private readonly k: number;
  private readonly m: number;
  private readonly d: number;
  private readonly costs: LadderCosts;
  private readonly caps: ArmCaps;
  private readonly ledger: SpendLedger;
  /** The student that gives `decide` its group (its one-row pass allocates nothing). */
  private readonly student: StudentNet;
  /** The table's arms, row-major plan x group (the lookup of the hot path). */
  private readonly arms: Int32Array;
  private readonly shares: Float64Array | undefined;
  /** Hash streams of the holdout, the plan mixing, the uniform holdout arm and the split of a group. */
  private readonly holdKey: number;
  private readonly mixKey: number;
  private readonly uniformKey: number;
  private readonly shareKey: number;
  /** Groups of a micro-batch in `decideMany`. */
  private batchGroups: Int32Array | undefined;
  // State.
  private seq = 0;
  private held = 0;
  private readonly mix: Float64Array;
  private readonly blockGroups: Float64Array;
  private plan = 0;
  private theta = 0;
  private ratio = 1;
  // The last decision, for `lastDecision()`.
  private lastId: string | number = 0;
  private lastGroup = 0;
  private lastArm = 0;
  private lastPlan = -1;
  private lastCapped = false;

  constructor(options: BudgetPacerOptions) {
    const policy = options.policy;
    if (policy === undefined || policy === null || typeof policy.groupOf !== 'function') {
      throw new ValidationError({ path: ['policy'], message: `expected an AllocationPolicy, got ${describe(policy)}` });
    }
    const stats = policy.stats;
    if (stats === undefined) {
      throw new ValidationError({
        path: ['policy', 'stats'],
        message:
          "the policy holds no GroupStats (saved with 'hrc-budget fit --slim' or made by withoutStats()): the pacer prices every decision at its (group, arm) cost from the trial, which only the GroupStats hold; pace a policy saved without --slim",
      });
    }
    this.o = resolvePacerOptions(options);
    this.options = options;
    this.policy = policy;
    this.fingerprint = policyFingerprint(policy);
    const t = policy.table;
    this.k = t.k;
    this.m = t.m;
    this.d = policy.d;
    this.costs = new LadderCosts(t, stats);
    this.caps = new ArmCaps(this.costs, this.o.caps);
    this.ledger = new SpendLedger(this.m);
    this.student = policy.student;
    this.arms = t.arms;
    this.shares = t.shares;
    const seed = this.o.seed;
    this.holdKey = streamKey(seed, SALT_HOLDOUT);
    this.mixKey = streamKey(seed, SALT_MIX);
    this.uniformKey = streamKey(seed, SALT_UNIFORM);
    this.shareKey = streamKey(seed, SALT_SHARE);
    const shares = this.costs.referenceShares;
    this.mix = shares.slice();
    this.blockGroups = new Float64Array(this.k);
    this.monitor =
      options.drift === false
        ? undefined
        : new DriftMonitor(shares, policy.treatmentNames, {
            plannedCostSe: Float64Array.from(
              { length: this.k * this.m },
              (_, c) => stats.cell(Math.floor(c / this.m), c % this.m).seCost,
            ),
            ...(options.drift ?? {}),
          });
    this.update();
  }

  /** The arm (0 = control) for one user; `id` keys the holdout and the plan mixing (default: the sequence number). */
  decide(x: ArrayLike<number>, id?: string | number): number {
    const d = this.d;
    if (x.length < d) {
      throw new ValidationError({ path: ['x'], message: `expected ${d} features, got ${x.length}` });
    }
    return this.place(this.student.argmax(x, 0), id ?? this.seq, this.shares === undefined ? 0 : rowUniform(x, 0, d));
  }

  /**
   * The arms of the `n` users of a row-major `n * d` matrix `X`, into `out` (or a new array): the same arms, state
   * and log as `n` calls of {@link decide} in row order (`ids[i]` keys row i; default: the sequence numbers), with
   * the student's groups computed a micro-batch at a time (`student.argmaxBatch`, the WebAssembly kernel where
   * available). The log record of only the last row is kept for {@link lastDecision}.
   */
  decideMany(X: Float32Array, out?: Int32Array, ids?: ArrayLike<string | number>): Int32Array {
    const d = this.d;
    const n = rowCount(X, d);
    const arms = out ?? new Int32Array(n);
    if (arms.length < n) {
      throw new ValidationError({ path: ['out'], message: `expected room for ${n} arms, got ${arms.length}` });
    }
    if (ids !== undefined && ids.length < n) {
      throw new ValidationError({ path: ['ids'], message: `expected ${n} ids, got ${ids.length}` });
    }
    const groups = this.batchGroups ?? new Int32Array(BATCH);
    this.batchGroups = groups;
    const student = this.policy.student;
    for (let from = 0; from < n; from += BATCH) {
      const rows = Math.min(BATCH, n - from);
      student.argmaxBatch(X, groups, from, rows);
      for (let r = 0; r < rows; r++) {
        const i = from + r;
        const u = this.shares === undefined ? 0 : rowUniform(X, i * d, d);
        arms[i] = this.place(groups[r] as number, ids !== undefined ? (ids[i] as string | number) : this.seq, u);
      }
    }
    return arms;
  }

  /**
   * The arm for a user whose group is known already (e.g. from `policy.student.argmaxBatch` over a micro-batch, or
   * a SQL scorer's `hrc_group`): the pacing, caps, holdout and log of {@link decide} without the student. With a
   * plan that splits groups (shares), the split is keyed by the id's hash rather than by the features.
   */
  decideGroup(group: number, id?: string | number): number {
    if (!(Number.isInteger(group) && group >= 0 && group < this.k)) {
      throw new ValidationError({
        path: ['group'],
        message: `expected a group index in 0..${this.k - 1}, got ${describe(group)}`,
      });
    }
    const key = id ?? this.seq;
    return this.place(group, key, this.shares === undefined ? 0 : streamUniform(this.shareKey, key));
  }

  /** The hot path: holdout, the plan's arm, caps and the counters, with no allocation. */
  private place(g: number, key: string | number, u: number): number {
    const o = this.o;
    let arm: number;
    let plan = -1;
    if (o.holdoutShare > 0 && streamUniform(this.holdKey, key) < o.holdoutShare) {
      arm = o.holdoutMode === 'control' ? 0 : Math.floor(streamUniform(this.uniformKey, key) * this.m);
    } else {
      plan = this.theta > 0 && streamUniform(this.mixKey, key) < this.theta ? this.plan + 1 : this.plan;
      arm =
        this.shares === undefined ? (this.arms[plan * this.k + g] as number) : this.policy.table.pickArm(plan, g, u);
    }
    const caps = this.caps;
    let capped = false;
    if (caps.isFull(arm)) {
      capped = true;
      arm = caps.fallback(plan < 0 ? this.plan : plan, g);
    }
    this.lastId = key;
    this.lastGroup = g;
    this.lastArm = arm;
    this.lastPlan = plan;
    this.lastCapped = capped;
    if (plan < 0) this.held++;
    this.ledger.record(arm, this.costs.cell[g * this.m + arm] as number);
    caps.counts[arm] = (caps.counts[arm] as number) + 1;
    this.blockGroups[g] = (this.blockGroups[g] as number) + 1;
    this.monitor?.recordDecision(g, arm);
    this.seq++;
    if (this.seq % o.interval === 0) {
      this.ledger.nextBlock();
      this.update();
    }
    return arm;
  }

  /** {@link decide} and the decision's log record. */
  decision(x: ArrayLike<number>, id?: string | number): PacerDecision {
    this.decide(x, id);
    return this.lastDecision();
  }

  /** The log record of the latest decision. */
  lastDecision(): PacerDecision {
    if (this.seq === 0) throw new ValidationError({ path: ['lastDecision'], message: 'no decision made yet' });
    const t = this.policy.table;
    const plan = this.lastPlan;
    return {
      id: this.lastId,
      seq: this.seq - 1,
      arm: this.lastArm,
      propensity: this.propensity(this.lastGroup, this.lastArm, this.lastCapped),
      planBudget: plan < 0 ? Number.NaN : (t.budgets[plan] as number),
      group: this.lastGroup,
      holdout: plan < 0,
      capped: this.lastCapped,
    };
  }

  /** Feeds a realised cost (late costs allowed). Throws ValidationError on a negative or non-finite cost. */
  observe(observation: CostObservation): void {
    const cost = observation?.cost;
    if (typeof cost !== 'number' || !Number.isFinite(cost) || cost < 0) {
      throw new ValidationError({
        path: ['observe', 'cost'],
        message: `expected a finite cost >= 0, got ${describe(cost)}`,
      });
    }
    const at = observation.at ?? this.seq - 1;
    if (!(Number.isInteger(at) && at >= 0 && at < this.seq)) {
      throw new ValidationError({
        path: ['observe', 'at'],
        message: `expected the sequence number of a decision made (0..${this.seq - 1}), got ${describe(observation.at)}`,
      });
    }
    const arm = observation.arm;
    if (arm !== undefined && !(Number.isInteger(arm) && arm >= 0 && arm < this.m)) {
      throw new ValidationError({
        path: ['observe', 'arm'],
        message: `expected an arm index in 0..${this.m - 1}, got ${describe(arm)}`,
      });
    }
    this.ledger.observe(Math.floor(at / this.o.interval), cost, arm, this.monitor);
  }

  /** Where the pacer stands. */
  status(): PacerStatus {
    const t = this.policy.table;
    return {
      decisions: this.seq,
      committed: this.ledger.committed(this.ratio),
      observed: this.ledger.observed,
      costRatio: this.ratio,
      plan: this.plan,
      mix: this.theta,
      planBudget:
        (t.budgets[this.plan] as number) * (1 - this.theta) +
        (this.theta > 0 ? (t.budgets[this.plan + 1] as number) * this.theta : 0),
      armCounts: Array.from(this.caps.counts),
      heldOut: this.held,
    };
  }

  /** The drift monitor's summary (undefined when `drift: false`). */
  drift(): DriftSummary | undefined {
    return this.monitor?.summary();
  }

  private propensity(g: number, arm: number, capped: boolean): number {
    const h = this.o.holdoutShare;
    const hold = h === 0 ? 0 : this.o.holdoutMode === 'control' ? (arm === 0 ? 1 : 0) : 1 / this.m;
    if (capped) return 1 - h + h * hold;
    const t = this.policy.table;
    const share = (p: number) =>
      t.shares === undefined ? (t.armFor(p, g) === arm ? 1 : 0) : (t.shares[(p * this.k + g) * this.m + arm] as number);
    const inPlan = (1 - this.theta) * share(this.plan) + (this.theta > 0 ? this.theta * share(this.plan + 1) : 0);
    return (1 - h) * inPlan + h * hold;
  }

  /** Matures old blocks, re-estimates the cost ratio and the mix, and moves on the ladder. */
  private update(): void {
    const o = this.o;
    const I = o.interval;
    const ledger = this.ledger;
    ledger.mature(this.seq, I, o.delay, this.monitor);
    this.monitor?.check();
    const perUser = o.total / o.arrivals;
    const prior = o.priorArrivals * perUser;
    this.ratio =
      prior + ledger.maturedPlanned > 0 ? (prior + ledger.maturedObserved) / (prior + ledger.maturedPlanned) : 1;
    if (!(this.ratio > 1e-6)) this.ratio = 1e-6;
    // The running group mix.
    let blockN = 0;
    for (const c of this.blockGroups) blockN += c;
    if (blockN > 0) {
      const a = o.mixSmoothing;
      for (let g = 0; g < this.k; g++)
        this.mix[g] = (1 - a) * (this.mix[g] as number) + (a * (this.blockGroups[g] as number)) / blockN;
      this.blockGroups.fill(0);
    }
    const remaining = Math.max(this.remainingArrivals(), I);
    const target = (o.total - ledger.committed(this.ratio)) / (remaining * this.ratio);
    // The part of the spend rate the plans must carry, after the holdout's.
    const h = o.holdoutShare;
    const holdCost = h > 0 ? this.costs.holdoutCost(this.mix, o.holdoutMode === 'uniform') : 0;
    const point = this.costs.pointFor((target - h * holdCost) / (1 - h), this.mix, this.caps);
    this.plan = point.plan;
    this.theta = point.theta;
  }

  /** Arrivals still expected in the period: by the count of decisions, or by the clock and the arrival curve. */
  private remainingArrivals(): number {
    const p = this.o.period;
    if (p === undefined) return this.o.arrivals - this.seq;
    const now = (this.options.now ?? Date.now)();
    const frac = Math.min(1, Math.max(0, (now - p.start) / (p.end - p.start)));
    const slots = p.cumulative.length - 1;
    const x = frac * slots;
    const i = Math.min(slots - 1, Math.floor(x));
    const lo = p.cumulative[i] as number;
    const done = lo + ((p.cumulative[i + 1] as number) - lo) * (x - i);
    return this.o.arrivals * (1 - done);
  }

  /** Versioned JSON `{ kind: 'BudgetPacer', formatVersion: 1, params, state }` (small: no per-user data). */
  toJSON(): PacerJSON {
    const state: PacerStateJSON = {
      seq: this.seq,
      heldOut: this.held,
      armCounts: Array.from(this.caps.counts),
      mix: Array.from(this.mix),
      blockGroups: Array.from(this.blockGroups),
      ...this.ledger.state(),
      plan: this.plan,
      theta: this.theta,
      ratio: this.ratio,
      ...(this.monitor !== undefined ? { drift: this.monitor.counts() } : {}),
    };
    return {
      kind: 'BudgetPacer',
      formatVersion: 1,
      params: writePacerParams(this.o, this.fingerprint, this.policy.treatmentNames, this.options.drift),
      state,
    };
  }

  /**
   * Restores a pacer from {@link toJSON} onto its policy (untrusted input: checked by a schema). Throws
   * SerializationError when the JSON is malformed or was written for another policy (fingerprint). The restored
   * pacer makes the same decisions as the one saved. Pass `drift` (with its `onEvent`) and `now` again: callbacks
   * are not serialized.
   */
  static fromJSON(
    json: unknown,
    policy: AllocationPolicy,
    runtime: { drift?: BudgetPacerOptions['drift']; now?: () => number } = {},
  ): BudgetPacer {
    const { params, state } = readPacerJSON(json, policy, policyFingerprint);
    const pacer = new BudgetPacer({
      policy,
      budget: params.budget,
      arrivals: params.arrivals,
      caps: params.caps,
      holdout: params.holdout,
      delay: params.delay,
      interval: params.interval,
      mixSmoothing: params.mixSmoothing,
      priorArrivals: params.priorArrivals,
      seed: params.seed,
      drift: runtime.drift ?? params.drift,
      ...(params.period !== undefined ? { period: params.period } : {}),
      ...(runtime.now !== undefined ? { now: runtime.now } : {}),
    });
    pacer.restore(state);
    return pacer;
  }

  private restore(s: PacerStateJSON): void {
    const fail = (what: string) => {
      throw new SerializationError(`BudgetPacer.state.${what}: inconsistent with the policy or the options`);
    };
    if (s.armCounts.length !== this.m || s.mix.length !== this.k || s.blockGroups.length !== this.k) fail('sizes');
    if (s.plan >= this.policy.table.size || (s.theta > 0 && s.plan + 1 >= this.policy.table.size)) fail('plan');
    if (!SpendLedger.fits(s, this.m, s.seq, this.o.interval)) fail('window');
    this.seq = s.seq;
    this.held = s.heldOut;
    this.caps.counts.set(s.armCounts);
    this.mix.set(s.mix);
    this.blockGroups.set(s.blockGroups);
    this.ledger.restore(s);
    this.plan = s.plan;
    this.theta = s.theta;
    this.ratio = s.ratio;
    if (s.drift !== undefined && this.monitor !== undefined) {
      const d = s.drift;
      if (
        d.groups.length !== this.k ||
        d.cells.length !== this.k * this.m ||
        [d.arms, d.planned, d.realized, d.matured, d.squares].some((a) => a.length !== this.m)
      )
        fail('drift');
      this.monitor.restore(d);
    }
  }
}
