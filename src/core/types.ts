import type { RCTDataset } from '../data/dataset.js';

/**
 * A row-major matrix of float32 values: row `i`, column `j` is `data[i * cols + j]`, and `data.length` is
 * `rows * cols`. Every feature, embedding and distance matrix crosses the components' API in this form
 * (`RepresentationNet.embed`, `HiddenClusterer.fit/predict/sqDistances`, `Distiller.fit/predict`). Build one with
 * {@link matrix}, which checks the shape and the values.
 */
export interface Matrix {
  readonly data: Float32Array;
  readonly rows: number;
  readonly cols: number;
}

/**
 * A budget: either an average cost per user (`perUser`) or a total over the users being assigned (`total`).
 * Costs are incremental over control when the control arm costs nothing, as in every built-in loader.
 */
export type Budget = { readonly perUser: number } | { readonly total: number };

/** Progress of a long stage, for progress bars and logs. `fraction` is in [0, 1] when known. */
export interface ProgressEvent {
  readonly stage: string;
  readonly fraction?: number;
  readonly message?: string;
}

/** Something that learns from a randomized trial and assigns one treatment per user under a budget. */
export interface BudgetAllocator {
  /** Short method name, e.g. `'hrc'`, `'tpm-sl'`. */
  readonly name: string;
  /** Learns from the randomized training data. Refitting starts over. Returns `this`. */
  fit(train: RCTDataset): Promise<this>;
  /**
   * Assigns one arm index (0 = control) to each row of `features` (row-major, `d` columns as in training)
   * so that the expected total cost stays within `budget`.
   */
  assign(features: Float32Array, budget: Budget): Promise<Int32Array>;
  /**
   * The fitted allocator as versioned JSON (`{ kind, formatVersion, params, state }` for the library's allocators),
   * which the class's `static fromJSON` reads back. Throws NotFittedError before `fit`.
   */
  toJSON(): unknown;
  /** Frees what the allocator holds (tfjs tensors, wasm memory); a no-op where it holds none. Idempotent. */
  dispose(): void;
}

/**
 * An allocator with a profit mode: one arm per user with no budget, for a response worth `netValue` cost units per
 * unit (each user gets an arm only where `netValue * uplift - incremental cost` pays, by the method's own model).
 * Every allocator of the library implements it.
 */
export interface ProfitAllocator extends BudgetAllocator {
  profitAssign(features: Float32Array, netValue: number): Promise<Int32Array>;
}

/** Converts a budget to a total over `n` users. */
export function budgetTotal(budget: Budget, n: number): number {
  return 'perUser' in budget ? budget.perUser * n : budget.total;
}
