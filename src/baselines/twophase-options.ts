import { defaultNetOptions, type NetOptions } from './net-options.js';

// The two-phase model's options and outputs as plain data (no tfjs types in the declarations of TPMSL, TPMTARNet
// and DFCL).

/** Network architecture of a two-phase model. */
export type TwoPhaseArchitecture = 'slearner' | 'tarnet';

/** Options of the two-phase outcome model (first phase of TPMSL, TPMTARNet and DFCL). All optional. */
export interface TwoPhaseNetOptions extends NetOptions {
  /** Hidden units of each arm's own head (TARNet). @default [32] */
  headHidden?: number[];
  /** Response loss; `'auto'` is cross-entropy for a 0/1 response and MSE otherwise. @default 'auto' */
  responseLoss?: 'auto' | 'bce' | 'mse' | 'huber';
  /** Weight of the cost loss (cost labels are scaled by their RMS, so 1 balances the two heads). @default 1 */
  costWeight?: number;
}

export const defaultTwoPhaseNetOptions = {
  ...defaultNetOptions,
  headHidden: [32],
  responseLoss: 'auto' as const,
  costWeight: 1,
} satisfies Required<TwoPhaseNetOptions>;

/** Per-arm predictions, row-major `n * m`, in label units. */
export interface ArmOutcomes {
  readonly response: Float64Array;
  readonly cost: Float64Array;
}

/** What the two-phase allocators use of a fitted outcome model (`TwoPhaseNet`). */
export interface TwoPhaseModel {
  readonly architecture: TwoPhaseArchitecture;
  /** Arm count. */
  readonly m: number;
  predict(features: Float32Array): ArmOutcomes;
  toJSON(): unknown;
  dispose(): void;
}
