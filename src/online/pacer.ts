import { SerializationError, ValidationError } from '../core/errors.js';
import { describe } from '../core/validate.js';
import { rowUniform } from '../policy/fingerprint.js';
import type { AllocationPolicy } from '../policy/policy.js';
import { DriftMonitor, type DriftSummary } from './drift.js';
import { hashUniform, policyFingerprint } from './hash.js';
import { type PacerJSON, type PacerStateJSON, readPacerJSON } from './pacer-json.js';
import { type BudgetPacerOptions, type ResolvedPacerOptions, resolvePacerOptions } from './pacer-options.js';

/** One logged decision: enough for an IPW evaluation of the next policy on the users served. */
export interface PacerDecision {
  /** The user id given to `decide` (or the decision's sequence number when none was). */
  readonly id: string | number;
  /** Sequence number of the decision in the period (0-based); pass it to `observe({ at })`. */
  readonly seq: number;
  readonly arm: number;
  /** Probability that the pacer's rule gives this user this arm (holdout and plan mixing included). */
  readonly propensity: number;
  /** Per-user grid budget of the plan used (NaN for a held-out user). */
  readonly planBudget: number;
  readonly group: number;
  readonly holdout: boolean;
  /** True when a cap turned the user away from the plan's arm. */
  readonly capped: boolean;
}

/** A realised cost reported to {@link BudgetPacer.observe}. */
export interface CostObservation {
  /** Cost in the budget's unit; finite and >= 0. */
  readonly cost: number;
  /** Sequence number of the decision the cost belongs to. @default the latest decision */
  readonly at?: number;
  /** Arm of that decision, for the drift monitor's realised-vs-planned cost per arm. */
  readonly arm?: number;
}

/** Where the pacer stands. */
export interface PacerStatus {
  readonly decisions: number;
  /** Cost forecast for the decisions made: realised for matured ones, planned x ratio for younger ones. */
  readonly committed: number;
  /** Realised cost reported so far. */
  readonly observed: number;
  /** Realised over planned cost of matured decisions (1 before any). */
  readonly costRatio: number;
  /** The ladder position: plan index and the share of users moved to the next plan. */
  readonly plan: number;
  readonly mix: number;
  /** Per-user grid budgets of the two plans mixed. */
  readonly planBudget: number;
  readonly armCounts: readonly number[];
  /** Decisions that were held out. */
  readonly heldOut: number;
}

