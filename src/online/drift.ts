import { ValidationError } from '../core/errors.js';
import { checkNumber } from '../core/validate.js';
import type { AllocationPolicy } from '../policy/policy.js';

/**
 * What a {@link DriftMonitor} reports when a threshold is crossed:
 * - `groupShift`: the population stability index of the served users' group shares against the trial's.
 * - `armCost`: an arm's realised cost over matured decisions against the cost the trial predicted for them.
 */
export type DriftEvent =
  | {
      readonly type: 'groupShift';
      readonly psi: number;
      readonly threshold: number;
      readonly decisions: number;
    }
  | {
      readonly type: 'armCost';
      readonly arm: number;
      readonly armName: string;
      /** Realised over planned cost. */
      readonly ratio: number;
      readonly threshold: number;
      readonly planned: number;
      readonly realized: number;
    };

/** Options of {@link DriftMonitor}. All optional. */
export interface DriftMonitorOptions {
  /** PSI of the group shares above which a `groupShift` event fires (0.1 is a small, 0.25 a large shift). @default 0.2 */
  psiThreshold?: number;
  /** Relative gap `|realized / planned - 1|` of an arm's cost above which an `armCost` event fires. @default 0.1 */
  costThreshold?: number;
  /** Decisions before the group shares are checked. @default 1000 */
  minDecisions?: number;
  /** Matured decisions of an arm before its cost ratio is checked. @default 500 */
  minArmDecisions?: number;
  /**
   * Standard errors the realised cost must also be away from the planned one (the variance estimated from the
   * squares of the costs reported), so that sampling noise on a rarely redeemed arm does not fire. @default 3
   */
  z?: number;
  /**
   * Standard error of the trial's per-user cost estimate of each (group, arm) cell, row-major k * m. With it the
   * cost check allows for the plan's own estimation error, not only for the noise of the realised costs.
   */
  plannedCostSe?: Float64Array;
  /** Called once per crossing (again only after the measure has come back under its threshold). */
  onEvent?: (event: DriftEvent) => void;
}

/** Defaults of {@link DriftMonitorOptions}. */
export const defaultDriftMonitorOptions = {
  psiThreshold: 0.2,
  costThreshold: 0.1,
  minDecisions: 1000,
  minArmDecisions: 500,
  z: 3,
} satisfies Required<Omit<DriftMonitorOptions, 'onEvent' | 'plannedCostSe'>>;

/** Realised against planned cost of one arm. */
export interface ArmCostDrift {
  readonly arm: number;
  readonly armName: string;
  readonly decisions: number;
  readonly planned: number;
  readonly realized: number;
  /** realized / planned (NaN before any planned cost). */
  readonly ratio: number;
}

/** A snapshot of a {@link DriftMonitor}. */
export interface DriftSummary {
  readonly decisions: number;
  readonly psi: number;
  readonly groupShares: Float64Array;
  readonly referenceShares: Float64Array;
  readonly armShares: Float64Array;
  readonly armCost: readonly ArmCostDrift[];
  /** Every event fired so far, in order. */
  readonly events: readonly DriftEvent[];
}

/** Floor of a share in the PSI, so an empty group gives a large but finite term. */
const PSI_FLOOR = 1e-4;

