import type { DriftMonitor } from './drift.js';
import type { PacerStateJSON } from './pacer-json.js';

/** The ledger's part of a pacer's state JSON. */
export type LedgerState = Pick<
  PacerStateJSON,
  | 'observed'
  | 'maturedPlanned'
  | 'maturedObserved'
  | 'windowStart'
  | 'windowPlanned'
  | 'windowObserved'
  | 'windowArmPlanned'
  | 'windowArmObserved'
  | 'windowArmCount'
>;

/**
 * The pacer's spend ledger: planned and realised cost per block of `interval` decisions until the block matures
 * (its last decision is `delay` decisions old), then in matured totals. The pacer's forecast of the period's cost
 * is the matured realised cost plus the cost ratio times the planned cost of the younger blocks.
 */
export class SpendLedger {
  /** Realised cost reported so far. */
  observed = 0;
  maturedPlanned = 0;
  maturedObserved = 0;
  /** Index of the first block not yet matured. */
  private windowStart = 0;
  private windowPlanned: number[] = [0];
  private windowObserved: number[] = [0];
  private windowArmPlanned: number[][];
  private windowArmObserved: number[][];
  private windowArmCount: number[][];
  /** The newest block's rows (the ones `record` adds to). */
  private lastArmPlanned: number[];
  private lastArmCount: number[];

  constructor(private readonly m: number) {
    this.lastArmPlanned = new Array<number>(m).fill(0);
    this.lastArmCount = new Array<number>(m).fill(0);
    this.windowArmPlanned = [this.lastArmPlanned];
    this.windowArmObserved = [new Array<number>(m).fill(0)];
    this.windowArmCount = [this.lastArmCount];
  }

  /** Adds a decision's planned cost to the newest block. */
  record(arm: number, cost: number): void {
    const b = this.windowPlanned.length - 1;
    this.windowPlanned[b] = (this.windowPlanned[b] as number) + cost;
    this.lastArmPlanned[arm] = (this.lastArmPlanned[arm] as number) + cost;
    this.lastArmCount[arm] = (this.lastArmCount[arm] as number) + 1;
  }

  /** Opens the next block. */
  nextBlock(): void {
    this.windowPlanned.push(0);
    this.windowObserved.push(0);
    this.lastArmPlanned = new Array<number>(this.m).fill(0);
    this.lastArmCount = new Array<number>(this.m).fill(0);
    this.windowArmPlanned.push(this.lastArmPlanned);
    this.windowArmObserved.push(new Array<number>(this.m).fill(0));
    this.windowArmCount.push(this.lastArmCount);
  }

  /** Books a realised cost of the decision in block `block` (arm optional, for the drift monitor). */
  observe(block: number, cost: number, arm: number | undefined, monitor: DriftMonitor | undefined): void {
    this.observed += cost;
    if (arm !== undefined) monitor?.recordSquare(arm, cost);
    const b = block - this.windowStart;
    if (b < 0) {
      // Later than the delay: the decision's block has matured already.
      this.maturedObserved += cost;
      if (arm !== undefined) monitor?.recordCost(arm, 0, 0, cost);
      return;
    }
    this.windowObserved[b] = (this.windowObserved[b] as number) + cost;
    if (arm !== undefined) {
      const row = this.windowArmObserved[b] as number[];
      row[arm] = (row[arm] as number) + cost;
    }
  }

  /** Matures the blocks whose last decision is at least `delay` decisions older than decision `seq`. */
  mature(seq: number, interval: number, delay: number, monitor: DriftMonitor | undefined): void {
    while (this.windowPlanned.length > 1 && (this.windowStart + 1) * interval + delay <= seq) {
      this.maturedPlanned += this.windowPlanned.shift() as number;
      this.maturedObserved += this.windowObserved.shift() as number;
      const ap = this.windowArmPlanned.shift() as number[];
      const ao = this.windowArmObserved.shift() as number[];
      const ac = this.windowArmCount.shift() as number[];
      if (monitor !== undefined)
        for (let j = 0; j < this.m; j++) monitor.recordCost(j, ac[j] as number, ap[j] as number, ao[j] as number);
      this.windowStart++;
    }
  }

  /** The forecast cost of every decision made: matured realised cost plus `ratio` times the younger planned cost. */
  committed(ratio: number): number {
    let young = 0;
    for (const c of this.windowPlanned) young += c;
    return this.maturedObserved + ratio * young;
  }

  state(): LedgerState {
    return {
      observed: this.observed,
      maturedPlanned: this.maturedPlanned,
      maturedObserved: this.maturedObserved,
      windowStart: this.windowStart,
      windowPlanned: [...this.windowPlanned],
      windowObserved: [...this.windowObserved],
      windowArmPlanned: this.windowArmPlanned.map((r) => [...r]),
      windowArmObserved: this.windowArmObserved.map((r) => [...r]),
      windowArmCount: this.windowArmCount.map((r) => [...r]),
    };
  }

  /** Whether a saved ledger fits `m` arms and a pacer at decision `seq` with blocks of `interval`. */
  static fits(s: LedgerState, m: number, seq: number, interval: number): boolean {
    const w = s.windowPlanned.length;
    return (
      s.windowObserved.length === w &&
      s.windowArmPlanned.length === w &&
      s.windowArmObserved.length === w &&
      s.windowArmCount.length === w &&
      [...s.windowArmPlanned, ...s.windowArmObserved, ...s.windowArmCount].every((r) => r.length === m) &&
      s.windowStart + w - 1 === Math.floor(seq / interval)
    );
  }

  restore(s: LedgerState): void {
    this.observed = s.observed;
    this.maturedPlanned = s.maturedPlanned;
    this.maturedObserved = s.maturedObserved;
    this.windowStart = s.windowStart;
    this.windowPlanned = [...s.windowPlanned];
    this.windowObserved = [...s.windowObserved];
    this.windowArmPlanned = s.windowArmPlanned.map((r) => [...r]);
    this.windowArmObserved = s.windowArmObserved.map((r) => [...r]);
    this.windowArmCount = s.windowArmCount.map((r) => [...r]);
    this.lastArmPlanned = this.windowArmPlanned[this.windowArmPlanned.length - 1] as number[];
    this.lastArmCount = this.windowArmCount[this.windowArmCount.length - 1] as number[];
  }
}