const SALT_HOLDOUT = 1;
const SALT_MIX = 2;
const SALT_UNIFORM = 3;
const SALT_SHARE = 4;

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
  /** Expected cost per user of (group, arm) from the trial, row-major k * m. */
  private readonly cellCost: Float64Array;
  /** Expected cost per user of group g under plan p, row-major P * k. */
  private readonly planGroupCost: Float64Array;
  private readonly referenceShares: Float64Array;
  // State.
  private seq = 0;
  private held = 0;
  private readonly armCounts: Float64Array;
  private readonly mix: Float64Array;
  private readonly blockGroups: Float64Array;
  private observed = 0;
  private maturedPlanned = 0;
  private maturedObserved = 0;
  /** Blocks of `interval` decisions not yet matured: first block index, planned and observed cost per block. */
  private windowStart = 0;
  private windowPlanned: number[] = [0];
  private windowObserved: number[] = [0];
  private windowArmPlanned: number[][];
  private windowArmObserved: number[][];
  private windowArmCount: number[][];
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
        message: 'the pacer needs per-group costs: give a policy that keeps its GroupStats (not withoutStats())',
      });
    }
    this.o = resolvePacerOptions(options);
    this.options = options;
    this.policy = policy;
    this.fingerprint = policyFingerprint(policy);
    const t = policy.table;
    const k = t.k;
    const m = t.m;
    this.k = k;
    this.m = m;
    this.cellCost = new Float64Array(k * m);
    for (let j = 0; j < m; j++) {
      let sum = 0;
      let w = 0;
      for (let g = 0; g < k; g++) {
        const c = stats.cell(g, j);
        if (c.count > 0 && Number.isFinite(c.cost)) {
          this.cellCost[g * m + j] = c.cost;
          sum += c.cost * c.count;
          w += c.count;
        } else this.cellCost[g * m + j] = Number.NaN;
      }
      const mean = w > 0 ? sum / w : 0;
      for (let g = 0; g < k; g++) if (Number.isNaN(this.cellCost[g * m + j])) this.cellCost[g * m + j] = mean;
    }
    const P = t.size;
    this.planGroupCost = new Float64Array(P * k);
    for (let p = 0; p < P; p++) {
      for (let g = 0; g < k; g++) {
        let c = 0;
        if (t.shares === undefined) c = this.cellCost[g * m + t.armFor(p, g)] as number;
        else
          for (let j = 0; j < m; j++)
            c += (t.shares[(p * k + g) * m + j] as number) * (this.cellCost[g * m + j] as number);
        this.planGroupCost[p * k + g] = c;
      }
    }
    let n = 0;
    for (let g = 0; g < k; g++) n += stats.groupCount(g);
    this.referenceShares = Float64Array.from({ length: k }, (_, g) => (n > 0 ? stats.groupCount(g) / n : 1 / k));
    this.mix = this.referenceShares.slice();
    this.blockGroups = new Float64Array(k);
    this.armCounts = new Float64Array(m);
    this.windowArmPlanned = [new Array<number>(m).fill(0)];
    this.windowArmObserved = [new Array<number>(m).fill(0)];
    this.windowArmCount = [new Array<number>(m).fill(0)];
    this.monitor =
      options.drift === false
        ? undefined
        : new DriftMonitor(this.referenceShares, policy.treatmentNames, {
            plannedCostSe: Float64Array.from({ length: k * m }, (_, c) => stats.cell(Math.floor(c / m), c % m).seCost),
            ...(options.drift ?? {}),
          });
    this.update();
  }

  /** The arm (0 = control) for one user; `id` keys the holdout and the plan mixing (default: the sequence number). */
  decide(x: ArrayLike<number>, id?: string | number): number {
    const policy = this.policy;
    if (x.length < policy.d) {
      throw new ValidationError({ path: ['x'], message: `expected ${policy.d} features, got ${x.length}` });
    }
    const g = policy.groupOf(x);
    return this.place(g, id ?? this.seq, policy.table.shares === undefined ? 0 : rowUniform(x, 0, policy.d));
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
    return this.place(
      group,
      key,
      this.policy.table.shares === undefined ? 0 : hashUniform(this.o.seed, SALT_SHARE, key),
    );
  }

  private place(g: number, key: string | number, u: number): number {
    const o = this.o;
    const t = this.policy.table;
    let arm: number;
    let plan = -1;
    if (o.holdoutShare > 0 && hashUniform(o.seed, SALT_HOLDOUT, key) < o.holdoutShare) {
      arm = o.holdoutMode === 'control' ? 0 : Math.floor(hashUniform(o.seed, SALT_UNIFORM, key) * this.m);
    } else {
      plan = this.theta > 0 && hashUniform(o.seed, SALT_MIX, key) < this.theta ? this.plan + 1 : this.plan;
      arm = t.shares === undefined ? t.armFor(plan, g) : t.pickArm(plan, g, u);
    }
    let capped = false;
    if ((this.armCounts[arm] as number) >= (o.caps[arm] as number)) {
      capped = true;
      arm = this.fallback(plan < 0 ? this.plan : plan, g);
    }
    this.lastId = key;
    this.lastGroup = g;
    this.lastArm = arm;
    this.lastPlan = plan;
    this.lastCapped = capped;
    if (plan < 0) this.held++;
    this.record(g, arm);
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
    this.observed += cost;
    if (arm !== undefined) this.monitor?.recordSquare(arm, cost);
    const b = Math.floor(at / this.o.interval) - this.windowStart;
    if (b < 0) {
      // Later than the delay: the decision's block has matured already.
      this.maturedObserved += cost;
      if (arm !== undefined) this.monitor?.recordCost(arm, 0, 0, cost);
      return;
    }
    this.windowObserved[b] = (this.windowObserved[b] as number) + cost;
    if (arm !== undefined) {
      const row = this.windowArmObserved[b] as number[];
      row[arm] = (row[arm] as number) + cost;
    }
  }

  /** Where the pacer stands. */
  status(): PacerStatus {
    const t = this.policy.table;
    return {
      decisions: this.seq,
      committed: this.committed(),
      observed: this.observed,
      costRatio: this.ratio,
      plan: this.plan,
      mix: this.theta,
      planBudget:
        (t.budgets[this.plan] as number) * (1 - this.theta) +
        (this.theta > 0 ? (t.budgets[this.plan + 1] as number) * this.theta : 0),
      armCounts: Array.from(this.armCounts),
      heldOut: this.held,
    };
  }

  /** The drift monitor's summary (undefined when `drift: false`). */
  drift(): DriftSummary | undefined {
    return this.monitor?.summary();
  }

  private record(g: number, arm: number): void {
    const c = this.cellCost[g * this.m + arm] as number;
    const b = this.windowPlanned.length - 1;
    this.windowPlanned[b] = (this.windowPlanned[b] as number) + c;
    const ap = this.windowArmPlanned[b] as number[];
    ap[arm] = (ap[arm] as number) + c;
    const ac = this.windowArmCount[b] as number[];
    ac[arm] = (ac[arm] as number) + 1;
    this.armCounts[arm] = (this.armCounts[arm] as number) + 1;
    this.blockGroups[g] = (this.blockGroups[g] as number) + 1;
    this.monitor?.recordDecision(g, arm);
    this.seq++;
    if (this.seq % this.o.interval === 0) {
      this.windowPlanned.push(0);
      this.windowObserved.push(0);
      this.windowArmPlanned.push(new Array<number>(this.m).fill(0));
      this.windowArmObserved.push(new Array<number>(this.m).fill(0));
      this.windowArmCount.push(new Array<number>(this.m).fill(0));
      this.update();
    }
  }

  /** The arm for a capped user: the group's arm at the next lower plan not capped, else control, else the cheapest free arm. */
  private fallback(plan: number, g: number): number {
    const t = this.policy.table;
    const caps = this.o.caps;
    const free = (j: number) => (this.armCounts[j] as number) < (caps[j] as number);
    for (let p = plan - 1; p >= 0; p--) {
      const j = t.armFor(p, g);
      if (free(j)) return j;
    }
    if (free(0)) return 0;
    let best = -1;
    for (let j = 0; j < this.m; j++) {
      if (
        free(j) &&
        (best < 0 || (this.cellCost[g * this.m + j] as number) < (this.cellCost[g * this.m + best] as number))
      )
        best = j;
    }
    if (best < 0) {
      throw new ValidationError({
        path: ['caps'],
        message: `every arm has reached its cap after ${this.seq} decisions; no arm is left for this user`,
      });
    }
    return best;
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

  private committed(): number {
    let young = 0;
    for (const c of this.windowPlanned) young += c;
    return this.maturedObserved + this.ratio * young;
  }

  /** Matures old blocks, re-estimates the cost ratio and the mix, and moves on the ladder. */
  private update(): void {
    const o = this.o;
    const I = o.interval;
    // Blocks whose last decision is at least `delay` decisions old have matured.
    while (this.windowPlanned.length > 1 && (this.windowStart + 1) * I + o.delay <= this.seq) {
      this.maturedPlanned += this.windowPlanned.shift() as number;
      this.maturedObserved += this.windowObserved.shift() as number;
      const ap = this.windowArmPlanned.shift() as number[];
      const ao = this.windowArmObserved.shift() as number[];
      const ac = this.windowArmCount.shift() as number[];
      if (this.monitor !== undefined)
        for (let j = 0; j < this.m; j++) this.monitor.recordCost(j, ac[j] as number, ap[j] as number, ao[j] as number);
      this.windowStart++;
    }
    this.monitor?.check();
    const perUser = o.total / o.arrivals;
    const prior = o.priorArrivals * perUser;
    this.ratio = prior + this.maturedPlanned > 0 ? (prior + this.maturedObserved) / (prior + this.maturedPlanned) : 1;
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
    const target = (o.total - this.committed()) / (remaining * this.ratio);
    // The part of the spend rate the plans must carry, after the holdout's.
    const h = o.holdoutShare;
    let holdCost = 0;
    if (h > 0) {
      for (let g = 0; g < this.k; g++) {
        let c = 0;
        if (o.holdoutMode === 'control') c = this.cellCost[g * this.m] as number;
        else for (let j = 0; j < this.m; j++) c += (this.cellCost[g * this.m + j] as number) / this.m;
        holdCost += (this.mix[g] as number) * c;
      }
    }
    const planTarget = (target - h * holdCost) / (1 - h);
    this.moveTo(planTarget);
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

  /** The ladder point whose cost per user on the current mix is `target`. */
  private moveTo(target: number): void {
    const t = this.policy.table;
    const P = t.size;
    const costs = new Float64Array(P);
    let full = false;
    for (let j = 0; j < this.m; j++) if ((this.armCounts[j] as number) >= (this.o.caps[j] as number)) full = true;
    for (let p = 0; p < P; p++) {
      let c = 0;
      for (let g = 0; g < this.k; g++) {
        let gc = this.planGroupCost[p * this.k + g] as number;
        if (full && t.shares === undefined) {
          // An arm at its cap is replaced by the one a capped user gets.
          const arm = t.armFor(p, g);
          if ((this.armCounts[arm] as number) >= (this.o.caps[arm] as number)) {
            gc = this.cellCost[g * this.m + this.fallback(p, g)] as number;
          }
        }
        c += (this.mix[g] as number) * gc;
      }
      costs[p] = c;
    }
    let best = -1;
    for (let p = 0; p < P; p++) if ((costs[p] as number) <= target) best = p;
    if (best < 0) {
      this.plan = 0;
      this.theta = 0;
    } else if (best === P - 1) {
      this.plan = P - 1;
      this.theta = 0;
    } else {
      const lo = costs[best] as number;
      const hi = costs[best + 1] as number;
      this.plan = best;
      this.theta = hi > lo ? Math.min(1, Math.max(0, (target - lo) / (hi - lo))) : 0;
    }
  }

  /** Versioned JSON `{ kind: 'BudgetPacer', formatVersion: 1, params, state }` (small: no per-user data). */
  toJSON(): PacerJSON {
    const o = this.o;
    const caps: Record<string, number> = {};
    o.caps.forEach((c, j) => {
      if (Number.isFinite(c)) caps[this.policy.treatmentNames[j] as string] = c;
    });
    const state: PacerStateJSON = {
      seq: this.seq,
      heldOut: this.held,
      armCounts: Array.from(this.armCounts),
      mix: Array.from(this.mix),
      blockGroups: Array.from(this.blockGroups),
      observed: this.observed,
      maturedPlanned: this.maturedPlanned,
      maturedObserved: this.maturedObserved,
      windowStart: this.windowStart,
      windowPlanned: [...this.windowPlanned],
      windowObserved: [...this.windowObserved],
      windowArmPlanned: this.windowArmPlanned.map((r) => [...r]),
      windowArmObserved: this.windowArmObserved.map((r) => [...r]),
      windowArmCount: this.windowArmCount.map((r) => [...r]),
      plan: this.plan,
      theta: this.theta,
      ratio: this.ratio,
      ...(this.monitor !== undefined ? { drift: this.monitor.counts() } : {}),
    };
    return {
      kind: 'BudgetPacer',
      formatVersion: 1,
      params: {
        fingerprint: this.fingerprint,
        budget: { total: o.total },
        arrivals: o.arrivals,
        caps,
        holdout: { share: o.holdoutShare, mode: o.holdoutMode },
        delay: o.delay,
        interval: o.interval,
        mixSmoothing: o.mixSmoothing,
        priorArrivals: o.priorArrivals,
        seed: o.seed,
        ...(o.period !== undefined
          ? { period: { start: o.period.start, end: o.period.end, curve: [...(o.curve ?? [1])] } }
          : {}),
        ...(this.options.drift === false ? { drift: false } : { drift: stripCallback(this.options.drift ?? {}) }),
      },
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
    const w = s.windowPlanned.length;
    if (
      s.windowObserved.length !== w ||
      s.windowArmPlanned.length !== w ||
      s.windowArmObserved.length !== w ||
      s.windowArmCount.length !== w ||
      [...s.windowArmPlanned, ...s.windowArmObserved, ...s.windowArmCount].some((r) => r.length !== this.m) ||
      s.windowStart + w - 1 !== Math.floor(s.seq / this.o.interval)
    ) {
      fail('window');
    }
    this.seq = s.seq;
    this.held = s.heldOut;
    this.armCounts.set(s.armCounts);
    this.mix.set(s.mix);
    this.blockGroups.set(s.blockGroups);
    this.observed = s.observed;
    this.maturedPlanned = s.maturedPlanned;
    this.maturedObserved = s.maturedObserved;
    this.windowStart = s.windowStart;
    this.windowPlanned = [...s.windowPlanned];
    this.windowObserved = [...s.windowObserved];
    this.windowArmPlanned = s.windowArmPlanned.map((r) => [...r]);
    this.windowArmObserved = s.windowArmObserved.map((r) => [...r]);
    this.windowArmCount = s.windowArmCount.map((r) => [...r]);
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

function stripCallback(d: NonNullable<BudgetPacerOptions['drift']>): Record<string, number> {
  if (d === false) return {};
  const { onEvent: _cb, plannedCostSe: _se, ...rest } = d;
  return rest as Record<string, number>;
}