/** Population stability index `sum (a - e) ln(a / e)` of two share vectors (shares floored at 1e-4). */
export function populationStability(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let psi = 0;
  for (let g = 0; g < expected.length; g++) {
    const a = Math.max(PSI_FLOOR, actual[g] as number);
    const e = Math.max(PSI_FLOOR, expected[g] as number);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

/**
 * Watches a stream of decisions for drift away from the trial a policy was built on: the group shares of the
 * served users against the trial's (population stability index), and per arm the realised cost of matured
 * decisions against the cost the trial predicted for them. Emits a typed {@link DriftEvent} when a threshold is
 * crossed. Plain TypeScript, browser-safe; a {@link BudgetPacer} feeds one when given `drift` options.
 *
 * @example
 * ```ts
 * const monitor = DriftMonitor.forPolicy(policy, { onEvent: (e) => alerts.push(e) });
 * monitor.recordDecision(policy.groupOf(x), arm);
 * monitor.check();
 * ```
 */
export class DriftMonitor {
  readonly options: DriftMonitorOptions;
  readonly referenceShares: Float64Array;
  readonly armNames: readonly string[];
  private readonly o: typeof defaultDriftMonitorOptions & DriftMonitorOptions;
  private readonly groupCounts: Float64Array;
  /** Decisions per (group, arm), row-major k * m. */
  private readonly cellCounts: Float64Array;
  private readonly armCounts: Float64Array;
  private readonly armPlanned: Float64Array;
  private readonly armRealized: Float64Array;
  private readonly armMatured: Float64Array;
  private readonly armSquares: Float64Array;
  private readonly firing = new Set<string>();
  private readonly fired: DriftEvent[] = [];
  private decisions = 0;

  /** `referenceShares`: the trial's share of each group (normalised here); `armNames`: one per arm. */
  constructor(referenceShares: ArrayLike<number>, armNames: readonly string[], options: DriftMonitorOptions = {}) {
    const o = { ...defaultDriftMonitorOptions, ...options };
    checkNumber('psiThreshold', o.psiThreshold, { min: 0 });
    checkNumber('costThreshold', o.costThreshold, { min: 0 });
    checkNumber('minDecisions', o.minDecisions, { min: 0, integer: true });
    checkNumber('minArmDecisions', o.minArmDecisions, { min: 0, integer: true });
    checkNumber('z', o.z, { min: 0 });
    let total = 0;
    for (let g = 0; g < referenceShares.length; g++) {
      const s = referenceShares[g] as number;
      if (!(Number.isFinite(s) && s >= 0)) {
        throw new ValidationError({ path: ['referenceShares', g], message: `expected a share >= 0, got ${s}` });
      }
      total += s;
    }
    if (!(total > 0) || armNames.length < 1) {
      throw new ValidationError({
        path: ['referenceShares'],
        message: 'expected at least one positive group share and one arm',
      });
    }
    this.options = options;
    this.o = o;
    this.referenceShares = Float64Array.from(referenceShares, (s) => s / total);
    this.armNames = [...armNames];
    const k = referenceShares.length;
    const m = armNames.length;
    this.groupCounts = new Float64Array(k);
    this.cellCounts = new Float64Array(k * m);
    if (o.plannedCostSe !== undefined && o.plannedCostSe.length !== k * m) {
      throw new ValidationError({
        path: ['plannedCostSe'],
        message: `expected ${k * m} standard errors (groups x arms), got ${o.plannedCostSe.length}`,
      });
    }
    this.armCounts = new Float64Array(m);
    this.armPlanned = new Float64Array(m);
    this.armRealized = new Float64Array(m);
    this.armMatured = new Float64Array(m);
    this.armSquares = new Float64Array(m);
  }

  /** A monitor whose reference is the group shares of the policy's trial (its GroupStats; equal shares without). */
  static forPolicy(policy: AllocationPolicy, options: DriftMonitorOptions = {}): DriftMonitor {
    const k = policy.table.k;
    const stats = policy.stats;
    const shares = Float64Array.from({ length: k }, (_, g) => (stats === undefined ? 1 : stats.groupCount(g)));
    return new DriftMonitor(shares, policy.treatmentNames, options);
  }

  /** Counts one decision: the user's group and the arm given. */
  recordDecision(group: number, arm: number): void {
    this.groupCounts[group] = (this.groupCounts[group] as number) + 1;
    const c = group * this.armNames.length + arm;
    this.cellCounts[c] = (this.cellCounts[c] as number) + 1;
    this.armCounts[arm] = (this.armCounts[arm] as number) + 1;
    this.decisions++;
  }

  /** Adds matured decisions of an arm: how many, the cost planned for them and the cost realised. */
  recordCost(arm: number, decisions: number, planned: number, realized: number): void {
    this.armMatured[arm] = (this.armMatured[arm] as number) + decisions;
    this.armPlanned[arm] = (this.armPlanned[arm] as number) + planned;
    this.armRealized[arm] = (this.armRealized[arm] as number) + realized;
  }

  /** Adds one reported cost of an arm to the variance estimate of its realised cost. */
  recordSquare(arm: number, cost: number): void {
    this.armSquares[arm] = (this.armSquares[arm] as number) + cost * cost;
  }

  /** Population stability index of the group shares so far against the reference (0 before any decision). */
  psi(): number {
    if (this.decisions === 0) return 0;
    const shares = this.groupCounts.map((c) => c / this.decisions);
    return populationStability(shares, this.referenceShares);
  }

  /** Variance of the planned cost of arm j's matured decisions from the trial's estimation error (0 without SEs). */
  private plannedVariance(j: number): number {
    const se = this.o.plannedCostSe;
    if (se === undefined) return 0;
    const m = this.armNames.length;
    let n = 0;
    let v = 0;
    for (let g = 0; g < this.referenceShares.length; g++) {
      const c = this.cellCounts[g * m + j] as number;
      n += c;
      const s = se[g * m + j] as number;
      if (Number.isFinite(s)) v += (c * s) ** 2;
    }
    if (n === 0) return 0;
    const matured = Math.min(1, (this.armMatured[j] as number) / n);
    return matured * matured * v;
  }

  /** Checks the thresholds and returns the events that fired now (each also goes to `onEvent`). */
  check(): DriftEvent[] {
    const out: DriftEvent[] = [];
    const emit = (key: string, over: boolean, make: () => DriftEvent) => {
      if (!over) {
        this.firing.delete(key);
        return;
      }
      if (this.firing.has(key)) return;
      this.firing.add(key);
      const e = make();
      out.push(e);
      this.fired.push(e);
      this.o.onEvent?.(e);
    };
    if (this.decisions >= this.o.minDecisions) {
      const psi = this.psi();
      emit('group', psi > this.o.psiThreshold, () => ({
        type: 'groupShift',
        psi,
        threshold: this.o.psiThreshold,
        decisions: this.decisions,
      }));
    }
    for (let j = 0; j < this.armNames.length; j++) {
      const planned = this.armPlanned[j] as number;
      if ((this.armMatured[j] as number) < Math.max(1, this.o.minArmDecisions) || !(planned > 0)) continue;
      const realized = this.armRealized[j] as number;
      const ratio = realized / planned;
      const se = Math.sqrt(Math.max(this.armSquares[j] as number, planned * 1e-12) + this.plannedVariance(j));
      const over = Math.abs(ratio - 1) > this.o.costThreshold && Math.abs(realized - planned) > this.o.z * se;
      emit(`arm${j}`, over, () => ({
        type: 'armCost',
        arm: j,
        armName: this.armNames[j] as string,
        ratio,
        threshold: this.o.costThreshold,
        planned,
        realized,
      }));
    }
    return out;
  }

  /** The measures so far and every event fired. */
  summary(): DriftSummary {
    const n = Math.max(1, this.decisions);
    return {
      decisions: this.decisions,
      psi: this.psi(),
      groupShares: this.groupCounts.map((c) => c / n),
      referenceShares: this.referenceShares.slice(),
      armShares: this.armCounts.map((c) => c / n),
      armCost: this.armNames.map((armName, arm) => {
        const planned = this.armPlanned[arm] as number;
        const realized = this.armRealized[arm] as number;
        return {
          arm,
          armName,
          decisions: this.armMatured[arm] as number,
          planned,
          realized,
          ratio: planned > 0 ? realized / planned : Number.NaN,
        };
      }),
      events: [...this.fired],
    };
  }

  /** The counts, for a pacer's JSON state. */
  counts(): {
    groups: number[];
    cells: number[];
    arms: number[];
    planned: number[];
    realized: number[];
    matured: number[];
    squares: number[];
  } {
    return {
      squares: Array.from(this.armSquares),
      groups: Array.from(this.groupCounts),
      cells: Array.from(this.cellCounts),
      arms: Array.from(this.armCounts),
      planned: Array.from(this.armPlanned),
      realized: Array.from(this.armRealized),
      matured: Array.from(this.armMatured),
    };
  }

  /** Restores counts written by {@link counts} (sizes checked by the caller's schema). */
  restore(c: {
    groups: readonly number[];
    cells: readonly number[];
    arms: readonly number[];
    planned: readonly number[];
    realized: readonly number[];
    matured: readonly number[];
    squares: readonly number[];
  }): void {
    this.armSquares.set(c.squares);
    this.groupCounts.set(c.groups);
    this.cellCounts.set(c.cells);
    this.armCounts.set(c.arms);
    this.armPlanned.set(c.planned);
    this.armRealized.set(c.realized);
    this.armMatured.set(c.matured);
    this.decisions = c.groups.reduce((a, b) => a + b, 0);
  }
}
